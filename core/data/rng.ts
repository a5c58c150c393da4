/**
 * A small seedable pseudo-random generator (mulberry32: 32-bit state, period 2^32), so that
 * augmentation, shuffling, splits and the synthetic scenes are reproducible from one number.
 * It is not cryptographic; it only has to be fast and identical in Node, browsers and workers.
 */
export class Rng {
  #state: number;

  /** `seed` is any number; only its low 32 bits matter. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator's whole state, to save and continue later with {@link Rng.fromState}. */
  get state(): number {
    return this.#state;
  }

  /** A generator that continues from a saved {@link Rng.state}. */
  static fromState(state: number): Rng {
    return new Rng(state);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A fresh 32-bit seed, for handing a child generator to a worker or a sub-task. */
  seed(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
