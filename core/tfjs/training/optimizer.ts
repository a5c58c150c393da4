import * as tf from '@tensorflow/tfjs-core';

export type OptimizerName = 'momentum' | 'sgd' | 'adam';

/** TF1 AdamOptimizer's defaults. */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

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
      slots = Optimizer.slotSuffixes(this.name).map(() => tf.variable(tf.zerosLike(v), false));
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
