/**
 * ONNX export as users run it (child processes): a model trained by `s3dg --mode train` on real
 * TFRecords, exported by `s3dg export-onnx` and `s3dg --mode export_onnx`; the file loads in
 * onnxruntime with graph optimisation 'all' and gives the checkpoint's tfjs probabilities within
 * 1e-4. Replacing only an earlier s3dg export, and the errors, by name.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../harness.ts';
import { randomClip } from '../export_helpers.ts';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { nodePlatform } from '../../node/platform.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { readNetWeights } from '../../core/model/checkpoint_weights.ts';
import { onnxModelCodec } from '../../core/formats/proto/onnx.ts';
import { loadOnnxruntime } from '../../node/onnx/onnxruntime.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-cli-onnx-'));
const modelDir = join(root, 'model');
const MODEL = ['--num_classes', '3', '--depth_multiplier', '0.125', '--min_depth', '4'];
const CLIP = ['--clip_length', '8', '--frame_height', '32', '--frame_width', '32'];
const SPEC = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const config = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4 };
const ort = await loadOnnxruntime();

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

describe('s3dg CLI (ONNX export)', () => {
  before(() => {
    writeSyntheticSubset(join(root, 'train'), SPEC, 8, 3);
    // Training moves the batch norms' moving statistics off their initial 0 and 1, which the export must carry.
    const r = s3dg([
      '--mode',
      'train',
      '--model_dir',
      modelDir,
      '--train_subset_dir_path',
      join(root, 'train'),
      '--train_steps',
      '3',
      '--batch_size',
      '2',
      '--batch_norm_decay',
      '0.5',
      '--optimizer',
      'adam',
      '--learning_rate',
      '0.01',
      ...MODEL,
      ...CLIP,
    ]);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('export-onnx writes the file it prints; onnxruntime (optimisation all) gives the checkpoint’s tfjs probabilities', async (t) => {
    const out = join(root, 'exports', 'crossing.onnx');
    const r = s3dg(['export-onnx', '--model_dir', modelDir, '--out', out, ...MODEL, ...CLIP]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    assert.match(r.stderr, /ONNX model \(opset 17\) from .*model\.ckpt-3 \(global step 3\)/);
    const bytes = readFileSync(out);
    assert.equal(onnxModelCodec.decode(bytes).producerName, 's3dg');
    if (!ort.available) {
      t.skip(`onnxruntime unavailable: ${ort.reason}`);
      return;
    }
    await useBackend('cpu');
    const model = new TfjsModel(config);
    const weights = await readNetWeights(nodePlatform, modelDir, model.net);
    model.loadWeights(weights.weights, { source: weights.prefix });
    const moving = weights.weights.get('InceptionV1/Conv2d_1a_7x7/BatchNorm/moving_mean')!.values;
    assert.ok(
      moving.some((v) => v !== 0),
      'training left the moving means at 0',
    );
    const session = await ort.ort.InferenceSession.create(out, { graphOptimizationLevel: 'all' });
    const { floats } = randomClip(2, { clipLength: 8, frameHeight: 32, frameWidth: 32 });
    const values = floats.dataSync() as Float32Array;
    const got = (await session.run({ feature: new ort.ort.Tensor('float32', values, floats.shape) })).probabilities.data as Float32Array;
    const want = await model.predictValues(values, floats.shape);
    await session.release();
    floats.dispose();
    model.dispose();
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
    t.diagnostic(`max |Δ| probabilities ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-4, `probabilities differ by ${diff}`);
  });

  it('replaces an earlier s3dg export, refuses any other file; --mode export_onnx writes a version directory', () => {
    const out = join(root, 'exports', 'crossing.onnx');
    let r = s3dg(['export-onnx', '--model_dir', modelDir, '--out', out, ...MODEL, ...CLIP]);
    assert.equal(r.status, 0, r.stderr);
    const mine = join(root, 'notes.onnx');
    writeFileSync(mine, 'my notes, not a model\n');
    r = s3dg(['export-onnx', '--model_dir', modelDir, '--out', mine, ...MODEL, ...CLIP]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /notes\.onnx exists and is not an ONNX model s3dg wrote: not replacing it \(choose another --out\)/);
    assert.equal(readFileSync(mine, 'utf8'), 'my notes, not a model\n');

    const exportPath = join(root, 'serving');
    r = s3dg(['--mode', 'export_onnx', '--model_dir', modelDir, '--export_path', exportPath, ...MODEL, ...CLIP]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), new RegExp(`^${exportPath}/\\d{10}/model\\.onnx$`));
    assert.equal(onnxModelCodec.decode(readFileSync(r.stdout.trim())).producerName, 's3dg');
  });

  it('errors name the flag or the variable: no --out, --out a folder, flags that do not match the checkpoint', () => {
    let r = s3dg(['export-onnx', '--model_dir', modelDir, ...MODEL]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /export-onnx needs --out <file\.onnx>/);
    const folder = join(root, 'a-folder');
    mkdirSync(folder);
    r = s3dg(['export-onnx', '--model_dir', modelDir, '--out', folder, ...MODEL]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--out .*a-folder is a folder; name the \.onnx file to write/);
    r = s3dg([
      'export-onnx',
      '--model_dir',
      modelDir,
      '--out',
      join(root, 'x.onnx'),
      '--num_classes',
      '4',
      '--depth_multiplier',
      '0.125',
      '--min_depth',
      '4',
      ...CLIP,
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /InceptionV1\/Logits\/Conv2d_0c_1x1\/biases: \[3\] in the checkpoint, \[4\] in the model/);
    r = s3dg(['export-onnx', '--model_dir', join(root, 'nothing-here'), '--out', join(root, 'y.onnx'), ...MODEL]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no checkpoint at .*nothing-here/);
  });
});
