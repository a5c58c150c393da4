import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { channelMeans } from './channel_means.ts';

describe('ChannelMeans', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const shape of [
      [6, 5],
      [2, 3, 4, 5, 6],
      [3, 7, 1, 2],
    ]) {
      it(`${backend}: means of [${shape}] over all but channels and per batch entry, with gradients, as tf.mean`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const x = randomTensor(shape, 3);
          const middle = shape.slice(1, -1).map((_, i) => i + 1);
          const rows = shape.slice(0, -1).map((_, i) => i);
          const w = randomTensor([shape[shape.length - 1]], 4);
          for (const [perBatch, axes] of [
            [false, rows],
            [true, middle],
          ] as const) {
            if (perBatch && shape.length < 3) continue;
            const ours = channelMeans(x, perBatch);
            const ref = tf.mean(x, [...axes]);
            assert.deepEqual(ours.shape, ref.shape, `perBatch ${perBatch}: shape`);
            expectClose(ours, ref, 1e-6, `perBatch ${perBatch}: means`);
            const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), w));
            const dOurs = tf.grad(loss((t) => channelMeans(t, perBatch)))(x);
            const dRef = tf.grad(loss((t) => tf.mean(t, [...axes])))(x);
            expectClose(dOurs, dRef, 1e-6, `perBatch ${perBatch}: gradient`);
          }
        });
      });
    }

    it(`${backend}: leaves no tensors behind, forward or backward`, async () => {
      await useBackend(backend);
      const x = randomTensor([2, 4, 4, 3], 5);
      const step = () =>
        tf.tidy(() =>
          tf
            .grad((t: tf.Tensor) => tf.sum(channelMeans(t, true)))(x)
            .dispose(),
        );
      step();
      const before = tf.memory().numTensors;
      step();
      step();
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
    });
  }
});
