import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, useBackend } from '../../test/harness.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import type { S3DGConfig } from '../../core/model/config.ts';
import type { NamedWeights } from '../../core/model/named_weights.ts';
import { createInferencePool } from './inference_pool.ts';

// Small but complete: every block runs; 32² frames reach 1×1 at Mixed_5c.
const CONFIG: Partial<S3DGConfig> = { numClasses: 5, depthMultiplier: 0.125, minDepth: 4 };
const CLIP_SHAPE = [8, 32, 32, 3];
const CLIP_SIZE = CLIP_SHAPE.reduce((a, b) => a * b, 1);

/** Weights with unit-variance fan-in scaling so predictions spread away from 0.5. */
async function randomWeights(model: TfjsModel, seed: number): Promise<NamedWeights> {
  const store = model.variables;
  tf.tidy(() => {
    store.names.forEach((name, i) => {
      const shape = store.get(name).shape;
      let [lo, hi] = [-0.1, 0.1];
      if (name.endsWith('moving_variance')) [lo, hi] = [0.5, 1.5];
      if (name.endsWith('weights')) hi = Math.sqrt(3 / shape.slice(0, -1).reduce((a, b) => a * b, 1));
      if (name.endsWith('weights')) lo = -hi;
      store.assign(name, tf.randomUniform(shape, lo, hi, 'float32', seed + i));
    });
  });
  return model.namedWeights();
}

function clip(seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([CLIP_SIZE], -1, 1, 'float32', seed).dataSync() as Float32Array).slice();
}

/** Handles the event loop holds, by type (workers show up as Worker/MessagePort). */
function workerHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort');
}

describe('inference pool', () => {
  let weights: NamedWeights;
  const clips: Float32Array[] = [];
  const reference: Float32Array[] = [];

  before(async () => {
    await useBackend('wasm');
    for (let i = 0; i < 5; i++) clips.push(clip(100 + i));
    const model = new TfjsModel(CONFIG);
    weights = await randomWeights(model, 7);
    for (const c of clips) reference.push(await model.predictValues(c, [1, ...CLIP_SHAPE]));
    model.dispose();
  });

  it(`2 wasm threads: predictions for 8×32² clips (depth_multiplier 0.125) equal in-process wasm within 1e-5; closes cleanly`, async () => {
    const handlesBefore = workerHandles().length;
    const pool = await createInferencePool({ config: CONFIG, weights, threads: 2 });
    assert.equal(pool.threads, 2);
    // More clips than threads, all at once: the queue hands them out as workers free up.
    const running = Promise.all(clips.map((c) => pool.predict(c, CLIP_SHAPE)));
    // Busy workers hold the event loop (so the metric below sees them); idle ones do not.
    assert.ok(workerHandles().length > handlesBefore, 'busy workers should keep the process alive');
    const single = await running;
    single.forEach((p, i) => {
      assert.equal(p.length, 5);
      assert.ok(maxAbsDiff(p, reference[i]) <= 1e-5, `clip ${i}: max abs diff ${maxAbsDiff(p, reference[i])}`);
    });
    const spread = Math.max(...reference[0]) - Math.min(...reference[0]);
    assert.ok(spread > 1e-3, `predictions should differ between classes (spread ${spread})`);
    // A batch of two clips [2,T,H,W,C] gives both clips' predictions in order.
    const pair = new Float32Array(2 * CLIP_SIZE);
    pair.set(clips[0]);
    pair.set(clips[1], CLIP_SIZE);
    const batched = await pool.predict(pair, [2, ...CLIP_SHAPE]);
    assert.ok(maxAbsDiff(batched, Float32Array.from([...reference[0], ...reference[1]])) <= 1e-5);
    // The caller's clip is copied, not moved.
    assert.equal(clips[0].length, CLIP_SIZE);

    await pool.close();
    assert.equal(workerHandles().length, handlesBefore, `worker handles left: ${workerHandles()}`);
    await assert.rejects(pool.predict(clips[0], CLIP_SHAPE), /closed/);
  });

  it('rejects a clip whose shape does not fit and weights that miss a variable', async () => {
    const pool = await createInferencePool({ config: CONFIG, weights, threads: 1 });
    await assert.rejects(pool.predict(clips[0], [8, 32, 31, 3]), /does not fit/);
    await pool.close();
    const partial = new Map(weights);
    partial.delete('InceptionV1/Mixed_5c/Branch_0/Conv2d_0a_1x1/weights');
    await assert.rejects(createInferencePool({ config: CONFIG, weights: partial, threads: 1 }), /missing: InceptionV1\/Mixed_5c/);
  });

  after(() => tf.disposeVariables());
});
