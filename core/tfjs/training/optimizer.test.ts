import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, useBackend } from '../../../test/harness.ts';
import { Rng } from '../../data/rng.ts';
import { Optimizer } from './optimizer.ts';

/** Runs `steps` updates of `optimizer` on one variable [2] with the given gradients; returns its values. */
async function run(optimizer: Optimizer, grads: number[][], start = [1, -2]): Promise<number[]> {
  const v = tf.tidy(() => tf.variable(tf.tensor1d(start), true, 'opt_test_v'));
  for (const g of grads) {
    const gt = tf.tensor1d(g);
    optimizer.apply(new Map([['v', gt]]), () => v);
    gt.dispose();
  }
  const out = [...(await v.data())];
  v.dispose();
  return out;
}

const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= tol, `${a} vs ${b}`));

describe('Optimizer (TF1 update rules and slot names)', () => {
  it('momentum: accum ← 0.9·accum + g; var ← var − lr·accum', async () => {
    await useBackend('cpu');
    const opt = new Optimizer('momentum', 0.1, 0.9);
    // step 1: accum = g1 = [1, 2] → v = [0.9, -2.2]; step 2: accum = [0.9+0.5, 1.8-1] = [1.4, 0.8] → v = [0.76, -2.28]
    close(
      await run(opt, [
        [1, 2],
        [0.5, -1],
      ]),
      [0.76, -2.28],
    );
    assert.deepEqual([...opt.slotTensors().keys()], ['v/Momentum']);
    opt.dispose();
  });

  it('adam: bias-corrected moments, and the state TF checkpoints (slots and beta powers)', async () => {
    await useBackend('cpu');
    const lr = 0.01;
    const grads = [
      [1, 2],
      [0.5, -1],
      [-3, 0.25],
    ];
    // Textbook Adam (Kingma & Ba) with TF1's ε placement: var −= lr_t·m/(√v + ε), lr_t = lr·√(1−β2^t)/(1−β1^t).
    const expected = [1, -2];
    const m = [0, 0];
    const s = [0, 0];
    grads.forEach((g, k) => {
      const t = k + 1;
      const rate = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < 2; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        s[i] = 0.999 * s[i] + 0.001 * g[i] * g[i];
        expected[i] -= (rate * m[i]) / (Math.sqrt(s[i]) + 1e-8);
      }
    });
    const opt = new Optimizer('adam', lr);
    close(await run(opt, grads), expected, 1e-5);
    const state = opt.slotTensors();
    assert.deepEqual([...state.keys()].sort(), ['beta1_power', 'beta2_power', 'v/Adam', 'v/Adam_1']);
    close([...(await state.get('v/Adam')!.data())], m, 1e-6);
    close([...(await state.get('v/Adam_1')!.data())], s, 1e-6);
    close([(await state.get('beta1_power')!.data())[0], (await state.get('beta2_power')!.data())[0]], [0.9 ** 4, 0.999 ** 4], 1e-6);
    opt.dispose();
  });

  it('adam resumed from saved state continues exactly as an uninterrupted run', async () => {
    await useBackend('cpu');
    const grads = [
      [1, 2],
      [0.5, -1],
      [-3, 0.25],
      [2, 2],
    ];
    const whole = new Optimizer('adam', 0.01);
    const straight = await run(whole, grads);
    whole.dispose();

    const first = new Optimizer('adam', 0.01);
    const half = await run(first, grads.slice(0, 2));
    const saved = new Map([...first.slotTensors()].map(([k, t]) => [k, t.clone()]));
    first.dispose();
    const before = tf.memory().numTensors;
    const second = new Optimizer('adam', 0.01);
    await second.restore(['v'], async (name) => saved.get(name)?.clone() ?? null);
    const resumed = await run(second, grads.slice(2), half);
    second.dispose();
    close(resumed, straight, 1e-6);
    assert.equal(tf.memory().numTensors, before, 'restore and dispose leave no tensors behind');
    tf.dispose([...saved.values()]);
  });

  // The update on host values must be the kernels' update bit for bit, or a run's result would
  // depend on which path its backend takes.
  for (const backend of NODE_TEST_BACKENDS) {
    it(`${backend}: the update on host values gives the kernels' bits (sgd, momentum, adam; 3 steps)`, async () => {
      await useBackend(backend);
      // Gradients over many magnitudes, zeros and subnormals included, on a variable of 1000.
      const rng = new Rng(7);
      const n = 1000;
      const grad = () =>
        Float32Array.from({ length: n }, (_, i) =>
          i % 97 === 0 ? 0 : i % 89 === 0 ? 1e-40 : (rng.next() - 0.5) * 10 ** (rng.next() * 12 - 8),
        );
      const start = Float32Array.from({ length: n }, () => rng.next() - 0.5);
      const grads = [grad(), grad(), grad()];
      for (const name of ['sgd', 'momentum', 'adam'] as const) {
        const before = tf.memory().numTensors;
        const results: Uint32Array[] = [];
        for (const path of ['host', 'kernels'] as const) {
          const opt = new Optimizer(name, 0.003, 0.9);
          const v = tf.tidy(() => tf.variable(tf.tensor1d(start), true, `opt_bits_${name}_${path}`));
          for (const g of grads) {
            if (path === 'host') opt.applyValues(new Map([['v', g]]), () => v);
            else tf.tidy(() => opt.applyKernels(new Map([['v', tf.tensor1d(g)]]), () => v));
          }
          const slots = [...opt.slotTensors().values()].map((t) => t.dataSync() as Float32Array);
          results.push(new Uint32Array(Float32Array.from([...v.dataSync(), ...slots.flatMap((x) => [...x])]).buffer));
          v.dispose();
          opt.dispose();
        }
        assert.ok(results[0].length >= n);
        const differing = results[0].findIndex((bits, i) => bits !== results[1][i]);
        assert.equal(differing, -1, `${name}: value ${differing} differs`);
        assert.equal(tf.memory().numTensors, before, `${name}: no tensors left behind`);
      }
    });
  }
});
