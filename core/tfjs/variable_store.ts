import * as tf from '@tensorflow/tfjs-core';
import type { ApplyContext } from '../model/context.ts';
import type { Ops } from '../ops/ops.ts';
import type { Initializer, VariableSpec } from '../model/variables.ts';
import { tfjsSeed } from './ops/tfjs_seed.ts';

/** Initial value of a variable. `seed` makes random initialisers reproducible. */
export function initialValue(spec: VariableSpec, seed?: number): tf.Tensor {
  const { shape } = spec;
  const init: Initializer = spec.init;
  switch (init) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'truncated_normal':
      return tf.truncatedNormal(shape, 0, 0.01, 'float32', tfjsSeed(seed));
    case 'glorot_uniform': {
      const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const fanIn = receptive * shape[shape.length - 2];
      const fanOut = receptive * shape[shape.length - 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape, -limit, limit, 'float32', tfjsSeed(seed));
    }
    case 'center': {
      const [k, h, w, cin, cout] = shape;
      if (shape.length !== 5 || cin !== cout || k % 2 === 0) {
        throw new Error(`center initializer needs an odd [k,h,w,C,C] shape, got [${shape}] for ${spec.name}`);
      }
      const values = new Float32Array(k * h * w * cin * cout);
      const middle = Math.floor(k / 2) * h * w * cin * cout;
      for (let c = 0; c < cin; c++) values[middle + c * cout + c] = 1;
      return tf.tensor(values, shape);
    }
  }
}

/**
 * The model's variables as tfjs Variables, keyed by TF name. Gives the model an ApplyContext
 * and the trainer the variables to optimise.
 */
let storeCount = 0;

export class VariableStore {
  readonly specs: Map<string, VariableSpec>;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly tfNames = new Map<string, string>();

  constructor(specs: VariableSpec[], seed = 0) {
    this.specs = new Map(specs.map((s) => [s.name, s]));
    // tfjs keeps one global registry of variable names: prefix ours so several stores can coexist.
    const prefix = `s3dg${storeCount++}:`;
    specs.forEach((spec, i) => {
      // Variable i of seed s draws from stream s·1000003 + i: the streams of two seeds never
      // overlap (with seed + i, seed 1 gave variable i what seed 0 gave variable i + 1).
      const value = initialValue(spec, seed * 1_000_003 + i);
      const v = tf.variable(value, spec.trainable, prefix + spec.name);
      this.vars.set(spec.name, v);
      this.tfNames.set(v.name, spec.name);
      value.dispose();
    });
  }

  /** The TF name of one of our tfjs variables (tf.variableGrads keys gradients by tfjs name). */
  tfNameOf(tfjsName: string): string {
    const name = this.tfNames.get(tfjsName);
    if (name === undefined) throw new Error(`variable ${tfjsName} is not in this store`);
    return name;
  }

  get names(): string[] {
    return [...this.vars.keys()];
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no model variable named ${name}`);
    return v;
  }

  /** Replaces a variable's value (checkpoint restore), checking its shape. */
  assign(name: string, value: tf.Tensor): void {
    const v = this.get(name);
    if (!tf.util.arraysEqual(v.shape, value.shape)) {
      throw new Error(`${name}: shape [${value.shape}] does not match the model's [${v.shape}]`);
    }
    v.assign(value);
  }

  /** Trainable variables whose names `include` accepts (all trainable ones by default). */
  trainable(include: (name: string) => boolean = () => true): tf.Variable[] {
    return [...this.specs.values()].filter((s) => s.trainable && include(s.name)).map((s) => this.get(s.name));
  }

  /**
   * A context that runs the model on these variables. `trains` says which variables the current
   * pass trains (default: every trainable one when training); `seed` seeds its dropout;
   * `freezeBatchNorm` keeps the batch norm of untrained layers on moving statistics.
   */
  context(
    ops: Ops<tf.Tensor>,
    training: boolean,
    trains: (name: string) => boolean = () => true,
    seed?: number,
    freezeBatchNorm = false,
  ): ApplyContext<tf.Tensor> {
    return {
      ops,
      training,
      seed,
      freezeBatchNorm,
      trains: (name) => training && trains(name),
      variable: (name) => this.get(name),
      updateMovingAverage: (name, value, decay) => {
        const v = this.get(name);
        v.assign(tf.tidy(() => tf.add(tf.mul(v, decay), tf.mul(value, 1 - decay))));
      },
    };
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
