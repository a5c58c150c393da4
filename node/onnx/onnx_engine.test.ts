/**
 * onnxruntime runs the exported S3D-G with tfjs's numbers: probabilities within 1e-4 of the tfjs
 * model's (cpu backend, the reference kernels) on a small random S3D-G and on a full-size one
 * at 16×224²; the exported bytes load with graph optimisation 'all' and 'disabled' alike; the
 * engine's sessions, errors and close. Skipped, with the reason, where onnxruntime-node is not
 * installed (an optional dependency).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { randomModel, randomClip, SMALL, CLIP } from '../../test/export_helpers.ts';
import { readFileSync } from 'node:fs';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';
import type { NamedWeights } from '../../core/model/named_weights.ts';
import { buildOnnxModel } from '../../core/export/onnx/onnx_model.ts';
import { createOnnxEngine, loadOnnxruntime, onnxruntimeAvailability } from './onnx_engine.ts';

const status = await loadOnnxruntime();
const skip = status.available ? false : `onnxruntime unavailable: ${status.reason}`;
const TOLERANCE = 1e-4;
const LOGITS = 'InceptionV1/Logits/Conv2d_0c_1x1/weights';

/**
 * The model's weights with the logits layer scaled so its outputs spread over several units:
 * random weights alone give logits near 0 and probabilities near 0.5, where a comparison would
 * prove little.
 */
function spreadLogits(model: TfjsModel, factor: number): void {
  tf.tidy(() => model.variables.assign(LOGITS, tf.mul(model.variables.get(LOGITS), factor)));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** tfjs's and onnxruntime's probabilities and logits on `clip` (values in [-1, 1]). */
async function compare(model: TfjsModel, weights: NamedWeights, clip: tf.Tensor, optimization: 'all' | 'disabled') {
  if (!status.available) throw new Error('unreachable');
  const [b, t, h, w] = clip.shape;
  const bytes = buildOnnxModel(model.net, weights, { clip: { clipLength: t, frameHeight: h, frameWidth: w }, producer: 's3dg test' });
  const session = await status.ort.InferenceSession.create(bytes, { graphOptimizationLevel: optimization, intraOpNumThreads: 2 });
  try {
    const feed = new status.ort.Tensor('float32', clip.dataSync() as Float32Array, clip.shape);
    const out = await session.run({ feature: feed });
    const live = tf.tidy(() => {
      const r = model.net.apply(model.context(false), clip);
      return { probabilities: r.predictions!.dataSync() as Float32Array, logits: r.logits!.dataSync() as Float32Array };
    });
    assert.deepEqual(out.probabilities.dims, [b, model.config.numClasses]);
    return {
      probabilities: maxAbsDiff(out.probabilities.data as Float32Array, live.probabilities),
      logits: maxAbsDiff(out.logits.data as Float32Array, live.logits),
      spread: Math.max(...live.logits) - Math.min(...live.logits),
      classIds: Array.from(out.class_ids.data as Float32Array).every((v, i) => v === Math.round(live.probabilities[i])),
    };
  } finally {
    await session.release();
  }
}

describe('onnxruntime availability', () => {
  it('where the package is missing, says so in one line (what the engine tests skip with, and --engine auto logs)', async () => {
    const missing = await loadOnnxruntime('onnxruntime-node-not-installed');
    assert.deepEqual(missing, {
      available: false,
      reason: 'onnxruntime-node-not-installed is not installed (an optional dependency; npm install onnxruntime-node-not-installed)',
    });
  });
});

describe('onnxruntime engine', { skip }, () => {
  let small: TfjsModel;
  let smallWeights: NamedWeights;
  before(async () => {
    await useBackend('cpu');
    small = randomModel().tfjs;
    spreadLogits(small, 30);
    smallWeights = await small.namedWeights();
  });
  after(() => small?.dispose());

  it('says it is available, and which version', async () => {
    const a = await onnxruntimeAvailability();
    assert.ok(a.available);
    assert.match(a.reason, /onnxruntime-node \d+\.\d+/);
  });

  it('small S3D-G, batch 2 × 8×32²: probabilities and logits within 1e-4 of tfjs, optimisation all and disabled', async (t) => {
    const { floats } = randomClip(2);
    const tensors = tf.memory().numTensors;
    for (const level of ['all', 'disabled'] as const) {
      const d = await compare(small, smallWeights, floats, level);
      t.diagnostic(
        `${level}: max |Δ| probabilities ${d.probabilities.toExponential(2)}, logits ${d.logits.toExponential(2)}; logits spread ${d.spread.toFixed(1)}`,
      );
      assert.ok(d.spread > 2, `logits spread only ${d.spread}: the comparison would be weak`);
      assert.ok(d.probabilities <= TOLERANCE, `${level}: probabilities differ by ${d.probabilities}`);
      assert.ok(d.logits <= TOLERANCE * 10, `${level}: logits differ by ${d.logits}`);
      assert.ok(d.classIds, 'class_ids = round(probabilities)');
    }
    assert.equal(tf.memory().numTensors, tensors, 'the comparison keeps no tensors');
    floats.dispose();
  });

  it('config variants (softmax head; no gating, no temporal convs, a 1×7×7 stem; Mixed_4c as the last endpoint): within 1e-4', async (t) => {
    // NOTE: against wasm: tfjs 4.22's native conv3d (the cpu backend's) pads SAME by a negative amount where the
    // kernel is shorter than the stride (the 1×7×7 stem, stride 2 in time), shifting the input by a frame.
    await useBackend('wasm');
    const { floats } = randomClip(2);
    for (const variant of [
      { prediction: 'softmax' as const },
      { gatingStartAt: null, temporalConvStartAt: null, firstTemporalKernelSize: 1 as const },
      { finalEndpoint: 'Mixed_4c' as const, gatingStartAt: 'Mixed_3b' as const },
    ]) {
      const model = randomModel({ ...SMALL, ...variant }, 13).tfjs;
      try {
        spreadLogits(model, 30);
        const d = await compare(model, await model.namedWeights(), floats, 'all');
        t.diagnostic(`${JSON.stringify(variant)}: max |Δ| probabilities ${d.probabilities.toExponential(2)}`);
        assert.ok(d.probabilities <= TOLERANCE, `${JSON.stringify(variant)}: probabilities differ by ${d.probabilities}`);
      } finally {
        model.dispose();
      }
    }
    floats.dispose();
    await useBackend('cpu');
  });

  it('full-size S3D-G (400 classes), batch 1 × 16×224²: probabilities within 1e-4 of tfjs', async (t) => {
    await useBackend('wasm');
    const full = randomModel({ numClasses: 400, dropoutKeepProb: 1 }, 11).tfjs;
    try {
      spreadLogits(full, 30);
      const { floats } = randomClip(1, { clipLength: 16, frameHeight: 224, frameWidth: 224 }, 5);
      const d = await compare(full, await full.namedWeights(), floats, 'all');
      floats.dispose();
      t.diagnostic(
        `max |Δ| probabilities ${d.probabilities.toExponential(2)}, logits ${d.logits.toExponential(2)}; logits spread ${d.spread.toFixed(1)}`,
      );
      assert.ok(d.spread > 2, `logits spread only ${d.spread}`);
      assert.ok(d.probabilities <= TOLERANCE, `probabilities differ by ${d.probabilities}`);
    } finally {
      full.dispose();
      await useBackend('cpu');
    }
  });

  it("the demo's web model (web/public/models/demo), batch 2 × 16×64²: the engine's probabilities within 1e-4 of TfjsModel's", async (t) => {
    const dir = new URL('../../web/public/models/demo/', import.meta.url);
    const { modelJson, weights } = await readWebModel(
      readFileSync(new URL('model.json', dir), 'utf8'),
      async (path) => new Uint8Array(readFileSync(new URL(path, dir))),
    );
    const meta = modelJson.userDefinedMetadata.s3dg;
    const demo = new TfjsModel(meta.config);
    demo.loadWeights(weights, { source: 'the demo web model' });
    const { clipLength, frameHeight, frameWidth } = meta.preprocessing;
    const clip = { clipLength, frameHeight, frameWidth };
    const engine = await createOnnxEngine(demo.config, weights, { clip, threads: 2 });
    try {
      const { floats } = randomClip(2, clip, 21);
      const values = floats.dataSync() as Float32Array;
      const got = await engine.predict(values, floats.shape);
      const want = await demo.predictValues(values, floats.shape);
      floats.dispose();
      t.diagnostic(`max |Δ| probabilities ${maxAbsDiff(got, want).toExponential(2)}`);
      assert.ok(maxAbsDiff(got, want) <= TOLERANCE, `differs by ${maxAbsDiff(got, want)}`);
    } finally {
      await engine.close();
      demo.dispose();
    }
  });

  it('the engine: probabilities of any batch and clip size as TfjsModel.predictValues, a clear error for bad input, close', async () => {
    const engine = await createOnnxEngine(small.config, smallWeights, { clip: CLIP, threads: 2 });
    try {
      assert.equal(engine.name, 'onnxruntime');
      assert.match(engine.description, /^onnxruntime \d+\.\d+\.\d+ \(cpu, 2 threads; .+\)$/);
      for (const [batch, clip] of [
        [3, CLIP],
        [1, { clipLength: 16, frameHeight: 40, frameWidth: 48 }],
      ] as const) {
        const { floats } = randomClip(batch, clip, batch);
        const values = floats.dataSync() as Float32Array;
        const got = await engine.predict(values, floats.shape);
        const want = await small.predictValues(values, floats.shape);
        floats.dispose();
        assert.equal(got.length, batch * SMALL.numClasses!);
        assert.ok(maxAbsDiff(got, want) <= TOLERANCE, `[${floats.shape}]: differs by ${maxAbsDiff(got, want)}`);
      }
      await assert.rejects(engine.predict(new Float32Array(10), [1, 8, 32, 32, 3]), /10 values for clips of shape \[1,8,32,32,3\]/);
      await assert.rejects(
        engine.predict(new Float32Array(8 * 32 * 32), [1, 8, 32, 32, 1]),
        /clips must be \[batch, time, height, width, 3\]/,
      );
    } finally {
      await engine.close();
    }
    await assert.rejects(engine.predict(new Float32Array(8 * 32 * 32 * 3), [1, 8, 32, 32, 3]), /closed/);
  });

  it('refuses weights that do not fit, and the CUDA provider where it cannot run, each in one line', async () => {
    const wrong = new Map(smallWeights);
    wrong.delete(LOGITS);
    await assert.rejects(
      createOnnxEngine(small.config, wrong, { clip: CLIP, source: 'web model x' }),
      /web model x: .*missing: InceptionV1\/Logits/s,
    );
    const cuda = await createOnnxEngine(small.config, smallWeights, { clip: CLIP, provider: 'cuda' }).then(
      async (e) => {
        await e.close();
        return null;
      },
      (e: Error) => e,
    );
    // Where CUDA does run (a GPU server with onnxruntime's CUDA provider) the engine opens on it instead.
    if (cuda) assert.match(cuda.message, /^the CUDA provider (cannot run|failed to start): .+/);
  });
});
