import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFrameMaker } from './model_frame.ts';
import { BilinearResizer } from './resize_bilinear.ts';
import { Rng } from './rng.ts';

const rng = new Rng(21);
const rgba = Uint8Array.from({ length: 9 * 14 * 4 }, () => rng.int(256));
const rgb = Uint8Array.from({ length: 9 * 14 * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]);
const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);

test('at the model size without a crop, RGBA frames are only stripped of alpha (or made grey)', () => {
  const maker = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 4 }, { frameHeight: 9, frameWidth: 14, channels: 3 });
  assert.deepEqual(maker.make(rgba), rgb);
  const grey = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 4 }, { frameHeight: 9, frameWidth: 14, channels: 1 }).make(rgba);
  assert.deepEqual(
    grey,
    Uint8Array.from({ length: 9 * 14 }, (_, p) => luma(rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2])),
  );
});

test('other sizes are cropped and resized by the one resizer, then rounded (and made grey)', () => {
  const crop = { x: 3, y: 1, width: 10, height: 7 };
  const floats = new BilinearResizer({ width: 14, height: 9, pixelStride: 3 }, 3, 5, 4, crop).resize(rgb);
  const fromRgb = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 3 }, { frameHeight: 5, frameWidth: 4, channels: 3, crop }).make(
    rgb,
  );
  const fromRgba = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 4 }, { frameHeight: 5, frameWidth: 4, channels: 3, crop }).make(
    rgba,
  );
  assert.deepEqual(fromRgb, Uint8Array.from(floats, Math.round));
  assert.deepEqual(fromRgba, fromRgb);
  const grey = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 3 }, { frameHeight: 5, frameWidth: 4, channels: 1, crop }).make(
    rgb,
  );
  assert.deepEqual(
    grey,
    Uint8Array.from({ length: 20 }, (_, p) => luma(floats[p * 3], floats[p * 3 + 1], floats[p * 3 + 2])),
  );
});

test('frames at an offset, and bad settings, are handled', () => {
  const maker = new ModelFrameMaker({ width: 14, height: 9, pixelStride: 3 }, { frameHeight: 3, frameWidth: 3, channels: 3 });
  const two = new Uint8Array(rgb.length * 2);
  two.set(rgb, rgb.length);
  assert.deepEqual(maker.make(two, rgb.length), maker.make(rgb));
  assert.throws(() => maker.make(rgb.subarray(1)), /bytes where a 14×9×3 frame needs 378/);
  assert.throws(
    () => new ModelFrameMaker({ width: 14, height: 9, pixelStride: 3 }, { frameHeight: 3, frameWidth: 3, channels: 2 }),
    /1 or 3 channels, not 2/,
  );
  assert.throws(
    () =>
      new ModelFrameMaker(
        { width: 14, height: 9, pixelStride: 3 },
        { frameHeight: 3, frameWidth: 3, channels: 3, crop: { x: 10, y: 0, width: 5, height: 5 } },
      ),
    /crop x=10 y=0 width=5 height=5 does not fit in a 14×9 frame/,
  );
});
