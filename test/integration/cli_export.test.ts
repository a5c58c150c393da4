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
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../harness.ts';
import { liveOutputs, maxDiff, randomClip, randomModel, runTfjsGraph } from '../export_helpers.ts';
import { nodePlatform } from '../../node/platform.ts';
import { saveModelCheckpoint } from '../../core/tfjs/training/checkpoints.ts';
import { parseSavedModel, type MetaGraph } from '../../core/formats/saved_model_reader.ts';
import { parseWebModelJson } from '../../core/export/web_model_format.ts';
import { encodeTFRecords } from '../../core/formats/tfrecord_writer.ts';
import { parseTFRecords } from '../../core/formats/tfrecord_reader.ts';
import { decodeExample, singleBytes } from '../../core/formats/example.ts';
import { encodeClipExample } from '../../core/data/clip_records.ts';
import { graphDefToTfjs } from '../../core/export/tfjs_graph_json.ts';
import { cutGraph } from '../../core/export/graph/graph_cut.ts';
import { CAST_NODE } from '../../core/export/serving_graph.ts';
import type { GraphDefProto } from '../../core/formats/proto/graph.ts';
import type { TfjsModel } from '../../core/tfjs/model.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-cli-export-'));
const modelDir = join(root, 'model');
const MODEL = ['--num_classes', '5', '--depth_multiplier', '0.125', '--min_depth', '4'];
const CLIP = ['--clip_length', '8', '--frame_height', '32', '--frame_width', '32'];
const CLIP_SHAPE = [8, 32, 32, 3];
const records = join(root, 'clips.tfrecord');
let trained: TfjsModel;

/** Runs one export mode; returns the decoded MetaGraph of the version directory it printed. */
function exported(mode: 'export' | 'export_for_production'): MetaGraph {
  const r = s3dg(['--mode', mode, '--model_dir', modelDir, '--export_path', join(root, mode), ...MODEL, ...CLIP]);
  assert.equal(r.status, 0, r.stderr);
  const model = parseSavedModel(readFileSync(join(r.stdout.trim(), 'saved_model.pb')));
  assert.equal(model.metaGraphs.length, 1);
  return model.metaGraphs[0];
}

/** The serialized tf.Examples of the records file, as a TF Serving client would send them. */
function recordExamples(): Uint8Array[] {
  return [...parseTFRecords(readFileSync(records), { source: records })].map((r) => r.slice());
}

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

describe('s3dg CLI (export modes)', () => {
  before(async () => {
    await useBackend('cpu');
    trained = randomModel().tfjs;
    await saveModelCheckpoint(nodePlatform, modelDir, 7, trained, null, 5);
    // Two clip records in the data sets' format (feature = raw uint8 clip, label = per-class bytes).
    const clip = randomClip(2);
    const per = clip.bytes.length / 2;
    const examples = [0, 1].map((b) => encodeClipExample(clip.bytes.slice(b * per, (b + 1) * per), Uint8Array.of(1, 0, 0, 1, 0)));
    writeFileSync(records, encodeTFRecords(examples));
    clip.floats.dispose();
  });
  after(() => {
    trained.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("both modes: serving_default has the original's signature (one input keyed `input`; class_ids = round(sigmoid))", () => {
    const outputs = (batch: number) => ({
      class_ids: { name: 'class_ids:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
      probabilities: { name: 'probabilities:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
      logits: { name: 'logits:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
    });
    const prod = exported('export_for_production').signatures;
    assert.deepEqual(Object.keys(prod), ['serving_default']);
    assert.deepEqual(prod.serving_default.inputs, { input: { name: 'feature:0', dtype: 'DT_FLOAT', shape: [-1, ...CLIP_SHAPE] } });
    assert.deepEqual(prod.serving_default.outputs, outputs(-1));
    assert.equal(prod.serving_default.methodName, 'tensorflow/serving/predict');
    const example = exported('export').signatures;
    assert.deepEqual(Object.keys(example), ['serving_default']);
    assert.deepEqual(example.serving_default.inputs, { input: { name: 'input_example_tensor:0', dtype: 'DT_STRING', shape: [] } });
    assert.deepEqual(example.serving_default.outputs, outputs(1));
  });

  it("export_for_production: the clips of real records through the decoded graph give the live model's outputs", async () => {
    const g = exported('export_for_production');
    const tensors = tf.memory().numTensors;
    const sig = g.signatures.serving_default;
    const clips = recordExamples().map((r) => singleBytes(decodeExample(r, records), 'feature', records));
    const floats = tf.tensor(Float32Array.from(clips.flatMap((c) => Array.from(c, (b) => (b / 255) * 2 - 1))), [2, ...CLIP_SHAPE]);
    const live = liveOutputs(trained.net, trained.variables, floats);
    const node = (key: string) => sig.outputs[key].name.slice(0, -2);
    const feed = { [sig.inputs.input.name.slice(0, -2)]: floats };
    const [logits, probabilities, classIds] = await runTfjsGraph(
      graphDefToTfjs(g.proto.graphDef as GraphDefProto),
      feed,
      ['logits', 'probabilities', 'class_ids'].map(node),
    );
    assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
    assert.ok(maxDiff(probabilities, live.probabilities) <= 1e-4);
    assert.deepEqual(Array.from(classIds), Array.from(live.probabilities, Math.round));
    floats.dispose();
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  it('export: each serialized record, as a client sends it, through the front end (emulated from its attrs) and tfjs', async () => {
    const g = exported('export');
    const tensors = tf.memory().numTensors;
    const graph = g.proto.graphDef as GraphDefProto;
    const parse = graph.node?.find((n) => n.op === 'ParseSingleExample');
    assert.equal(parse?.input?.[0], 'input_example_tensor', 'the signature input is what ParseSingleExample reads');
    const key = new TextDecoder().decode(parse?.attr?.dense_keys?.list?.s?.[0]);
    const shape = [1, ...CLIP_SHAPE];
    const cut = graphDefToTfjs(cutGraph(graph, { [CAST_NODE]: { dtype: 'float32', shape } }, ['logits', 'class_ids']));
    for (const serialized of recordExamples()) {
      const raw = singleBytes(decodeExample(serialized), key);
      const fed = tf.tensor(Float32Array.from(raw), shape);
      const floats = tf.tensor(
        Float32Array.from(raw, (b) => (b / 255) * 2 - 1),
        shape,
      );
      const live = liveOutputs(trained.net, trained.variables, floats);
      const [logits, classIds] = await runTfjsGraph(cut, { [CAST_NODE]: fed }, ['logits', 'class_ids']);
      assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
      assert.deepEqual(Array.from(classIds), Array.from(live.probabilities, Math.round));
      tf.dispose([fed, floats]);
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  it('--mode export_for_production and --mode export print the version directory they wrote', () => {
    for (const mode of ['export_for_production', 'export']) {
      const exportPath = join(root, mode);
      const r = s3dg(['--mode', mode, '--model_dir', modelDir, '--export_path', exportPath, ...MODEL, ...CLIP]);
      assert.equal(r.status, 0, r.stderr);
      const dir = r.stdout.trim();
      assert.match(dir, new RegExp(`^${exportPath}/\\d{10}$`));
      assert.match(r.stderr, /global step 7/);
      assert.deepEqual(readdirSync(dir), ['saved_model.pb']);
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
