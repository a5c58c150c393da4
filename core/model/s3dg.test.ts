import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, useBackend } from '../../test/harness.ts';
import { randomizeVariables } from '../../test/random_variables.ts';
import { FIXTURES_SKIP, fixture } from '../../test/shared_fixtures.ts';
import { S3DG } from './s3dg.ts';
import { VariableStore } from '../tfjs/variable_store.ts';
import { tfjsOps } from '../tfjs/ops/tfjs_ops.ts';
import { CountingOps } from '../ops/counting_ops.ts';
import type { Formulation } from '../tfjs/ops/formulation.ts';
import type { S3DGConfig } from './config.ts';

const readTsv = (name: string) =>
  readFileSync(fixture(`s3dg-variable-names/${name}`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t') as [string, string]);

// Small but complete: every endpoint, block and pool runs; 32² frames reach 1×1 at Mixed_5c.
const SMALL: Partial<S3DGConfig> = { numClasses: 5, depthMultiplier: 0.125, minDepth: 4, dropoutKeepProb: 1 };
const INPUT_SHAPE = [2, 8, 32, 32, 3];

describe('S3D-G variables', () => {
  it('depth_multiplier 1, 400 classes: names and shapes equal the TF-slim model (fixture)', { skip: FIXTURES_SKIP }, () => {
    const expected = [...readTsv('s3dg_convs.shapes.tsv'), ...readTsv('logits.shapes.tsv')].map(([n, s]) => `${n}\t${s}`).sort();
    const actual = new S3DG({ numClasses: 400 })
      .variables()
      .map((v) => `${v.name}\t[${v.shape.join(',')}]`)
      .sort();
    assert.deepEqual(actual, expected);
  });

  it('without temporal convs or gating there are no temporal/ or self_gating/ variables', () => {
    const names = new S3DG({ temporalConvStartAt: null, gatingStartAt: null }).variables().map((v) => v.name);
    assert.ok(!names.some((n) => n.includes('/temporal/') || n.includes('self_gating')));
    const late = new S3DG({ temporalConvStartAt: 'Mixed_4b', gatingStartAt: 'Mixed_5b' }).variables().map((v) => v.name);
    assert.ok(!late.some((n) => /Mixed_3b.*temporal/.test(n)) && late.some((n) => /Mixed_4b.*temporal/.test(n)));
    assert.ok(!late.some((n) => /Mixed_4f.*self_gating/.test(n)) && late.some((n) => /Mixed_5b.*self_gating/.test(n)));
  });

  it('first_temporal_kernel_size, final_endpoint and depth_multiplier shape the variables', () => {
    const v = new S3DG({ firstTemporalKernelSize: 7, finalEndpoint: 'Mixed_4b', numClasses: 3, depthMultiplier: 0.5 }).variables();
    const byName = new Map(v.map((s) => [s.name, s.shape]));
    assert.deepEqual(byName.get('InceptionV1/Conv2d_1a_7x7/weights'), [7, 7, 7, 3, 32]);
    assert.ok(![...byName.keys()].some((n) => n.includes('Mixed_4c')));
    assert.deepEqual(byName.get('InceptionV1/Logits/Conv2d_0c_1x1/weights'), [1, 1, 1, 256, 3]);
  });

  it('rejects impossible options with a message naming them', () => {
    assert.throws(
      () => new S3DG({ firstTemporalKernelSize: 4 as 3 }),
      /S3D-G config: `firstTemporalKernelSize` must be 1, 3, 5 or 7, got 4/,
    );
    assert.throws(() => new S3DG({ depthMultiplier: 0 }), /`depthMultiplier` must be greater than zero/);
    assert.throws(() => new S3DG({ gatingStartAt: 'MaxPool_4a_3x3' }), /`gatingStartAt` must be one of/);
  });
});

describe('S3D-G shapes and FLOPs (counting ops)', () => {
  it('64×224² clip: Mixed_5c [1,8,7,7,1024], logits [1,400]; ~4× the FLOPs of 16 frames', () => {
    const model = new S3DG({ numClasses: 400 });
    const count = (frames: number) => {
      const ops = new CountingOps();
      const ctx = {
        ops,
        training: false,
        trains: () => false,
        variable: (n: string) => ({ shape: model.variables().find((v) => v.name === n)!.shape }),
        updateMovingAverage: () => {},
      };
      const out = model.apply(ctx, { shape: [1, frames, 224, 224, 3] });
      return { out, flops: ops.flops };
    };
    const long = count(64);
    assert.deepEqual(long.out.endpoints.get('Mixed_5c')!.shape, [1, 8, 7, 7, 1024]);
    assert.deepEqual(long.out.endpoints.get('Conv2d_1a_7x7')!.shape, [1, 32, 112, 112, 64]);
    assert.deepEqual(long.out.logits!.shape, [1, 400]);
    const short = count(16);
    // ~16 G multiply-adds per 16×224² clip (tfjs-facts.md): 30–36 GFLOP.
    assert.ok(short.flops > 28e9 && short.flops < 40e9, `16×224² FLOPs ${short.flops}`);
    assert.ok(Math.abs(long.flops / short.flops - 4) < 0.1);
  });
});

describe('S3D-G on tfjs: every formulation and backend matches cpu native 3-D kernels', () => {
  const model = new S3DG(SMALL);
  let reference: { endpoints: Map<string, Float32Array>; training: Float32Array; grads: Map<string, Float32Array> };
  const input = () => tf.randomUniform(INPUT_SHAPE, -1, 1, 'float32', 42);
  const labels = () =>
    tf.tensor2d([
      [1, 0, 1, 0, 0],
      [0, 1, 0, 0, 1],
    ]);

  function run(formulation: Formulation) {
    const ops = tfjsOps({ formulation });
    const store = new VariableStore(model.variables(), 1);
    randomizeVariables(store, 1000);
    const endpoints = new Map<string, Float32Array>();
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      for (const [name, t] of model.apply(store.context(ops, false), input()).endpoints) {
        endpoints.set(name, t.dataSync() as Float32Array);
        shapes.set(name, t.shape);
      }
    });
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(store.context(ops, true), input());
      return tf.losses.sigmoidCrossEntropy(labels(), out.logits!) as tf.Scalar;
    });
    const gradValues = new Map(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array]));
    // variableGrads keys are tfjs variable names: map them back to TF names.
    const byTfjsName = new Map(store.names.map((n) => [store.get(n).name, n]));
    const named = new Map([...gradValues].map(([k, g]) => [byTfjsName.get(k)!, g]));
    const training = value.dataSync() as Float32Array;
    tf.dispose([value, ...Object.values(grads)]);
    store.dispose();
    return { endpoints, shapes, training, grads: named };
  }

  before(async () => {
    await useBackend('cpu');
    reference = run('native3d');
  });

  for (const backend of NODE_TEST_BACKENDS) {
    for (const formulation of ['native3d', 'rewrite2d'] as Formulation[]) {
      if (backend === 'cpu' && formulation === 'native3d') continue;
      it(`${backend} ${formulation}: every endpoint, the training loss and every variable's gradient (input [${INPUT_SHAPE}])`, async () => {
        await useBackend(backend);
        const r = run(formulation);
        assert.equal(r.endpoints.size, 18);
        for (const [name, values] of r.endpoints) {
          const shape = r.shapes.get(name)!;
          expectClose(tf.tensor(values, shape), tf.tensor(reference.endpoints.get(name)!, shape), 1e-4, name);
        }
        assert.ok(Math.abs(r.training[0] - reference.training[0]) < 1e-4, `loss ${r.training[0]} vs ${reference.training[0]}`);
        assert.equal(r.grads.size, reference.grads.size);
        for (const [name, g] of r.grads) {
          const ref = reference.grads.get(name)!;
          expectClose(tf.tensor(g), tf.tensor(ref), 2e-3, `d/d ${name}`);
        }
      });
    }
  }
});

describe('S3D-G memory', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    it(`${backend}: no tensor growth across repeated inference and training steps`, async () => {
      await useBackend(backend);
      const model = new S3DG(SMALL);
      const store = new VariableStore(model.variables(), 3);
      const ops = tfjsOps();
      const optimizer = tf.train.momentum(0.01, 0.9);
      const step = () => {
        tf.tidy(() => model.apply(store.context(ops, false), tf.zeros(INPUT_SHAPE)).predictions!.dataSync());
        const cost = optimizer.minimize(
          () =>
            tf.losses.sigmoidCrossEntropy(
              tf.ones([2, 5]),
              model.apply(store.context(ops, true), tf.ones(INPUT_SHAPE)).logits!,
            ) as tf.Scalar,
          true,
          store.trainable(),
        );
        cost?.dispose();
      };
      step(); // creates the optimizer's slots
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      assert.equal(tf.memory().numTensors, before);
      optimizer.dispose();
      store.dispose();
    });
  }
});
