import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BilinearResizer, resizeBilinear } from './resize_bilinear.ts';
import { Rng } from './rng.ts';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * The definition, written out directly: every output value is Σ w(y)·w(x)·src / Σ w(y)·w(x)
 * over the whole frame, w the triangle of half-width max(1, in/out) around (o + 0.5)·in/out − 0.5.
 */
function reference(src: Uint8Array, h: number, w: number, ch: number, outH: number, outW: number): Float64Array {
  const tri = (i: number, o: number, inSize: number, outSize: number) => {
    const s = inSize / outSize;
    const r = Math.max(1, s);
    return Math.max(0, 1 - Math.abs(i - ((o + 0.5) * s - 0.5)) / r);
  };
  const out = new Float64Array(outH * outW * ch);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < ch; c++) {
        let sum = 0;
        let norm = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const wt = tri(y, oy, h, outH) * tri(x, ox, w, outW);
            sum += wt * src[(y * w + x) * ch + c];
            norm += wt;
          }
        }
        out[(oy * outW + ox) * ch + c] = sum / norm;
      }
    }
  }
  return out;
}

const square = Uint8Array.of(0, 10, 20, 30); // one 2×2 single-channel frame

test('2×2 → 4×4 (upscaling) gives TF2 tf.image.resize bilinear values', () => {
  const out = resizeBilinear(square, { height: 2, width: 2, channels: 1 }, 4, 4);
  close(out, [0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
});

test('1×4 → 1×2 averages under a triangle two source pixels wide, renormalised at the edges', () => {
  // Output 0 is centred at 0.5 with half-width 2: source 0, 1, 2 weigh 0.75, 0.75, 0.25.
  const out = resizeBilinear(Uint8Array.of(0, 10, 20, 30), { height: 1, width: 4, channels: 1 }, 1, 2);
  close(out, [(0.75 * 10 + 0.25 * 20) / 1.75, (0.25 * 10 + 0.75 * 20 + 0.75 * 30) / 1.75]);
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

test('upscaling [3,7,9,3] → [3,11,13,3] and 1:1 match tfjs resizeBilinear (half-pixel centres) on the cpu backend', async () => {
  await tf.setBackend('cpu');
  const rng = new Rng(5);
  const src = Uint8Array.from({ length: 3 * 7 * 9 * 3 }, () => rng.int(256));
  const input = tf.tensor4d(Float32Array.from(src), [3, 7, 9, 3]);
  for (const [h, w] of [
    [11, 13],
    [7, 9],
    [7, 20],
  ]) {
    const want = tf.image.resizeBilinear(input, [h, w], false, true).dataSync();
    close(resizeBilinear(src, { height: 7, width: 9, channels: 3 }, h, w), want, 1e-3);
  }
  input.dispose();
});

test('downscaling by 1.5–7.3 matches the triangle filter written out in 2-D', () => {
  const rng = new Rng(11);
  const src = Uint8Array.from({ length: 23 * 37 * 3 }, () => rng.int(256));
  for (const [h, w] of [
    [5, 5],
    [15, 24],
    [3, 37],
    [23, 10],
  ]) {
    close(resizeBilinear(src, { height: 23, width: 37, channels: 3 }, h, w), reference(src, 23, 37, 3, h, w), 1e-3);
  }
});

test('a flat frame stays exactly flat; one-pixel stripes average to grey instead of aliasing', () => {
  const flat = new Uint8Array(40 * 60 * 3).fill(200);
  assert.ok(resizeBilinear(flat, { height: 40, width: 60, channels: 3 }, 7, 9).every((v) => v === 200));
  // Vertical stripes 0/255: plain 4-tap bilinear at 60 → 7 gives anything from 0 to 255 (55 first).
  const stripes = Uint8Array.from({ length: 40 * 60 }, (_, i) => (i % 2) * 255);
  const out = resizeBilinear(stripes, { height: 40, width: 60, channels: 1 }, 7, 7);
  assert.ok(
    out.every((v) => Math.abs(v - 127.5) < 12),
    `stripes → ${[...out.slice(0, 7)].map((v) => v.toFixed(1)).join(' ')}`,
  );
});

test('RGBA sources give the same RGB as RGB sources', () => {
  const rng = new Rng(3);
  const rgb = Uint8Array.from({ length: 13 * 17 * 3 }, () => rng.int(256));
  const rgba = new Uint8Array(13 * 17 * 4);
  for (let p = 0; p < 13 * 17; p++) rgba.set([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], 255], p * 4);
  const crop = { x: 2, y: 1, width: 11, height: 10 };
  const a = new BilinearResizer({ width: 17, height: 13, pixelStride: 3 }, 3, 4, 6, crop).resize(rgb);
  const b = new BilinearResizer({ width: 17, height: 13, pixelStride: 4 }, 3, 4, 6, crop).resize(rgba);
  assert.deepEqual(b, a);
});

test('a 1920×1080 RGB frame resizes to 224×224 in well under 100 ms', (t) => {
  const rng = new Rng(1);
  const src = Uint8Array.from({ length: 1920 * 1080 * 3 }, () => rng.int(256));
  const resizer = new BilinearResizer({ width: 1920, height: 1080, pixelStride: 3 }, 3, 224, 224);
  const out = new Float32Array(224 * 224 * 3);
  for (let i = 0; i < 3; i++) resizer.resize(src, 0, out); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    resizer.resize(src, 0, out);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  t.diagnostic(`1080p → 224²: fastest ${times[0].toFixed(1)} ms, median ${times[5].toFixed(1)} ms`);
  assert.ok(times[5] < 100, `median ${times[5]} ms`);
});
