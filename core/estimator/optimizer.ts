import * as tf from '@tensorflow/tfjs-core';

export type OptimizerName = 'momentum' | 'sgd';

/**
 * TF1's MomentumOptimizer (use_nesterov=False) and GradientDescentOptimizer, with slots keyed by
 * the variable's TF name so checkpoints hold `<var>/Momentum` exactly as TF writes them.
 * (tfjs's MomentumOptimizer keys its slots by position in the gradient list, which cannot be
 * matched to checkpoint names.)
 *   accum ← momentum·accum + grad;  var ← var − lr·accum      (sgd: var ← var − lr·grad)
 */
export class Optimizer {
  private readonly slots = new Map<string, tf.Variable>();

  constructor(
    readonly name: OptimizerName,
    public learningRate: number,
    readonly momentum = 0.9,
  ) {
    if (!(learningRate > 0)) throw new Error(`--learning_rate must be greater than zero, got ${learningRate}`);
    if (name === 'momentum' && !(momentum >= 0 && momentum < 1)) throw new Error(`--momentum must be in [0, 1), got ${momentum}`);
  }

  /** Checkpoint name of the slot of variable `varName` (TF: `<var>/Momentum`); null for sgd. */
  static slotName(optimizer: OptimizerName, varName: string): string | null {
    return optimizer === 'momentum' ? `${varName}/Momentum` : null;
  }

  /** Applies one update. `grads` maps TF names to gradients; `vars` TF names to variables. */
  apply(grads: Map<string, tf.Tensor>, vars: (name: string) => tf.Variable): void {
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const v = vars(name);
        if (this.name === 'sgd') {
          v.assign(tf.sub(v, tf.mul(g, this.learningRate)));
          continue;
        }
        let accum = this.slots.get(name);
        if (!accum) {
          accum = tf.variable(tf.zerosLike(v), false);
          this.slots.set(name, accum);
        }
        const next = tf.add(tf.mul(accum, this.momentum), g);
        accum.assign(next);
        v.assign(tf.sub(v, tf.mul(next, this.learningRate)));
      }
    });
  }

  /** Slot values by checkpoint name, for saving. */
  slotTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.slots) out.set(Optimizer.slotName(this.name, name)!, v);
    return out;
  }

  /** Restores the slot of `varName` (on resume). */
  setSlot(varName: string, value: tf.Tensor): void {
    const existing = this.slots.get(varName);
    if (existing) existing.assign(value);
    else this.slots.set(varName, tf.variable(value, false));
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}
