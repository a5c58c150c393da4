import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { batchNorm, batchNormReluTraining, biasAdd } from './batch_norm.ts';
import { channelMean, scaleChannels } from './channel_sums.ts';
import { canFuseBatchNormRelu } from '../kernels/batch_norm_relu.ts';

/** Plain tfjs formulations: the references our matmul-reduction versions must equal. */
const reference = {
  batchNorm: (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor) => tf.add(tf.div(tf.sub(x, m), tf.sqrt(tf.add(v, 1e-3))), o),
  moments: (x: tf.Tensor) => tf.moments(x, [0, 1, 2, 3]),
  batchNormRelu: (x: tf.Tensor, o: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2, 3]);
    return tf.relu(reference.batchNorm(x, mean, variance, o));
  },
};

describe('batch norm (inference and training), bias and channel scaling (matmul reductions)', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const shape of [
      [2, 3, 4, 5, 6],
      [1, 2, 32, 32, 64],
    ]) {
      it(`${backend}: batchNorm of x [${shape}] equals the textbook formula, value and all four gradients`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const c = shape[4];
          const x = randomTensor(shape, 1);
          const m = randomTensor([c], 2);
          const v = randomTensor([c], 3, 0.5, 1.5);
          const o = randomTensor([c], 4);
          const g = randomTensor(x.shape, 5);
          expectClose(batchNorm(x, m, v, o, 1e-3), reference.batchNorm(x, m, v, o), 1e-5, 'value');
          const ours = tf.grads((a, b, c, d) => tf.sum(tf.mul(batchNorm(a, b, c, d, 1e-3), g)))([x, m, v, o]);
          const ref = tf.grads((a, b, c, d) => tf.sum(tf.mul(reference.batchNorm(a, b, c, d), g)))([x, m, v, o]);
          ['dx', 'dmean', 'dvariance', 'doffset'].forEach((name, i) => expectClose(ours[i], ref[i], 1e-4, name));
        });
      });
    }

    // On wasm, 6 channels go through tfjs ops, 8 and 64 through our kernels (189 rows: two blocks
    // of their blocked sums and part of a third); on cpu, all through tfjs ops.
    for (const shape of [
      [2, 3, 4, 5, 6],
      [1, 3, 7, 9, 8],
      [1, 2, 32, 32, 64],
    ]) {
      it(`${backend}: batchNormReluTraining of x [${shape}] equals moments → batch norm → ReLU in plain tfjs: value, moments, dx, d offset`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const c = shape[4];
          const x = randomTensor(shape, 6);
          const o = randomTensor([c], 7);
          const g = randomTensor(x.shape, 8);
          const seen: tf.Tensor[] = [];
          const ours = batchNormReluTraining(x, o, 1e-3, (m) => seen.push(tf.keep(tf.clone(m.mean)), tf.keep(tf.clone(m.variance))));
          const ref = reference.moments(x);
          expectClose(ours, reference.batchNormRelu(x, o), 1e-5, 'value');
          expectClose(seen[0], ref.mean, 1e-5, 'mean');
          expectClose(seen[1], ref.variance, 1e-5, 'variance');
          tf.dispose(seen);
          const loss = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), g));
          const dOurs = tf.grads(loss((a, b) => batchNormReluTraining(a, b, 1e-3, () => {})))([x, o]);
          const dRef = tf.grads(loss(reference.batchNormRelu))([x, o]);
          expectClose(dOurs[0], dRef[0], 1e-4, 'dx');
          expectClose(dOurs[1], dRef[1], 1e-4, 'd offset');
        });
      });
    }

    it(`${backend}: batchNormReluTraining runs as our kernels exactly where they load (wasm, channels a multiple of 4)`, async () => {
      await useBackend(backend);
      assert.equal(canFuseBatchNormRelu(tf.backend(), [1, 2, 3, 3, 8]), backend === 'wasm');
      assert.equal(canFuseBatchNormRelu(tf.backend(), [1, 2, 3, 3, 6]), false);
      assert.equal(canFuseBatchNormRelu(tf.backend(), [1, 0, 3, 3, 8]), false);
    });

    it(`${backend}: batchNormReluTraining leaves no tensors behind across training steps`, async () => {
      await useBackend(backend);
      const x = randomTensor([1, 2, 3, 3, 4], 9);
      const o = randomTensor([4], 10);
      const step = () =>
        tf.tidy(() => tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(batchNormReluTraining(a, b, 1e-3, () => {})))([x, o])));
      step();
      const before = tf.memory().numTensors;
      step();
      step();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, o]);
    });

    // One clip, as the model gates at batch 1.
    it(`${backend}: scaleChannels of one clip x [1,2,32,32,64] by [1,1,1,1,64], value and gradients, equals tf.mul`, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = randomTensor([1, 2, 32, 32, 64], 14);
        const s = randomTensor([1, 1, 1, 1, 64], 15);
        const g = randomTensor(x.shape, 16);
        expectClose(scaleChannels(x, s), tf.mul(x, s), 1e-6, 'value');
        const ours = tf.grads((a, c) => tf.sum(tf.mul(scaleChannels(a, c), g)))([x, s]);
        const ref = tf.grads((a, c) => tf.sum(tf.mul(tf.mul(a, c), g)))([x, s]);
        expectClose(ours[0], ref[0], 1e-5, 'd x');
        expectClose(ours[1], ref[1], 1e-4, 'd scale');
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
