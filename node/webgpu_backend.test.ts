/**
 * WebGPU in Node (Dawn) on SwiftShader, without a browser: the shared parity cases (ops, tiny
 * S3D-G forward, loss and every gradient) match cpu on Node's webgpu with s3dg's kernels
 * installed, and the automatic backend choice passes over the software adapter.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useSwiftShader } from '../test/swiftshader.ts';
import { useBackend } from '../test/harness.ts';
import { runParityCases } from '../test/parity_cases.ts';
import { setupBackend } from './backend.ts';
import { releaseWebgpu, startWebgpu } from './webgpu_backend.ts';

const SKIP = useSwiftShader();

const activate = async (name: string) => {
  if (name === 'webgpu') await startWebgpu();
  await useBackend(name);
  return true;
};

describe('webgpu in Node on SwiftShader', { skip: SKIP }, () => {
  after(() => releaseWebgpu());

  test('automatic choice passes over the software adapter, naming it and why', async () => {
    const env = process.env.S3DG_BACKEND;
    delete process.env.S3DG_BACKEND;
    const log: string[] = [];
    try {
      const choice = await setupBackend(undefined, (m) => log.push(m));
      assert.notEqual(choice.name, 'webgpu', log.join('\n'));
      // Where TensorFlow loads it comes first and webgpu is not even looked at.
      if (choice.name !== 'tensorflow') {
        assert.match(
          log.join('\n'),
          /webgpu not used \(google swiftshader \(SwiftShader[^)]*\) is a software adapter, used only when forced/,
        );
      }
    } finally {
      if (env !== undefined) process.env.S3DG_BACKEND = env;
    }
  });

  test('forced, it runs on the software adapter and says so', async () => {
    const log: string[] = [];
    const choice = await setupBackend('webgpu', (m) => log.push(m));
    assert.equal(choice.name, 'webgpu');
    assert.equal(choice.adapter?.software, true);
    assert.match(log.join('\n'), /^backend: webgpu \(forced by --backend, on google swiftshader \(SwiftShader.*\); a software adapter/m);
    // Same kernels as the browser: a 5-D tensor plus a short 1-D one, whose shader tfjs gets
    // wrong (zeros here without core/tfjs/kernels/webgpu/; over 1,000 values, so it runs on the GPU).
    const x = tf.tensor5d(
      Array.from({ length: 4096 }, (_, i) => i),
      [2, 4, 8, 8, 8],
    );
    const offsets = tf.tensor1d([100, 200, 300, 400, 500, 600, 700, 800]);
    const y = tf.add(x, offsets);
    const sum = await y.data();
    assert.deepEqual(Array.from(sum.slice(0, 9)), [100, 201, 302, 403, 504, 605, 706, 807, 108]);
    assert.equal(sum[4095], 4095 + 800);
    tf.dispose([x, offsets, y]);
  });

  test('ops and tiny S3D-G (forward, loss, every gradient) match cpu; no tensors left', async () => {
    await activate('cpu');
    const before = tf.memory().numTensors;
    const cases = await runParityCases(activate, 'webgpu');
    assert.ok(cases.length >= 14, `only ${cases.length} cases ran`);
    assert.deepEqual(
      cases.filter((c) => !c.ok).map((c) => `${c.name}: |diff| ${c.maxAbsDiff} (values up to ${c.maxAbsValue}, tolerance ${c.tolerance})`),
      [],
    );
    assert.equal(tf.memory().numTensors, before);
  });
});
