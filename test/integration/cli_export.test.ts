/**
 * The export commands as users run them (a child process): `--mode export`,
 * `--mode export_for_production` and `s3dg export-web`, with their error messages.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../harness.ts';
import { randomModel } from '../export_helpers.ts';
import { nodePlatform } from '../../node/platform.ts';
import { saveModelCheckpoint } from '../../core/tfjs/training/checkpoints.ts';
import { parseSavedModel } from '../../core/formats/saved_model_reader.ts';
import { parseWebModelJson } from '../../core/export/web_model_format.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-cli-export-'));
const modelDir = join(root, 'model');
const MODEL = ['--num_classes', '5', '--depth_multiplier', '0.125', '--min_depth', '4'];
const CLIP = ['--clip_length', '8', '--frame_height', '32', '--frame_width', '32'];

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

describe('s3dg CLI (export modes)', () => {
  before(async () => {
    await useBackend('cpu');
    const { tfjs } = randomModel();
    await saveModelCheckpoint(nodePlatform, modelDir, 7, tfjs, null, 5);
    tfjs.dispose();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('--mode export_for_production and --mode export print the version directory they wrote', () => {
    for (const [mode, key] of [
      ['export_for_production', 'feature'],
      ['export', 'examples'],
    ] as const) {
      const exportPath = join(root, mode);
      const r = s3dg(['--mode', mode, '--model_dir', modelDir, '--export_path', exportPath, ...MODEL, ...CLIP]);
      assert.equal(r.status, 0, r.stderr);
      const dir = r.stdout.trim();
      assert.match(dir, new RegExp(`^${exportPath}/\\d{10}$`));
      assert.match(r.stderr, /global step 7/);
      const model = parseSavedModel(readFileSync(join(dir, 'saved_model.pb')));
      assert.deepEqual(Object.keys(model.metaGraphs[0].signatures.serving_default.inputs), [key]);
    }
  });

  it('errors: no --export_path, no checkpoint, flags that do not match the checkpoint', () => {
    let r = s3dg(['--mode', 'export', '--model_dir', modelDir, ...MODEL, ...CLIP]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--mode export needs --export_path/);
    r = s3dg(['--mode', 'export', '--model_dir', join(root, 'empty'), '--export_path', join(root, 'e1'), ...MODEL, ...CLIP]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no checkpoint at .*empty/);
    r = s3dg([
      '--mode',
      'export_for_production',
      '--model_dir',
      modelDir,
      '--export_path',
      join(root, 'e2'),
      '--num_classes',
      '6',
      '--depth_multiplier',
      '0.125',
      '--min_depth',
      '4',
      ...CLIP,
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the weights do not match the model \(check --num_classes, --depth_multiplier/);
    assert.match(r.stderr, /InceptionV1\/Logits\/Conv2d_0c_1x1\/biases: \[5\] in the checkpoint, \[6\] in the model/);
    for (const d of ['e1', 'e2']) assert.ok(!existsSync(join(root, d)) || readdirSync(join(root, d)).length === 0);
  });

  it('export-web writes the folder with the class names; asks for --out', () => {
    const names = join(root, 'classes.txt');
    writeFileSync(names, 'a\nb\nc\nd\ne\n');
    const out = join(root, 'web');
    let r = s3dg([
      'export-web',
      '--model_dir',
      modelDir,
      '--out',
      out,
      '--class_names',
      names,
      '--crop',
      '0,82,1920,920',
      '--fps',
      '15',
      ...MODEL,
      ...CLIP,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    const json = parseWebModelJson(readFileSync(join(out, 'model.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata.s3dg.classNames, ['a', 'b', 'c', 'd', 'e']);
    assert.equal(json.userDefinedMetadata.s3dg.provenance.globalStep, 7);
    assert.deepEqual(json.userDefinedMetadata.s3dg.preprocessing.crop, { x: 0, y: 82, width: 1920, height: 920 });
    assert.equal(json.userDefinedMetadata.s3dg.preprocessing.fps, 15);
    r = s3dg(['export-web', '--model_dir', modelDir, ...MODEL, ...CLIP]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /export-web needs --out/);
    r = s3dg([
      'export-web',
      '--model_dir',
      modelDir,
      '--out',
      join(root, 'web2'),
      '--class_names',
      names,
      '--num_classes',
      '4',
      '--depth_multiplier',
      '0.125',
      '--min_depth',
      '4',
      ...CLIP,
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /5 class names given for --num_classes 4/);
  });
});
