import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { channelAffine } from './channel_affine.ts';

describe('channelAffine', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    // 2·8·8·16 elements broadcast; 4·32·32·64 take wasm's depthwise conv.
    for (const shape of [
      [2, 8, 8, 16],
      [1, 4, 32, 32, 64],
    ]) {
      it(`${backend}: x [${shape}]·scale + shift, with and without ReLU, scale or shift, equals broadcasting`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const c = shape[shape.length - 1];
          const x = randomTensor(shape, 1);
          const scale = randomTensor([c], 2);
          const shift = randomTensor([c], 3);
          expectClose(channelAffine(x, scale, shift), tf.add(tf.mul(x, scale), shift), 1e-6, 'affine');
          expectClose(channelAffine(x, scale, shift, true), tf.relu(tf.add(tf.mul(x, scale), shift)), 1e-6, 'affine + ReLU');
          expectClose(channelAffine(x, null, shift), tf.add(x, shift), 1e-6, 'shift only');
          expectClose(channelAffine(x, scale, null), tf.mul(x, scale), 1e-6, 'scale only');
        });
      });
    }
  }
});
