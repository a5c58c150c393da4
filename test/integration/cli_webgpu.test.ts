/**
 * `s3dg --backend webgpu` as users run it (a child process, Dawn on SwiftShader): it trains and
 * predicts, the process ends by itself (Dawn can hold Node's event loop), and its predictions
 * match cpu's from the same checkpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { useSwiftShader } from '../swiftshader.ts';

const SKIP = useSwiftShader();
const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const SPEC = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const MODEL = ['--num_classes', '3', '--clip_length', '8', '--frame_height', '32', '--frame_width', '32'];
const TINY = [...MODEL, '--depth_multiplier', '0.125', '--min_depth', '4'];
// A hung child (the event loop held open) fails the test instead of stalling the suite.
const CHILD_TIMEOUT_MS = 240_000;

function s3dg(backend: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args, ...TINY, '--backend', backend], {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
}

/** Per-clip probabilities from a predictions JSON file. */
function probabilities(file: string): number[][] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { predictions: Array<{ probabilities: Record<string, number> }> };
  return json.predictions.map((p) => Object.values(p.probabilities));
}

describe('s3dg --backend webgpu (Dawn on SwiftShader)', { skip: SKIP }, () => {
  const root = mkdtempSync(join(tmpdir(), 's3dg-webgpu-'));
  const modelDir = join(root, 'model');
  before(() => {
    writeSyntheticSubset(join(root, 'train'), SPEC, 2, 2);
    writeSyntheticSubset(join(root, 'predict'), SPEC, 2, 1);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('trains a step and predicts, naming the adapter, and exits by itself', () => {
    const train = s3dg('webgpu', [
      '--mode',
      'train',
      '--model_dir',
      modelDir,
      '--train_subset_dir_path',
      join(root, 'train'),
      '--batch_size',
      '1',
      '--train_steps',
      '1',
      '--add_image_summaries',
      'False',
    ]);
    assert.equal(train.error, undefined, `training did not end within ${CHILD_TIMEOUT_MS / 1000} s: ${train.stderr}`);
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stderr, /backend: webgpu \(forced by --backend, on google swiftshader \(SwiftShader[^)]*\); a software adapter/);
    assert.doesNotMatch(train.stderr, /webgpu error/);
    const predict = s3dg('webgpu', ['--mode', 'predict', '--model_dir', modelDir, '--predict_subset_dir_path', join(root, 'predict')]);
    assert.equal(predict.error, undefined, `predict did not end within ${CHILD_TIMEOUT_MS / 1000} s: ${predict.stderr}`);
    assert.equal(predict.status, 0, predict.stderr);
    assert.doesNotMatch(predict.stderr, /webgpu error/);
    const onGpu = probabilities(join(modelDir, 'predictions-1.json'));
    assert.equal(onGpu.length, 2);
    const cpu = s3dg('cpu', ['--mode', 'predict', '--model_dir', modelDir, '--predict_subset_dir_path', join(root, 'predict')]);
    assert.equal(cpu.status, 0, cpu.stderr);
    const onCpu = probabilities(join(modelDir, 'predictions-1-2.json'));
    onCpu.forEach((clip, i) =>
      clip.forEach((p, c) => assert.ok(Math.abs(p - onGpu[i][c]) < 1e-4, `clip ${i} class ${c}: cpu ${p}, webgpu ${onGpu[i][c]}`)),
    );
  });
});
