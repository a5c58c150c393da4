/**
 * Parity of the ops layer and of S3D-G on a tfjs backend against cpu: every case runs on cpu
 * first (the reference, native 3-D kernels), then on the backend under test (its own
 * formulation), from the same seeded inputs. Small tensors: webgpu and webgl may run on a
 * software GPU. Shared by the browser diagnostics (page and worker) and the Node webgpu test;
 * each caller brings its own way of switching backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { S3DG } from '../core/model/s3dg.ts';
import { TfjsModel } from '../core/tfjs/model.ts';
import type { NamedWeights } from '../core/model/named_weights.ts';
import { tfjsOps } from '../core/tfjs/ops/tfjs_ops.ts';
import type { Ops } from '../core/ops/ops.ts';
import { trainingLoss } from '../core/tfjs/training/losses.ts';
import { regularizedNames } from '../core/tfjs/training/train_step.ts';

/** One compared computation. */
export interface ParityCase {
  name: string;
  /** Largest |backend − cpu| over all outputs. */
  maxAbsDiff: number;
  /** Largest |cpu| value: the tolerance is relative to max(1, this). */
  maxAbsValue: number;
  tolerance: number;
  ok: boolean;
}

export type ParityScope = 'ops' | 'model' | 'all';

/** Makes `name` the active backend with s3dg's kernels installed; false when it cannot run here. */
export type ActivateBackend = (name: string) => Promise<boolean>;

/** Seeded uniform values in [-1, 1) (a small LCG: same numbers on every backend and run). */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    seeded(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

type CaseFn = (ops: Ops<tf.Tensor>) => tf.Tensor[];

const OP_CASES: Array<[string, number, CaseFn]> = [
  [
    'conv3d [1,4,9,9,3]×[3,3,3,3,5] stride 1 SAME',
    1e-4,
    (o) => [o.conv3d(input([1, 4, 9, 9, 3], 1), input([3, 3, 3, 3, 5], 2), [1, 1, 1], 'SAME')],
  ],
  [
    'conv3d stem [1,6,13,13,3]×[3,7,7,3,4] stride 2 SAME',
    1e-4,
    (o) => [o.conv3d(input([1, 6, 13, 13, 3], 3), input([3, 7, 7, 3, 4], 4), [2, 2, 2], 'SAME')],
  ],
  [
    'conv3d spatial [2,3,8,8,4]×[1,3,3,4,6] SAME',
    1e-4,
    (o) => [o.conv3d(input([2, 3, 8, 8, 4], 5), input([1, 3, 3, 4, 6], 6), [1, 1, 1], 'SAME')],
  ],
  [
    'conv3d temporal [1,5,4,4,4]×[3,1,1,4,4] SAME',
    1e-4,
    (o) => [o.conv3d(input([1, 5, 4, 4, 4], 7), input([3, 1, 1, 4, 4], 8), [1, 1, 1], 'SAME')],
  ],
  ['maxPool3d [1,4,9,9,3] [1,3,3]/[1,2,2] SAME', 1e-6, (o) => [o.maxPool3d(input([1, 4, 9, 9, 3], 9), [1, 3, 3], [1, 2, 2], 'SAME')]],
  ['maxPool3d [1,5,7,7,2] [3,3,3]/[2,2,2] SAME', 1e-6, (o) => [o.maxPool3d(input([1, 5, 7, 7, 2], 10), [3, 3, 3], [2, 2, 2], 'SAME')]],
  ['avgPool3d [1,4,7,7,3] [2,7,7]/[1,1,1] VALID', 1e-5, (o) => [o.avgPool3d(input([1, 4, 7, 7, 3], 11), [2, 7, 7], [1, 1, 1], 'VALID')]],
  [
    'batchNormReluTraining [2,3,5,5,4], its moments and gradients',
    1e-4,
    (o) => {
      const x = input([2, 3, 5, 5, 4], 12);
      const offset = input([4], 13);
      const moments: tf.Tensor[] = [];
      const y = o.batchNormReluTraining(x, offset, 1e-3, (m) => moments.push(tf.keep(tf.clone(m.mean)), tf.keep(tf.clone(m.variance))));
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            o.batchNormReluTraining(a, b, 1e-3, () => {}),
            input([2, 3, 5, 5, 4], 20),
          ),
        ),
      );
      return [y, ...moments, ...g([x, offset])];
    },
  ],
  ['concat axis 4 of [1,2,3,3,2]+[1,2,3,3,5]', 0, (o) => [o.concat([input([1, 2, 3, 3, 2], 14), input([1, 2, 3, 3, 5], 15)], 4)]],
  // More terms than webgpu binds storage buffers in one shader (8 by default).
  ['addN of 20 tensors [2,4,8,8]', 1e-5, () => [tf.addN(Array.from({ length: 20 }, (_, i) => input([2, 4, 8, 8], 30 + i)))]],
  [
    'conv3d gradients [1,4,8,8,3]×[3,3,3,3,4] stride 2',
    1e-3,
    (o) => {
      const x = input([1, 4, 8, 8, 3], 16);
      const w = input([3, 3, 3, 3, 4], 17);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(o.conv3d(a, b, [2, 2, 2], 'SAME'))));
      return g([x, w]);
    },
  ],
  [
    'maxPool3d gradient [1,4,9,9,3] [1,3,3]/[1,2,2]',
    1e-4,
    (o) => {
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(o.maxPool3d(a, [1, 3, 3], [1, 2, 2], 'SAME'), input([1, 4, 5, 5, 3], 19))));
      return [g(input([1, 4, 9, 9, 3], 18))];
    },
  ],
  // 21 channels: wasm's SIMD kernel takes 16, then 4, then 1 at a time.
  [
    'maxPool3d gradient [1,3,7,7,21] [3,3,3]/[1,1,1]',
    1e-4,
    (o) => {
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(o.maxPool3d(a, [3, 3, 3], [1, 1, 1], 'SAME'), input([1, 3, 7, 7, 21], 23))));
      return [g(input([1, 3, 7, 7, 21], 22))];
    },
  ],
];

/** A tiny S3D-G (all blocks, gating, 3 classes, no dropout so runs are comparable) on an [1,8,32,32,3] clip. */
const MODEL_CONFIG = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4, dropoutKeepProb: 1 } as const;

function modelCases(weights: NamedWeights): Array<[string, number, CaseFn]> {
  const withModel = (ops: Ops<tf.Tensor>, f: (model: TfjsModel) => tf.Tensor[]): tf.Tensor[] => {
    const model = new TfjsModel(MODEL_CONFIG, { ops });
    try {
      model.loadWeights(weights, { source: 'the parity weights' });
      return f(model);
    } finally {
      model.dispose();
    }
  };
  const clip = () => input([1, 8, 32, 32, 3], 21);
  return [
    ['S3D-G tiny forward (eval) probabilities', 1e-4, (o) => withModel(o, (m) => [m.predict(clip())])],
    [
      'S3D-G tiny loss (weight decay included) and the gradient of every trainable variable (training mode)',
      2e-3,
      (o) =>
        withModel(o, (m) => {
          const vars = m.variables.trainable();
          const { grads, value } = tf.variableGrads(() => {
            const out = m.net.apply(m.context(true), clip());
            // With weight decay, as training has: one L1 and one L2 term per weight tensor.
            const decayed = regularizedNames(m).map((n) => m.variables.get(n));
            return trainingLoss(tf.tensor2d([[1, 0, 1]]), out.logits!, decayed, 1e-2).total;
          }, vars);
          return [value, ...vars.map((v) => grads[v.name])];
        }),
    ],
  ];
}

/** Seeded model weights (moving variances positive), so both backends see the same network. */
function modelWeights(): NamedWeights {
  const specs = new S3DG(MODEL_CONFIG).variables();
  return new Map(
    specs.map((s, i) => {
      const v = seeded(
        s.shape.reduce((a, b) => a * b, 1),
        100 + i,
      );
      if (s.name.endsWith('moving_variance')) for (let j = 0; j < v.length; j++) v[j] = 0.5 + Math.abs(v[j]);
      else for (let j = 0; j < v.length; j++) v[j] *= 0.3;
      return [s.name, { shape: s.shape, values: v }];
    }),
  );
}

async function runOn(activate: ActivateBackend, backend: string, fn: CaseFn): Promise<Float32Array[]> {
  if (!(await activate(backend))) throw new Error(`backend ${backend} is not available here`);
  const outs = tf.tidy(() => fn(tfjsOps()));
  try {
    return await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  } finally {
    tf.dispose(outs);
  }
}

function casesOf(which: ParityScope, weights: () => NamedWeights): Array<[string, number, CaseFn]> {
  const cases: Array<[string, number, CaseFn]> = [];
  if (which !== 'model') cases.push(...OP_CASES);
  if (which !== 'ops') cases.push(...modelCases(weights()));
  return cases;
}

/**
 * Runs the cases of `which` on cpu and on `backend`; leaves
 * `backend` active and no tensors behind. `onCase` hears each result as it comes.
 */
export async function runParityCases(
  activate: ActivateBackend,
  backend: string,
  which: ParityScope = 'all',
  onCase: (c: ParityCase) => void = () => {},
): Promise<ParityCase[]> {
  const results: ParityCase[] = [];
  for (const [name, tolerance, fn] of casesOf(which, modelWeights)) {
    const want = await runOn(activate, 'cpu', fn);
    const got = await runOn(activate, backend, fn);
    let maxAbsDiff = 0;
    let maxAbsValue = 0;
    want.forEach((w, i) => {
      if (got[i].length !== w.length) maxAbsDiff = Infinity;
      for (let j = 0; j < w.length; j++) {
        const d = Math.abs(w[j] - got[i][j]);
        maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d);
        maxAbsValue = Math.max(maxAbsValue, Math.abs(w[j]));
      }
    });
    const ok = maxAbsDiff <= Math.max(tolerance, 1e-6) * Math.max(1, maxAbsValue);
    const result = { name, maxAbsDiff, maxAbsValue, tolerance, ok };
    results.push(result);
    onCase(result);
  }
  return results;
}
