import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { CLIP, SMALL, liveOutputs, maxDiff, randomClip, randomModel, runTfjsGraph } from '../../test/export_helpers.ts';
import { graphProblems } from '../../test/graph_conventions.ts';
import { FIXTURES_SKIP, fixture, SERVING_DIR } from '../../test/shared_fixtures.ts';
import { nodePlatform } from '../../node/platform.ts';
import { saveModelCheckpoint } from '../tfjs/training/checkpoints.ts';
import { readSavedModelDir, type MetaGraph } from '../formats/saved_model_reader.ts';
import { decodeExample, singleBytes } from '../formats/example.ts';
import { encodeClipExample } from '../data/clip_records.ts';
import type { GraphDefProto, NodeDefProto } from '../formats/proto/graph.ts';
import { exportSavedModel } from './saved_model_export.ts';
import { graphDefToTfjs } from './tfjs_graph_json.ts';
import { cutGraph } from './graph/graph_cut.ts';
import { CAST_NODE } from './serving_graph.ts';

const MATRIX = fixture('tf-serving-testdata/tensorflow_serving/batching/testdata/matrix_half_plus_two/1');
const HALF_PLUS_TWO = fixture(`${SERVING_DIR}saved_model_half_plus_two_cpu/00000123`);
const CLIP_SHAPE = [-1, CLIP.clipLength, CLIP.frameHeight, CLIP.frameWidth, 3];

let root: string;
let modelDir: string;
let trained: ReturnType<typeof randomModel>;

async function exportTo(name: string, input: 'tensor' | 'example', config = SMALL, checkpoint = modelDir) {
  const exportPath = join(root, name);
  const r = await exportSavedModel(nodePlatform, { exportPath, checkpoint, config, clip: CLIP, input, exporter: 's3dg test' });
  return { exportPath, ...r };
}

const only = async (dir: string): Promise<MetaGraph> => {
  const m = await readSavedModelDir(dir, nodePlatform);
  assert.equal(m.model.schemaVersion, 1);
  assert.equal(m.model.metaGraphs.length, 1);
  return m.model.metaGraphs[0];
};
const node = (g: MetaGraph, name: string) => g.nodes.find((n) => n.name === name) as (typeof g.nodes)[number];
const graphOf = (g: MetaGraph): GraphDefProto => g.proto.graphDef as GraphDefProto;

/** Checks one exported MetaGraph against the TF Serving fixtures' conventions. */
async function checkConventions(g: MetaGraph, batch: number): Promise<void> {
  const reference = [await only(MATRIX), await only(HALF_PLUS_TWO)];
  for (const ref of reference) {
    assert.deepEqual(g.tags, ref.tags, 'tags as TF writes them');
    assert.equal(g.signatures.serving_default.methodName, ref.signatures.serving_default.methodName);
    assert.equal(g.strippedDefaultAttrs, ref.strippedDefaultAttrs);
    assert.equal(g.functions.length, 0);
    assert.equal(g.hasObjectGraph, ref.hasObjectGraph, 'a TF1-style graph SavedModel, no object graph');
  }
  assert.deepEqual(Object.keys(g.signatures), ['serving_default']);
  assert.ok(g.producer > 0 && g.tensorflowVersion !== '');
  // No variables: like matrix_half_plus_two, no saver_def and no collections.
  assert.equal(g.saver, undefined);
  assert.deepEqual(g.collections, {});
  const names = new Set(g.nodes.map((n) => n.name));
  const sig = g.signatures.serving_default;
  for (const t of [...Object.values(sig.inputs), ...Object.values(sig.outputs)]) {
    assert.match(t.name, /^[^:]+:0$/, 'TensorInfo names are node:0');
    assert.ok(names.has(t.name.slice(0, -2)), `${t.name} names a node`);
  }
  // The original's PredictOutput: class_ids = tf.round(probabilities), float32, one per class.
  assert.deepEqual(sig.outputs, {
    class_ids: { name: 'class_ids:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
    probabilities: { name: 'probabilities:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
    logits: { name: 'logits:0', dtype: 'DT_FLOAT', shape: [batch, 5] },
  });
  assert.equal(node(g, 'class_ids').inputs[0], 'Round');
  assert.equal(node(g, 'Round').inputs[0], 'probabilities');
  assert.deepEqual(graphProblems(graphOf(g)), []);
  // Placeholders and Identity carry the attrs the fixtures' do (less _output_shapes).
  const refPlaceholder = node(reference[0], 'x');
  for (const p of g.nodes.filter((n) => n.op === 'Placeholder')) {
    assert.deepEqual(
      Object.keys(p.attrs).sort(),
      Object.keys(refPlaceholder.attrs)
        .filter((k) => k !== '_output_shapes')
        .sort(),
    );
  }
}

describe('SavedModel export (--mode export / export_for_production)', () => {
  before(async () => {
    await useBackend('cpu');
    trained = randomModel();
    root = await mkdtemp(join(tmpdir(), 's3dg-export-'));
    modelDir = join(root, 'model');
    await saveModelCheckpoint(nodePlatform, modelDir, 42, trained.tfjs, null, 5);
  });
  after(async () => {
    trained.store.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('export_for_production: <export_path>/<unix seconds>/saved_model.pb, no variables/, nothing else left', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await exportTo('prod', 'tensor');
    assert.equal(r.checkpoint, join(modelDir, 'model.ckpt-42'));
    assert.equal(r.globalStep, 42);
    const entries = await readdir(r.exportPath);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^\d{10}$/);
    assert.ok(Number(entries[0]) >= before);
    assert.deepEqual(await readdir(r.dir), ['saved_model.pb']);
    // A second export in the same second gets the next version, never overwrites.
    const again = await exportTo('prod', 'tensor');
    assert.notEqual(again.dir, r.dir);
  });

  it("export_for_production: decodes to the fixtures' conventions; float clip input", { skip: FIXTURES_SKIP }, async () => {
    const r = await exportTo('prod2', 'tensor');
    const g = await only(r.dir);
    await checkConventions(g, -1);
    assert.deepEqual(g.signatures.serving_default.inputs, { input: { name: 'feature:0', dtype: 'DT_FLOAT', shape: CLIP_SHAPE } });
    // Every variable is a float Const under its TF name, holding the checkpoint's exact values.
    for (const v of trained.model.variables()) {
      const c = node(g, v.name);
      assert.equal(c?.op, 'Const', v.name);
      const t = c.attrs.value.tensor;
      assert.equal(t?.dtype, 1);
      assert.deepEqual(new Float32Array((t!.tensorContent as Uint8Array).slice().buffer), trained.store.get(v.name).dataSync(), v.name);
    }
  });

  it('export_for_production: the decoded GraphDef run by tfjs-converter matches the live model to 1e-4', async () => {
    const r = await exportTo('prod3', 'tensor');
    const g = await only(r.dir);
    const clip = randomClip(3);
    const live = liveOutputs(trained.model, trained.store, clip.floats);
    const [logits, probabilities] = await runTfjsGraph(graphDefToTfjs(graphOf(g)), { feature: clip.floats }, ['logits', 'probabilities']);
    assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
    assert.ok(maxDiff(probabilities, live.probabilities) <= 1e-4);
    clip.floats.dispose();
  });

  it('export: one serialized tf.Example (scalar string) parsed as tf.parse_single_example does', { skip: FIXTURES_SKIP }, async () => {
    const r = await exportTo('example', 'example');
    const g = await only(r.dir);
    await checkConventions(g, 1);
    assert.deepEqual(g.signatures.serving_default.inputs, {
      input: { name: 'input_example_tensor:0', dtype: 'DT_STRING', shape: [] },
    });
    assert.deepEqual(node(g, 'input_example_tensor').attrs.shape.shape?.dim ?? [], [], 'a scalar placeholder');
    const parse = node(g, 'ParseSingleExample/ParseSingleExample');
    assert.deepEqual(parse.inputs, ['input_example_tensor', 'ParseSingleExample/Const']);
    assert.deepEqual(Object.keys(parse.attrs).sort(), [
      'Tdense',
      'dense_keys',
      'dense_shapes',
      'num_sparse',
      'sparse_keys',
      'sparse_types',
    ]);
    assert.equal(Number(parse.attrs.num_sparse.i), 0);
    assert.deepEqual(
      parse.attrs.dense_keys.list?.s?.map((k) => new TextDecoder().decode(k)),
      ['feature'],
    );
    assert.deepEqual(parse.attrs.Tdense.list?.type, [7]); // DT_STRING
    for (const empty of ['sparse_types', 'sparse_keys'] as const) {
      assert.equal(parse.attrs[empty].value, 'list', 'an empty list is still a list (as TF writes `list {}`)');
    }
    assert.equal(parse.attrs.dense_shapes.list?.shape?.length, 1);
    assert.equal(parse.attrs.dense_shapes.list?.shape?.[0].dim?.length ?? 0, 0, 'scalar feature');
    // The required feature's default is an empty string tensor, as TF makes for a FixedLenFeature without one.
    assert.deepEqual(
      node(g, 'ParseSingleExample/Const').attrs.value.tensor?.tensorShape?.dim?.map((d) => Number(d.size)),
      [0],
    );
    assert.equal(node(g, 'DecodeRaw').attrs.out_type.type, 4); // DT_UINT8
    assert.deepEqual([node(g, CAST_NODE).attrs.SrcT.type, node(g, CAST_NODE).attrs.DstT.type], [4, 1]);
  });

  it('export: a real tf.Example through the front end (emulated from its attrs) and the rest in tfjs matches the live model', async () => {
    const r = await exportTo('example2', 'example');
    const g = await only(r.dir);
    const clip = randomClip(1);
    const live = liveOutputs(trained.model, trained.store, clip.floats);
    const serialized = encodeClipExample(clip.bytes, new Uint8Array(5));
    // ParseSingleExample + DecodeRaw + Reshape, driven by the graph's own attrs and constants.
    const constant = (n: NodeDefProto | undefined) => n?.attr?.value?.tensor;
    const byName = new Map(graphOf(g).node?.map((n) => [n.name, n]));
    const keys = byName.get('ParseSingleExample/ParseSingleExample')?.attr?.dense_keys?.list?.s ?? [];
    const key = new TextDecoder().decode(keys[0]);
    const reshape = constant(byName.get('Reshape/shape'))?.tensorContent as Uint8Array;
    const shape = Array.from(new Int32Array(reshape.slice().buffer));
    assert.deepEqual(shape, [1, ...CLIP_SHAPE.slice(1)]);
    const raw = singleBytes(decodeExample(serialized), key);
    const fed = tf.tensor(Float32Array.from(raw), shape);
    const cut = cutGraph(graphOf(g), { [CAST_NODE]: { dtype: 'float32', shape } }, ['logits', 'probabilities', 'class_ids']);
    const [logits, probabilities, classIds] = await runTfjsGraph(graphDefToTfjs(cut), { [CAST_NODE]: fed }, [
      'logits',
      'probabilities',
      'class_ids',
    ]);
    assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
    assert.ok(maxDiff(probabilities, live.probabilities) <= 1e-4);
    assert.deepEqual(Array.from(classIds), Array.from(live.probabilities, Math.round));
    fed.dispose();
    clip.floats.dispose();
  });

  it('--checkpoint_path picks an older checkpoint', async () => {
    await saveModelCheckpoint(nodePlatform, modelDir, 43, trained.tfjs, null, 5);
    const latest = await exportTo('pick', 'tensor');
    assert.equal(latest.globalStep, 43);
    const older = await exportTo('pick', 'tensor', SMALL, join(modelDir, 'model.ckpt-42'));
    assert.equal(older.globalStep, 42);
  });

  it('a missing, corrupt or mismatched checkpoint: clear message, nothing written', async () => {
    const empty = join(root, 'empty-model');
    await assert.rejects(exportTo('bad1', 'tensor', SMALL, empty), /no checkpoint at .*empty-model/);
    await assert.rejects(
      exportTo('bad2', 'tensor', { ...SMALL, numClasses: 7 }),
      /the weights do not match the model.*\n.*Logits\/Conv2d_0c_1x1\/biases: \[5\] in the checkpoint, \[7\] in the model/s,
    );
    await assert.rejects(exportTo('bad3', 'tensor', { ...SMALL, depthMultiplier: 0.25 }), /depthMultiplier/);
    const corrupt = join(root, 'corrupt');
    await saveModelCheckpoint(nodePlatform, corrupt, 1, trained.tfjs, null, 5);
    const data = join(corrupt, 'model.ckpt-1.data-00000-of-00001');
    const bytes = await readFile(data);
    bytes[100] ^= 0xff;
    await writeFile(data, bytes);
    await assert.rejects(exportTo('bad4', 'tensor', SMALL, corrupt), /checkpoint .*model\.ckpt-1 is corrupt/);
    await writeFile(join(corrupt, 'model.ckpt-1.index'), new Uint8Array(10));
    await assert.rejects(exportTo('bad5', 'tensor', SMALL, corrupt), /missing or corrupt/);
    for (const d of ['bad1', 'bad2', 'bad3', 'bad4', 'bad5']) {
      const left = await readdir(join(root, d)).catch(() => []);
      assert.deepEqual(left, [], `${d} holds nothing`);
    }
  });
});
