import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorOf, yuv420ToRgba } from './yuv_to_rgb.ts';
import { Rng } from './rng.ts';

const LIMITED_601 = colorOf(null);

test('untagged streams are BT.601 limited range; black, white and a red sample', () => {
  assert.deepEqual(LIMITED_601, { matrix: 'bt601', fullRange: false });
  assert.deepEqual(colorOf({ matrix: 'bt709', fullRange: true }), { matrix: 'bt709', fullRange: true });
  const planes = [
    { offset: 0, stride: 1 },
    { offset: 1, stride: 1 },
    { offset: 2, stride: 1 },
  ];
  const px = (y: number, u: number, v: number) => Array.from(yuv420ToRgba(Uint8Array.of(y, u, v), planes, 'I420', 1, 1, LIMITED_601));
  assert.deepEqual(px(16, 128, 128), [0, 0, 0, 255]);
  assert.deepEqual(px(235, 128, 128), [255, 255, 255, 255]);
  // BT.601 limited red (ffmpeg's rgb24 of yuv 81,90,240 is 255,0,0 ± 1).
  const red = px(81, 90, 240);
  assert.ok(red[0] >= 254 && red[1] <= 1 && red[2] <= 1, `red ${red}`);
});

test('a 5×3 frame: each chroma sample colours its 2×2 block; NV12 gives what I420 gives', () => {
  const rng = new Rng(8);
  const [w, h, cw, ch] = [5, 3, 3, 2];
  const y = Uint8Array.from({ length: w * h }, () => 16 + rng.int(220));
  const u = Uint8Array.from({ length: cw * ch }, () => 16 + rng.int(225));
  const v = Uint8Array.from({ length: cw * ch }, () => 16 + rng.int(225));
  const i420 = Uint8Array.from([...y, ...u, ...v]);
  const rgba = yuv420ToRgba(
    i420,
    [
      { offset: 0, stride: w },
      { offset: w * h, stride: cw },
      { offset: w * h + cw * ch, stride: cw },
    ],
    'I420',
    w,
    h,
    LIMITED_601,
  );
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const one = Uint8Array.of(y[row * w + col], u[(row >> 1) * cw + (col >> 1)], v[(row >> 1) * cw + (col >> 1)]);
      const want = yuv420ToRgba(
        one,
        [
          { offset: 0, stride: 1 },
          { offset: 1, stride: 1 },
          { offset: 2, stride: 1 },
        ],
        'I420',
        1,
        1,
        LIMITED_601,
      );
      assert.deepEqual(Array.from(rgba.subarray((row * w + col) * 4, (row * w + col + 1) * 4)), Array.from(want), `pixel ${col},${row}`);
    }
  }
  // NV12 with padded rows: the UV plane interleaved, 8 bytes a row.
  const nv12 = new Uint8Array(w * h + 8 * ch);
  nv12.set(y);
  for (let r = 0; r < ch; r++) for (let c = 0; c < cw; c++) nv12.set([u[r * cw + c], v[r * cw + c]], w * h + r * 8 + c * 2);
  assert.deepEqual(
    yuv420ToRgba(
      nv12,
      [
        { offset: 0, stride: w },
        { offset: w * h, stride: 8 },
      ],
      'NV12',
      w,
      h,
      LIMITED_601,
    ),
    rgba,
  );
});
