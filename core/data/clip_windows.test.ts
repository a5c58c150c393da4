import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipWindows } from './clip_windows.ts';

async function* frames(n: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < n; i++) yield Uint8Array.of(i, i); // 1×2×1 frames holding their index
}
async function cut(n: number, length: number, stride: number) {
  const out: Array<{ start: number; frames: number[]; padded: boolean }> = [];
  for await (const w of clipWindows(frames(n), length, stride))
    out.push({ start: w.start, frames: Array.from(w.frames.filter((_, i) => i % 2 === 0)), padded: w.padded });
  return out;
}

test('stride = length: back-to-back clips, the tail dropped', async () => {
  assert.deepEqual(await cut(7, 3, 3), [
    { start: 0, frames: [0, 1, 2], padded: false },
    { start: 3, frames: [3, 4, 5], padded: false },
  ]);
});

test('stride < length overlaps, stride > length skips frames', async () => {
  assert.deepEqual(
    (await cut(6, 4, 1)).map((w) => w.frames),
    [
      [0, 1, 2, 3],
      [1, 2, 3, 4],
      [2, 3, 4, 5],
    ],
  );
  assert.deepEqual(
    (await cut(10, 2, 4)).map((w) => w.frames),
    [
      [0, 1],
      [4, 5],
      [8, 9],
    ],
  );
});

test('a video shorter than a clip gives one clip padded with its last frame', async () => {
  assert.deepEqual(await cut(2, 4, 4), [{ start: 0, frames: [0, 1, 1, 1], padded: true }]);
  assert.deepEqual(await cut(0, 4, 4), []);
});
