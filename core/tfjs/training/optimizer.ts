import * as tf from '@tensorflow/tfjs-core';

export type OptimizerName = 'momentum' | 'sgd' | 'adam';

/** TF1 AdamOptimizer's defaults. */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Backends whose tensors live in this thread's memory, where reading and writing them is a copy. */
const HOST_BACKENDS = new Set(['cpu', 'wasm']);

function onHost(): boolean {
  return HOST_BACKENDS.has(tf.getBackend());
}

/** Replaces a variable's values with `values` (which the variable may keep: not to be written again). */
function assignValues(v: tf.Variable, values: Float32Array): void {
  tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
}

/**
 * TF1's MomentumOptimizer (use_nesterov=False), GradientDescentOptimizer and AdamOptimizer,
 * with state keyed by the variable's TF name so checkpoints hold exactly what TF writes:
 * `<var>/Momentum`; `<var>/Adam`, `<var>/Adam_1` and the scalars `beta1_power`, `beta2_power`.
 * (tfjs's optimizers key their slots by position in the gradient list, which cannot be matched
 * to checkpoint names.)
 *   momentum: accum ← momentum·accum + grad;  var ← var − lr·accum
 *   sgd:      var ← var − lr·grad
 *   adam:     m ← β1·m + (1−β1)·grad;  v ← β2·v + (1−β2)·grad²;
 *             var ← var − lr·√(1−β2^t)/(1−β1^t) · m/(√v + ε)
 */
export class Optimizer {
  /** Per-variable slots, in slotSuffixes order. */
  private readonly slots = new Map<string, tf.Variable[]>();
  /**
   * Adam's β1^t and β2^t (updated after each step), mirrored in powerVars for checkpoints, where
   * TF keeps them as float32; {@link betaPowers} gives them exactly, for an exact resume.
   */
  private powers: [number, number] = [ADAM.beta1, ADAM.beta2];
  private powerVars: [tf.Variable, tf.Variable] | null = null;

  constructor(
    readonly name: OptimizerName,
    public learningRate: number,
    readonly momentum = 0.9,
  ) {
    if (!(learningRate > 0)) throw new Error(`\`learningRate\` must be greater than zero, got ${learningRate}`);
    if (name === 'momentum' && !(momentum >= 0 && momentum < 1)) throw new Error(`\`momentum\` must be in [0, 1), got ${momentum}`);
  }

  /** Checkpoint name suffixes of a variable's slots, e.g. ['Momentum'] (none for sgd). */
  static slotSuffixes(optimizer: OptimizerName): string[] {
    return optimizer === 'momentum' ? ['Momentum'] : optimizer === 'adam' ? ['Adam', 'Adam_1'] : [];
  }

  /** Applies one update. `grads` maps TF names to gradients; `vars` TF names to variables. */
  apply(grads: Map<string, tf.Tensor>, vars: (name: string) => tf.Variable): void {
    if (onHost()) this.applyValues(new Map([...grads].map(([name, g]) => [name, g.dataSync() as Float32Array])), vars);
    else this.applyKernels(grads, vars);
  }

  /**
   * {@link apply} with gradients as plain values (a replica coordinator's mean). On backends
   * whose tensors live in this thread (cpu, wasm) the update is one loop per variable instead of
   * about ten tiny kernels, each rounded to float32 as those kernels round, so both give the
   * same bits (optimizer.test.ts); elsewhere the values become tensors for the kernels.
   */
  applyValues(grads: Map<string, Float32Array>, vars: (name: string) => tf.Variable): void {
    if (!onHost()) {
      const tensors = new Map([...grads].map(([name, g]) => [name, tf.tensor(g, vars(name).shape, 'float32')]));
      try {
        this.applyKernels(tensors, vars);
      } finally {
        tf.dispose([...tensors.values()]);
      }
      return;
    }
    const f = Math.fround;
    const rate = f(this.learningRate);
    const [p1, p2] = this.powers;
    const adamRate = f((this.learningRate * Math.sqrt(1 - p2)) / (1 - p1));
    const [b1, c1, b2, c2, eps, momentum] = [ADAM.beta1, 1 - ADAM.beta1, ADAM.beta2, 1 - ADAM.beta2, ADAM.epsilon, this.momentum].map(f);
    for (const [name, g] of grads) {
      const v = vars(name);
      const x = v.dataSync() as Float32Array;
      if (g.length !== x.length) throw new Error(`${name}: ${g.length} gradient values for a variable of ${x.length}`);
      const next = new Float32Array(x.length);
      if (this.name === 'sgd') {
        for (let i = 0; i < x.length; i++) next[i] = f(x[i] - f(g[i] * rate));
      } else if (this.name === 'momentum') {
        const [slot] = this.slotsOf(name, v);
        const acc = slot.dataSync() as Float32Array;
        const accNext = new Float32Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const a = f(f(acc[i] * momentum) + g[i]);
          accNext[i] = a;
          next[i] = f(x[i] - f(a * rate));
        }
        assignValues(slot, accNext);
      } else {
        const [slotM, slotS] = this.slotsOf(name, v);
        const m0 = slotM.dataSync() as Float32Array;
        const s0 = slotS.dataSync() as Float32Array;
        const m1 = new Float32Array(x.length);
        const s1 = new Float32Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const gi = g[i];
          const m = f(f(m0[i] * b1) + f(gi * c1));
          const s = f(f(s0[i] * b2) + f(f(gi * gi) * c2));
          m1[i] = m;
          s1[i] = s;
          next[i] = f(x[i] - f(f(m / f(f(Math.sqrt(s)) + eps)) * adamRate));
        }
        assignValues(slotM, m1);
        assignValues(slotS, s1);
      }
      assignValues(v, next);
    }
    this.stepped();
  }

  /** The update as tfjs kernels: any backend ({@link apply} uses it where tensors are not in this thread). */
  applyKernels(grads: Map<string, tf.Tensor>, vars: (name: string) => tf.Variable): void {
    tf.tidy(() => {
      const [p1, p2] = this.powers;
      const adamRate = (this.learningRate * Math.sqrt(1 - p2)) / (1 - p1);
      for (const [name, g] of grads) {
        const v = vars(name);
        if (this.name === 'sgd') {
          v.assign(tf.sub(v, tf.mul(g, this.learningRate)));
          continue;
        }
        const slots = this.slotsOf(name, v);
        if (this.name === 'momentum') {
          const next = tf.add(tf.mul(slots[0], this.momentum), g);
          slots[0].assign(next);
          v.assign(tf.sub(v, tf.mul(next, this.learningRate)));
        } else {
          const m = tf.add(tf.mul(slots[0], ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
          const s = tf.add(tf.mul(slots[1], ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
          slots[0].assign(m);
          slots[1].assign(s);
          v.assign(tf.sub(v, tf.mul(tf.div(m, tf.add(tf.sqrt(s), ADAM.epsilon)), adamRate)));
        }
      }
    });
    this.stepped();
  }

  /** After an update: Adam's β powers advance one step. */
  private stepped(): void {
    if (this.name === 'adam') this.setPowers([this.powers[0] * ADAM.beta1, this.powers[1] * ADAM.beta2]);
  }

  private setPowers(powers: [number, number]): void {
    this.powers = powers;
    if (!this.powerVars)
      this.powerVars = tf.tidy(
        () => [tf.variable(tf.scalar(powers[0]), false), tf.variable(tf.scalar(powers[1]), false)] as [tf.Variable, tf.Variable],
      );
    else this.powerVars.forEach((v, i) => tf.tidy(() => v.assign(tf.scalar(powers[i]))));
  }

  private slotsOf(name: string, v: tf.Variable): tf.Variable[] {
    let slots = this.slots.get(name);
    if (!slots) {
      slots = tf.tidy(() => Optimizer.slotSuffixes(this.name).map(() => tf.variable(tf.zerosLike(v), false)));
      this.slots.set(name, slots);
    }
    return slots;
  }

  /** Adam's β1^t and β2^t at full precision once it has stepped (the checkpoint holds them as float32); else null. */
  get betaPowers(): [number, number] | null {
    return this.name === 'adam' && this.powerVars ? [...this.powers] : null;
  }

  /** Continues with exactly these β powers (from {@link betaPowers}), after `restore` read the float32 ones. */
  setBetaPowers(powers: [number, number]): void {
    if (this.name === 'adam') this.setPowers(powers);
  }

  /** Everything to checkpoint, by TF name: slots, and Adam's beta powers. */
  slotTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    const suffixes = Optimizer.slotSuffixes(this.name);
    for (const [name, slots] of this.slots) slots.forEach((s, i) => out.set(`${name}/${suffixes[i]}`, s));
    if (this.powerVars) {
      out.set('beta1_power', this.powerVars[0]);
      out.set('beta2_power', this.powerVars[1]);
    }
    return out;
  }

  /**
   * Restores state from checkpoint values by TF name (on resume): `read(name)` gives a saved
   * tensor or null. Slots of variables not in `varNames` are not looked for.
   */
  async restore(varNames: readonly string[], read: (name: string) => Promise<tf.Tensor | null>): Promise<void> {
    const suffixes = Optimizer.slotSuffixes(this.name);
    for (const name of varNames) {
      const values = await Promise.all(suffixes.map((s) => read(`${name}/${s}`)));
      if (values.some((x) => x === null)) {
        tf.dispose(values.filter((x): x is tf.Tensor => x !== null));
        continue;
      }
      const existing = this.slots.get(name);
      if (existing) existing.forEach((slot, i) => slot.assign(values[i]!));
      else
        this.slots.set(
          name,
          values.map((x) => tf.variable(x!, false)),
        );
      tf.dispose(values as tf.Tensor[]);
    }
    if (this.name === 'adam') {
      const [b1, b2] = await Promise.all([read('beta1_power'), read('beta2_power')]);
      if (b1 && b2) this.setPowers([(await b1.data())[0], (await b2.data())[0]]);
      tf.dispose([b1, b2].filter((x): x is tf.Tensor => x !== null));
    }
  }

  dispose(): void {
    for (const slots of this.slots.values()) tf.dispose(slots);
    this.slots.clear();
    if (this.powerVars) tf.dispose(this.powerVars);
    this.powerVars = null;
  }
}
