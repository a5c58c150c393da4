import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../test/harness.ts';
import { batchNorm, biasAdd, moments } from './batch_norm.ts';
import { channelMean, scaleChannels } from './channel_sums.ts';

/** Plain tfjs formulations: the references our matmul-reduction versions must equal. */
const reference = {
  batchNorm: (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor) => tf.add(tf.div(tf.sub(x, m), tf.sqrt(tf.add(v, 1e-3))), o),
  moments: (x: tf.Tensor) => tf.moments(x, [0, 1, 2, 3]),
};

describe('batch norm, moments, bias and channel scaling (matmul reductions)', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    it(`${backend}: batchNorm of x [2,3,4,5,6] equals the textbook formula, value and all four gradients`, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = randomTensor([2, 3, 4, 5, 6], 1);
        const m = randomTensor([6], 2);
        const v = randomTensor([6], 3, 0.5, 1.5);
        const o = randomTensor([6], 4);
        const g = randomTensor(x.shape, 5);
        expectClose(batchNorm(x, m, v, o, 1e-3), reference.batchNorm(x, m, v, o), 1e-5, 'value');
        const ours = tf.grads((a, b, c, d) => tf.sum(tf.mul(batchNorm(a, b, c, d, 1e-3), g)))([x, m, v, o]);
        const ref = tf.grads((a, b, c, d) => tf.sum(tf.mul(reference.batchNorm(a, b, c, d), g)))([x, m, v, o]);
        ['dx', 'dmean', 'dvariance', 'doffset'].forEach((name, i) => expectClose(ours[i], ref[i], 1e-4, name));
      });
    });

    it(`${backend}: moments of x [2,3,4,5,6] equal tf.moments over axes 0–3, with gradients`, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = randomTensor([2, 3, 4, 5, 6], 6);
        const [gm, gv] = [randomTensor([6], 7), randomTensor([6], 8)];
        const ours = moments(x);
        const ref = reference.moments(x);
        expectClose(ours.mean, ref.mean, 1e-5, 'mean');
        expectClose(ours.variance, ref.variance, 1e-5, 'variance');
        const loss = (f: (a: tf.Tensor) => { mean: tf.Tensor; variance: tf.Tensor }) => (a: tf.Tensor) => {
          const r = f(a);
          return tf.add(tf.sum(tf.mul(r.mean, gm)), tf.sum(tf.mul(r.variance, gv)));
        };
        expectClose(tf.grad(loss(moments))(x), tf.grad(loss(reference.moments))(x), 1e-5, 'dx');
      });
    });

    it(`${backend}: biasAdd, channelMean over [1,2,3] and [0..3], and scaleChannels by [B,1,1,1,C] equal tf's broadcasting ops`, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = randomTensor([2, 3, 4, 5, 6], 9);
        const b = randomTensor([6], 10);
        const s = randomTensor([2, 1, 1, 1, 6], 11);
        const g = randomTensor(x.shape, 12);
        const dAdd = tf.grads((a, c) => tf.sum(tf.mul(biasAdd(a, c), g)))([x, b]);
        const rAdd = tf.grads((a, c) => tf.sum(tf.mul(tf.add(a, c), g)))([x, b]);
        expectClose(dAdd[1], rAdd[1], 1e-4, 'd bias');
        const dScale = tf.grads((a, c) => tf.sum(tf.mul(scaleChannels(a, c), g)))([x, s]);
        const rScale = tf.grads((a, c) => tf.sum(tf.mul(tf.mul(a, c), g)))([x, s]);
        expectClose(dScale[0], rScale[0], 1e-5, 'd x (scale)');
        expectClose(dScale[1], rScale[1], 1e-4, 'd scale');
        expectClose(channelMean(x, [1, 2, 3], true)!, tf.mean(x, [1, 2, 3], true), 1e-5, 'gating mean');
        expectClose(channelMean(x, [0, 1, 2, 3], false)!, tf.mean(x, [0, 1, 2, 3]), 1e-5, 'moments mean');
        const gm = randomTensor([2, 1, 1, 1, 6], 13);
        expectClose(
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(channelMean(a, [1, 2, 3], true)!, gm)))(x),
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, [1, 2, 3], true), gm)))(x),
          1e-6,
          'd gating mean',
        );
        const gr = randomTensor([6], 14);
        expectClose(
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(channelMean(a, [0, 1, 2, 3], false)!, gr)))(x),
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, [0, 1, 2, 3]), gr)))(x),
          1e-6,
          'd moments mean',
        );
      });
    });

    it(`${backend}: channelMean of one cell per clip (x [2,1,1,1,6] over [1,2,3]) is x, gradient dy`, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = randomTensor([2, 1, 1, 1, 6], 15);
        const gm = randomTensor(x.shape, 16);
        expectClose(channelMean(x, [1, 2, 3], true)!, x, 0, 'value');
        expectClose(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(channelMean(a, [1, 2, 3], true)!, gm)))(x), gm, 0, 'gradient');
      });
    });
  }
});
