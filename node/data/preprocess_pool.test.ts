import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PreprocessPool } from './preprocess_pool.ts';
import { preprocessClip } from '../../core/data/preprocess.ts';
import { sampleColorDistortion } from '../../core/data/color_distortion.ts';
import { Rng } from '../../core/data/rng.ts';

test('worker-thread preprocessing gives the same floats as the main thread, [4,16,16,3] clips', async () => {
  const shape = { height: 16, width: 16, channels: 3 };
  const pool = new PreprocessPool(2, shape);
  try {
    const rng = new Rng(4);
    const jobs = Array.from({ length: 6 }, (_, i) => ({
      clip: Uint8Array.from({ length: 4 * 16 * 16 * 3 }, () => rng.int(256)),
      distortion: i % 3 === 0 ? null : sampleColorDistortion(rng),
    }));
    const results = await Promise.all(jobs.map((j) => pool.preprocess(j.clip, j.distortion)));
    jobs.forEach((j, i) => assert.deepEqual(results[i], preprocessClip(j.clip, shape, j.distortion)));
    // The caller's clip is untouched (the pool sends a copy).
    assert.equal(jobs[0].clip.length, 4 * 16 * 16 * 3);
  } finally {
    await pool.close();
  }
});

test('the pool reports a worker-side failure as a rejected clip', async () => {
  const pool = new PreprocessPool(1, { height: 16, width: 16, channels: 3 });
  try {
    await assert.rejects(
      Promise.resolve(
        pool.preprocess(new Uint8Array(3 * 16 * 16 * 3), {
          ordering: 9,
          brightnessDelta: 0,
          saturationFactor: 1,
          hueDelta: 0,
          contrastFactor: 1,
        }),
      ),
      /preprocessing failed: color ordering must be 0–3, got 9/,
    );
  } finally {
    await pool.close();
  }
});
