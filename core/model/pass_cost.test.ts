import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3DG } from './s3dg.ts';
import { trainingStepBytes } from './pass_cost.ts';

const GiB = 2 ** 30;

describe('trainingStepBytes', () => {
  const net = new S3DG({ numClasses: 400 });

  it("puts a 64×224² batch-1 step over wasm's 4 GiB heap plainly, and under it with recomputation", () => {
    const plain = trainingStepBytes(net, [64, 224, 224, 3], 1);
    const recomputed = trainingStepBytes(net, [64, 224, 224, 3], 1, true);
    assert.ok(plain > 4 * GiB, `plain ${plain / GiB} GiB`);
    assert.ok(recomputed < 4 * GiB && recomputed < plain / 2, `recomputed ${recomputed / GiB} GiB`);
  });

  it('grows with the batch either way, and recomputation never estimates more', () => {
    for (const recompute of [false, true]) {
      assert.ok(trainingStepBytes(net, [16, 224, 224, 3], 2, recompute) > trainingStepBytes(net, [16, 224, 224, 3], 1, recompute));
    }
    for (const batch of [1, 4])
      assert.ok(trainingStepBytes(net, [8, 112, 112, 3], batch, true) < trainingStepBytes(net, [8, 112, 112, 3], batch));
  });
});
