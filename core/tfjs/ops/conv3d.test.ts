import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, fromSnapshot, randomTensor, snapshot, useBackend } from '../../../test/harness.ts';
import { conv3d } from './conv3d.ts';
import { defectsOf, type Formulation } from './formulation.ts';
import type { Padding, Triple } from '../../ops/ops.ts';

type Case = { name: string; x: number[]; k: number[]; s: Triple; p: Padding };

// Every kernel S3D-G uses, plus odd sizes and strides that exercise the padding math.
const CASES: Case[] = [
  { name: 'stem 3x7x7 stride 2 SAME', x: [2, 7, 13, 11, 3], k: [3, 7, 7, 3, 5], s: [2, 2, 2], p: 'SAME' },
  { name: 'stem 7x7x7 stride 2 SAME', x: [1, 9, 10, 10, 2], k: [7, 7, 7, 2, 4], s: [2, 2, 2], p: 'SAME' },
  { name: 'stem 1x7x7 stride 2 SAME', x: [1, 5, 9, 9, 3], k: [1, 7, 7, 3, 4], s: [2, 2, 2], p: 'SAME' },
  { name: 'spatial 1x3x3 SAME', x: [2, 3, 6, 5, 4], k: [1, 3, 3, 4, 6], s: [1, 1, 1], p: 'SAME' },
  { name: 'pointwise 1x1x1', x: [2, 3, 4, 4, 6], k: [1, 1, 1, 6, 5], s: [1, 1, 1], p: 'SAME' },
  { name: 'temporal 3x1x1 SAME', x: [2, 5, 3, 4, 4], k: [3, 1, 1, 4, 4], s: [1, 1, 1], p: 'SAME' },
  { name: 'temporal 3x1x1 stride 2', x: [1, 6, 3, 3, 3], k: [3, 1, 1, 3, 2], s: [2, 1, 1], p: 'SAME' },
  { name: 'general 3x3x3 VALID', x: [1, 6, 7, 7, 2], k: [3, 3, 3, 2, 3], s: [1, 1, 1], p: 'VALID' },
  { name: 'general 3x3x3 stride 2x1x2 VALID', x: [1, 8, 8, 9, 2], k: [3, 3, 3, 2, 3], s: [2, 1, 2], p: 'VALID' },
];

/** The reference: cpu's native Conv3D and its gradients. */
function reference(c: Case, seed: number) {
  const x = randomTensor(c.x, seed);
  const w = randomTensor(c.k, seed + 1);
  const dy = tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, c.s, c.p === 'SAME' ? 'same' : 'valid');
  const g = randomTensor(dy.shape, seed + 2);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.p === 'SAME' ? 'same' : 'valid'), g).sum();
  const [dx, dw] = tf.grads(f)([x, w]);
  return { x: snapshot(x), w: snapshot(w), g: snapshot(g), y: snapshot(dy), dx: snapshot(dx), dw: snapshot(dw) };
}

describe('conv3d', () => {
  const refs = new Map<string, ReturnType<typeof reference>>();
  before(async () => {
    await useBackend('cpu');
    CASES.forEach((c, i) => refs.set(c.name, reference(c, 10 * i)));
  });

  for (const backend of NODE_TEST_BACKENDS) {
    for (const formulation of ['native3d', 'rewrite2d'] as Formulation[]) {
      for (const c of CASES) {
        it(`${backend} ${formulation}: ${c.name}, x [${c.x}] w [${c.k}] — value and gradients match cpu Conv3D`, async () => {
          await useBackend(backend);
          const r = refs.get(c.name)!;
          const routing = { formulation, defects: defectsOf(backend) };
          tf.tidy(() => {
            const x = fromSnapshot(r.x) as tf.Tensor5D;
            const w = fromSnapshot(r.w) as tf.Tensor5D;
            const g = fromSnapshot(r.g);
            const y = conv3d(x, w, c.s, c.p, routing);
            expectClose(y, fromSnapshot(r.y), 1e-5, 'forward');
            const f = (a: tf.Tensor, b: tf.Tensor) => tf.mul(conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.p, routing), g).sum();
            const [dx, dw] = tf.grads(f)([x, w]);
            expectClose(dx, fromSnapshot(r.dx), 1e-4, 'dx');
            expectClose(dw, fromSnapshot(r.dw), 1e-4, 'dw');
          });
        });
      }
    }
  }

  it('names the shapes when the filter does not fit the input', async () => {
    await useBackend('cpu');
    const x = tf.zeros([1, 2, 4, 4, 3]) as tf.Tensor5D;
    const w = tf.zeros([1, 1, 1, 5, 2]) as tf.Tensor5D;
    assert.throws(
      () => conv3d(x, w, [1, 1, 1], 'SAME', { formulation: 'rewrite2d', defects: defectsOf('cpu') }),
      /expects 5 input channels.*has 3/,
    );
    tf.dispose([x, w]);
  });
});
