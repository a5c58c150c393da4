/**
 * Generic stages for async-iterable pipelines, in the spirit of tf.data: interleave, shuffle
 * buffer, ordered concurrent map and prefetch. They know nothing about clips or tensors.
 */
import type { Rng } from './rng.ts';

/**
 * Reads up to `cycleLength` inputs at once, taking one item from each in turn (tf.data
 * `interleave` with block_length 1); when one ends, the next input opens in its slot.
 */
export async function* interleave<S, T>(
  inputs: readonly S[],
  open: (input: S) => AsyncIterable<T>,
  cycleLength: number,
): AsyncGenerator<T> {
  const slots: AsyncIterator<T>[] = [];
  let next = 0;
  const openNext = () => open(inputs[next++])[Symbol.asyncIterator]();
  try {
    while (slots.length < cycleLength && next < inputs.length) slots.push(openNext());
    while (slots.length > 0) {
      for (let i = 0; i < slots.length; ) {
        const r = await slots[i].next();
        if (!r.done) {
          yield r.value;
          i++;
        } else if (next < inputs.length) {
          slots[i] = openNext();
        } else {
          slots.splice(i, 1);
        }
      }
    }
  } finally {
    await Promise.all(slots.map((it) => it.return?.()));
  }
}

/**
 * A shuffle buffer of `size` items (tf.data `shuffle`): fill it, then for each new item emit
 * a random buffered one and put the new one in its place; at the end emit the rest shuffled.
 */
export async function* shuffleBuffer<T>(input: AsyncIterable<T>, size: number, rng: Rng): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const item of input) {
    if (buffer.length < size) {
      buffer.push(item);
      continue;
    }
    const j = rng.int(size);
    const out = buffer[j];
    buffer[j] = item;
    yield out;
  }
  yield* rng.shuffle(buffer);
}

/**
 * Applies `fn` to each item with up to `concurrency` calls in flight (e.g. one per worker
 * thread), emitting results in input order.
 */
export async function* mapOrdered<T, U>(input: AsyncIterable<T>, fn: (item: T) => U | Promise<U>, concurrency: number): AsyncGenerator<U> {
  const it = input[Symbol.asyncIterator]();
  const pending: Promise<U>[] = [];
  let ended = false;
  try {
    for (;;) {
      while (!ended && pending.length < concurrency) {
        let r: IteratorResult<T>;
        try {
          r = await it.next();
        } catch (e) {
          // Hand out the results before the failure first, then the failure.
          const failed = Promise.reject(e);
          failed.catch(() => undefined);
          pending.push(failed);
          ended = true;
          break;
        }
        if (r.done) {
          ended = true;
          break;
        }
        const p = Promise.resolve(r.value).then(fn);
        p.catch(() => undefined); // surfaced when awaited below, in order
        pending.push(p);
      }
      const head = pending.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}

/**
 * Keeps `depth` items requested ahead of the one the consumer holds, so the producer keeps
 * working (decoding, preprocessing, waiting on workers) while the consumer computes.
 */
export async function* prefetch<T>(input: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const it = input[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<T>>[] = [];
  const want = Math.max(1, depth);
  let ended = false;
  const refill = () => {
    while (ahead.length < want) {
      const p = it.next();
      p.catch(() => undefined); // surfaced when awaited below
      ahead.push(p);
    }
  };
  try {
    refill();
    for (;;) {
      const head = ahead.shift();
      if (!head) return;
      const r = await head;
      if (r.done) {
        ended = true;
        return;
      }
      refill(); // before handing the item out, so work continues while the consumer holds it
      yield r.value;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}
