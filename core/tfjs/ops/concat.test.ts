import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { concat } from './concat.ts';

describe('concat', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const axis of [4, 1, -1, 0]) {
      it(`${backend}: [2,3,4,5,{2,3,1}] along axis ${axis} — value and gradients equal tf.concat`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const a = axis === 4 || axis === -1 ? 4 : axis;
          const shapes = [2, 3, 1].map((d) => [2, 3, 4, 5, 2].map((s, i) => (i === a ? d : s)));
          const xs = shapes.map((s, i) => randomTensor(s, i));
          const expected = tf.concat(xs, axis);
          expectClose(concat(xs, axis), expected, 0, 'value');
          const g = randomTensor(expected.shape, 9);
          const ours = tf.grads((...ts: tf.Tensor[]) => tf.mul(concat(ts, axis), g).sum())(xs);
          const theirs = tf.grads((...ts: tf.Tensor[]) => tf.mul(tf.concat(ts, axis), g).sum())(xs);
          ours.forEach((d, i) => expectClose(d, theirs[i], 0, `d/dx${i}`));
        });
      });
    }
  }
});
