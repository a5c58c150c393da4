import { describe, it, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, fromSnapshot, randomTensor, snapshot, useBackend } from '../../../test/harness.ts';
import { pool3d, type PoolKind } from './pool3d.ts';
import { defectsOf, type Formulation } from './formulation.ts';
import type { Padding, Triple } from '../../ops/ops.ts';

type Case = { kind: PoolKind; x: number[]; k: Triple; s: Triple; p: Padding };

// S3D-G's pools (MaxPool_2a/3a, Branch_3, MaxPool_4a, MaxPool_5a, the logits' average) and odd sizes.
const CASES: Case[] = [
  { kind: 'max', x: [2, 3, 9, 7, 3], k: [1, 3, 3], s: [1, 2, 2], p: 'SAME' },
  { kind: 'max', x: [1, 5, 6, 6, 4], k: [3, 3, 3], s: [1, 1, 1], p: 'SAME' },
  { kind: 'max', x: [1, 7, 7, 5, 2], k: [3, 3, 3], s: [2, 2, 2], p: 'SAME' },
  { kind: 'max', x: [2, 5, 5, 4, 3], k: [2, 2, 2], s: [2, 2, 2], p: 'SAME' },
  { kind: 'avg', x: [2, 4, 7, 7, 3], k: [2, 7, 7], s: [1, 1, 1], p: 'VALID' },
  { kind: 'avg', x: [1, 3, 4, 4, 2], k: [2, 4, 4], s: [1, 1, 1], p: 'VALID' },
  { kind: 'avg', x: [1, 5, 6, 7, 2], k: [3, 3, 3], s: [2, 2, 2], p: 'SAME' },
];

const label = (c: Case) => `${c.kind}Pool3d x [${c.x}] ksize [${c.k}] strides [${c.s}] ${c.p}`;

function native(c: Case, x: tf.Tensor): tf.Tensor {
  const pad = c.p === 'SAME' ? 'same' : 'valid';
  return c.kind === 'max' ? tf.maxPool3d(x as tf.Tensor5D, c.k, c.s, pad) : tf.avgPool3d(x as tf.Tensor5D, c.k, c.s, pad);
}

describe('pool3d', () => {
  const refs = new Map<Case, Record<'x' | 'g' | 'y' | 'dx', ReturnType<typeof snapshot>>>();
  before(async () => {
    await useBackend('cpu');
    CASES.forEach((c, i) =>
      tf.tidy(() => {
        const x = randomTensor(c.x, 100 + i);
        const y = native(c, x);
        const g = randomTensor(y.shape, 200 + i);
        const dx = tf.grad((a: tf.Tensor) => tf.mul(native(c, a), g).sum())(x);
        refs.set(c, { x: snapshot(x), g: snapshot(g), y: snapshot(y), dx: snapshot(dx) });
      }),
    );
  });

  for (const backend of NODE_TEST_BACKENDS) {
    for (const formulation of ['native3d', 'rewrite2d'] as Formulation[]) {
      for (const c of CASES) {
        it(`${backend} ${formulation}: ${label(c)} — value and gradient match cpu`, async () => {
          await useBackend(backend);
          const r = refs.get(c)!;
          tf.tidy(() => {
            const run = (a: tf.Tensor) => pool3d(c.kind, a as tf.Tensor5D, c.k, c.s, c.p, formulation, defectsOf(backend));
            const x = fromSnapshot(r.x);
            expectClose(run(x), fromSnapshot(r.y), 1e-6, 'forward');
            const dx = tf.grad((a: tf.Tensor) => tf.mul(run(a), fromSnapshot(r.g)).sum())(x);
            expectClose(dx, fromSnapshot(r.dx), 1e-5, 'dx');
          });
        });
      }
    }
  }
});
