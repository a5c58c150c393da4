import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { resizeBilinear } from './resize_bilinear.ts';
import { Rng } from './rng.ts';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

const square = Uint8Array.of(0, 10, 20, 30); // one 2×2 single-channel frame

test('2×2 → 4×4 with half-pixel centers gives TF2 tf.image.resize values', () => {
  const out = resizeBilinear(square, { height: 2, width: 2, channels: 1 }, 4, 4);
  close(out, [0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
});

test('2×2 → 4×4 without half-pixel centers gives TF1 resize_bilinear values', () => {
  const out = resizeBilinear(square, { height: 2, width: 2, channels: 1 }, 4, 4, { halfPixelCenters: false });
  close(out, [0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30]);
});

test('crop selects source pixels before resizing; scale multiplies the result', () => {
  // 1 frame 3×4×1: values = 10·row + column; crop the 2×2 block at x=1, y=1.
  const src = Uint8Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
  const out = resizeBilinear(src, { height: 3, width: 4, channels: 1 }, 2, 2, { crop: { x: 1, y: 1, width: 2, height: 2 }, scale: 0.5 });
  close(out, [5.5, 6, 10.5, 11]);
  assert.throws(
    () => resizeBilinear(src, { height: 3, width: 4, channels: 1 }, 2, 2, { crop: { x: 3, y: 0, width: 2, height: 2 } }),
    /crop x=3 y=0 width=2 height=2 does not fit in a 4×3 frame/,
  );
});

test('[3,7,9,3] → [3,5,4,3] and [3,7,9,3] → [3,11,13,3] match tfjs resizeBilinear on the cpu backend', async () => {
  await tf.setBackend('cpu');
  const rng = new Rng(5);
  const src = Uint8Array.from({ length: 3 * 7 * 9 * 3 }, () => rng.int(256));
  const input = tf.tensor4d(Float32Array.from(src), [3, 7, 9, 3]);
  for (const [h, w] of [[5, 4], [11, 13]]) {
    for (const half of [true, false]) {
      const want = tf.image.resizeBilinear(input, [h, w], false, half).dataSync();
      const got = resizeBilinear(src, { height: 7, width: 9, channels: 3 }, h, w, { halfPixelCenters: half });
      close(got, want, 1e-3);
    }
  }
  input.dispose();
});
