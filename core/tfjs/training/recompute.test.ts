import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, randomTensor, useBackend } from '../../../test/harness.ts';
import type { S3DGConfig } from '../../model/config.ts';
import { TfjsModel } from '../model.ts';
import { disposeStepGradients, type StepOptions, stepGradients, type TensorBatch } from './train_step.ts';

// Every block type: the full-size stem, max pools, separable temporal convs, self-gating, every
// Mixed block and the logits head with dropout, at a width that keeps the test fast.
const TINY: Partial<S3DGConfig> = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4, dropoutKeepProb: 0.5 };

function batch(): TensorBatch {
  return {
    clips: randomTensor([2, 8, 32, 32, 3], 7) as tf.Tensor5D,
    labels: tf.tensor2d([
      [1, 0, 1],
      [0, 1, 0],
    ]),
  };
}

/** The largest difference relative to the tensor's largest magnitude. */
async function relativeDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(x[i]));
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** One step's gradients on two copies of a model, plainly and by recomputation; compares gradients and variables after. */
async function compare(options: Omit<StepOptions, 'recompute'>): Promise<{ trained: number; movingChanged: number; movingKept: number }> {
  const plain = new TfjsModel(TINY, { seed: 3 });
  const again = new TfjsModel(TINY, { seed: 3 });
  const b = batch();
  const p = stepGradients(plain, b, { ...options, keepEndpoints: true });
  const r = stepGradients(again, b, { ...options, keepEndpoints: true, recompute: true });
  try {
    assert.deepEqual([...r.grads.keys()].sort(), [...p.grads.keys()].sort());
    // Float32 sums in another order: the gradients agree to a few ulps of their largest element
    // (float32 ε ≈ 1.2e-7, over sums of a few thousand terms).
    for (const [name, g] of p.grads) {
      const d = await relativeDiff(g, r.grads.get(name)!);
      assert.ok(d <= 1e-5, `${name}: recomputed gradient differs by ${d} (relative)`);
    }
    for (const key of ['total', 'crossEntropy', 'l1', 'l2', 'probabilities'] as const) {
      assert.ok((await relativeDiff(p[key], r[key])) <= 1e-6, key);
    }
    assert.deepEqual(
      r.endpoints.map(([k]) => k),
      p.endpoints.map(([k]) => k),
    );
    for (const [i, [name, t]] of p.endpoints.entries()) assert.ok((await relativeDiff(t, r.endpoints[i][1])) <= 1e-6, name);
    // Moving averages moved exactly once: the same values as the plain step's, which moved once.
    const fresh = new TfjsModel(TINY, { seed: 3 });
    let movingChanged = 0;
    let movingKept = 0;
    for (const name of plain.variables.names.filter((n) => n.includes('/moving_'))) {
      assert.ok((await relativeDiff(plain.variables.get(name), again.variables.get(name))) <= 1e-6, name);
      if ((await relativeDiff(fresh.variables.get(name), again.variables.get(name))) > 0) movingChanged++;
      else movingKept++;
    }
    fresh.dispose();
    return { trained: p.grads.size, movingChanged, movingKept };
  } finally {
    disposeStepGradients(p);
    disposeStepGradients(r);
    tf.dispose([b.clips, b.labels]);
    plain.dispose();
    again.dispose();
  }
}

for (const backend of NODE_TEST_BACKENDS) {
  describe(`recomputed step gradients (${backend})`, () => {
    it('equal the plain step’s for every trained variable, with dropout, weight decay and training batch norm', async () => {
      await useBackend(backend);
      const { trained, movingChanged, movingKept } = await compare({ trains: () => true, weightDecay: 1e-3, seed: 11 });
      assert.ok(trained > 100, `${trained} trained variables`);
      assert.ok(movingChanged > 50 && movingKept === 0, `${movingChanged} moving statistics moved, ${movingKept} kept`);
    });

    it('equal them with frozen batch norm and only the last block and logits trained', async () => {
      await useBackend(backend);
      const trains = (n: string) => n.includes('Mixed_5c') || n.includes('Logits');
      const { trained, movingChanged, movingKept } = await compare({ trains, weightDecay: 1e-3, seed: 5, freezeBatchNorm: true });
      assert.ok(trained > 5 && trained < 40, `${trained} trained variables`);
      assert.ok(movingChanged > 0 && movingKept > 50, `${movingChanged} moving statistics moved, ${movingKept} kept`);
    });

    it('leaves no tensors behind across steps', async () => {
      await useBackend(backend);
      const model = new TfjsModel(TINY, { seed: 3 });
      const b = batch();
      const step = (seed: number) =>
        disposeStepGradients(
          stepGradients(model, b, { trains: () => true, weightDecay: 1e-3, seed, keepEndpoints: true, recompute: true }),
        );
      step(1);
      const before = tf.memory().numTensors;
      step(2);
      step(3);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([b.clips, b.labels]);
      model.dispose();
    });
  });
}
