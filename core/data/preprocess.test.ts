import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToUnit, preprocessClip, preprocessFramesForPredict, unitToSymmetric } from './preprocess.ts';
import { distortColor, sampleColorDistortion } from './color_distortion.ts';
import { Rng } from './rng.ts';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

test('bytes → [0,1] → [-1,1]', () => {
  close(unitToSymmetric(bytesToUnit(Uint8Array.of(0, 255, 51, 204))), [-1, 1, -0.6, 0.6]);
});

test('eval preprocessing of a [1,1,2,3] clip is only the scaling', () => {
  close(
    preprocessClip(Uint8Array.of(0, 51, 102, 153, 204, 255), { height: 1, width: 2, channels: 3 }, null),
    [-1, -0.6, -0.2, 0.2, 0.6, 1],
  );
});

test('training preprocessing = distort in [0,1], clip, then scale; writes into the given buffer', () => {
  const rng = new Rng(9);
  const clip = Uint8Array.from({ length: 2 * 3 * 4 * 3 }, () => rng.int(256));
  const d = sampleColorDistortion(rng);
  const want = bytesToUnit(clip);
  distortColor(want, 12, 3, d);
  unitToSymmetric(want);
  const out = new Float32Array(clip.length);
  const got = preprocessClip(clip, { height: 3, width: 4, channels: 3 }, d, out);
  assert.equal(got, out);
  close(got, want, 1e-6);
  assert.ok(got.every((v) => v >= -1 && v <= 1));
});

test('predict preprocessing: crop + resize [1,2,4,1] → [1,2,2,1] then scale', () => {
  // crop x=2 width=2 keeps columns (102, 153) / (204, 255); same size → values unchanged
  const frames = Uint8Array.of(0, 51, 102, 153, 51, 102, 204, 255);
  const out = preprocessFramesForPredict(
    frames,
    { height: 2, width: 4, channels: 1 },
    { height: 2, width: 2, crop: { x: 2, y: 0, width: 2, height: 2 } },
  );
  close(out, [-0.2, 0.2, 0.6, 1], 1e-6);
});

test('preprocessing a 64×224×224×3 clip takes well under a second', () => {
  const spec = { height: 224, width: 224, channels: 3 };
  const rng = new Rng(1);
  const clip = Uint8Array.from({ length: 64 * 224 * 224 * 3 }, () => rng.int(256));
  const out = new Float32Array(clip.length);
  preprocessClip(clip, spec, sampleColorDistortion(rng), out); // warm-up
  const runs = 4;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) preprocessClip(clip, spec, { ...sampleColorDistortion(rng), ordering: i }, out);
  const ms = (performance.now() - t0) / runs;
  const t1 = performance.now();
  preprocessClip(clip, spec, null, out);
  const evalMs = performance.now() - t1;
  console.log(`preprocess 64x224x224x3: train ${ms.toFixed(0)} ms/clip, eval ${evalMs.toFixed(0)} ms/clip`);
  assert.ok(ms < 1000, `${ms} ms per clip`);
});
