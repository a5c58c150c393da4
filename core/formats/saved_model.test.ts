import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { describeMetaGraph, metaGraphByTags, parseSavedModel, readSavedModelDir } from './saved_model_reader.ts';
import type { MetaGraph, SavedModelDir } from './saved_model_reader.ts';
import { MetaGraphDefCodec, SavedModelCodec } from './proto/saved_model.ts';
import { TensorProtoCodec } from './proto/tensor.ts';
import { FormatError } from './errors.ts';
import { FIXTURES_SKIP, fixture, SERVING_DIR, TFJS_DIR, TFX_DIR } from '../../test/shared_fixtures.ts';

const platform = {
  readFile: async (p: string) => new Uint8Array(await readFile(p)),
  exists: async (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    ),
  join: (...parts: string[]) => path.join(...parts),
};
const open = (dir: string) => readSavedModelDir(fixture(dir), platform);
const only = (m: SavedModelDir): MetaGraph => {
  assert.equal(m.model.metaGraphs.length, 1);
  return m.model.metaGraphs[0];
};
const spec = (name: string, dtype: string, shape: number[] | null) => ({ name, dtype, shape });
const ops = (g: MetaGraph) => new Set(g.nodes.map((n) => n.op));
async function scalar(m: SavedModelDir, name: string): Promise<unknown> {
  return (await m.variables?.read(name))?.values[0];
}

test('tfjs TF2 SavedModels: object graph, saver, init op and the README signatures', { skip: FIXTURES_SKIP }, async () => {
  const V = '/.ATTRIBUTES/VARIABLE_VALUE';
  const cases: Array<[string, string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'times_three_float',
      '2.0.0-beta1',
      { x: spec('serving_default_x:0', 'DT_FLOAT', []) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_FLOAT', []) },
      { [`v${V}`]: 3 },
    ],
    [
      'times_two_int',
      '2.0.0-beta1',
      { x: spec('serving_default_x:0', 'DT_INT32', []) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_INT32', []) },
      { [`v${V}`]: 2 },
    ],
    [
      'model_multi_output',
      '2.0.0',
      { x: spec('serving_default_x:0', 'DT_INT32', []), y: spec('serving_default_y:0', 'DT_INT32', []) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_INT32', []), output_1: spec('StatefulPartitionedCall:1', 'DT_INT32', []) },
      { [`v${V}`]: 3, [`two${V}`]: 2 },
    ],
    [
      'model_single_input_multi_output',
      '2.0.0',
      { x: spec('serving_default_x:0', 'DT_INT32', []) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_INT32', []), output_1: spec('StatefulPartitionedCall:1', 'DT_INT32', []) },
      { [`v${V}`]: 3, [`two${V}`]: 2 },
    ],
    [
      'module_with_multiple_signatures',
      '2.0.0-beta1',
      { x: spec('serving_default_x:0', 'DT_FLOAT', []) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_FLOAT', []) },
      { [`v${V}`]: 3, [`two${V}`]: 2 },
    ],
    [
      'int64_multiply',
      '2.3.1',
      { x: spec('serving_default_x:0', 'DT_INT64', [2]) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_INT64', [2]) },
      { [`v1${V}`]: 3n, [`v2${V}`]: 2n },
    ],
    [
      'uint8_multiply',
      '2.3.1',
      { x: spec('serving_default_x:0', 'DT_UINT8', [1]) },
      { output_0: spec('StatefulPartitionedCall:0', 'DT_INT32', [1]) },
      { [`v1${V}`]: 3, [`v2${V}`]: 2 },
    ],
  ];
  for (const [dir, version, inputs, outputs, variables] of cases) {
    const m = await open(`${TFJS_DIR}${dir}`);
    assert.equal(m.model.schemaVersion, 1);
    const g = only(m);
    assert.deepEqual(g.tags, ['serve'], dir);
    assert.equal(g.tensorflowVersion, version, dir);
    assert.ok(g.hasObjectGraph && g.strippedDefaultAttrs, dir);
    assert.deepEqual([...ops(g)].sort(), ['Const', 'NoOp', 'Placeholder', 'ReadVariableOp', 'StatefulPartitionedCall', 'VarHandleOp'], dir);
    assert.ok(g.functions.length > 0, `${dir} has a function library`);
    assert.equal(g.saver?.filenameTensorName, 'saver_filename:0');
    assert.equal(g.saver?.version, 'V2');
    assert.equal(g.collections.saved_model_main_op?.nodes?.length, 1);
    assert.equal(g.nodes.find((n) => n.name === g.collections.saved_model_main_op?.nodes?.[0])?.op, 'NoOp');
    assert.ok('__saved_model_init_op' in g.signatures, dir);
    const sig = g.signatures.serving_default;
    assert.equal(sig.methodName, 'tensorflow/serving/predict');
    assert.deepEqual(sig.inputs, inputs, dir);
    assert.deepEqual(sig.outputs, outputs, dir);
    for (const [name, value] of Object.entries(variables)) assert.equal(await scalar(m, name), value, `${dir} ${name}`);
  }
  const multi = only(await open(`${TFJS_DIR}module_with_multiple_signatures`));
  assert.deepEqual(multi.signatures.timestwo.inputs, { x: spec('timestwo_x:0', 'DT_FLOAT', []) });
  assert.deepEqual(multi.signatures.timestwo.outputs, { output_0: spec('StatefulPartitionedCall_1:0', 'DT_FLOAT', []) });
});

test('TF Serving half_plus_two (TF 1.14, Snappy index): graph, signatures, saver, collections, variables', {
  skip: FIXTURES_SKIP,
}, async () => {
  const m = await open(`${SERVING_DIR}saved_model_half_plus_two_cpu/00000123`);
  const g = only(m);
  assert.deepEqual([g.tensorflowVersion, g.producer, g.hasObjectGraph], ['1.14.0', 149, false]);
  assert.deepEqual(g.signatures.serving_default, {
    methodName: 'tensorflow/serving/predict',
    inputs: { x: spec('x:0', 'DT_FLOAT', [-1, 1]) },
    outputs: { y: spec('y:0', 'DT_FLOAT', [-1, 1]) },
  });
  assert.equal(g.signatures.classify_x_to_y.methodName, 'tensorflow/serving/classify');
  assert.equal(g.signatures.classify_x_to_y.inputs.inputs.name, 'tf_example:0');
  assert.equal(g.signatures.classify_x_to_y.inputs.inputs.dtype, 'DT_STRING');
  assert.equal(g.signatures.classify_x_to_y.outputs.scores.name, 'y:0');
  assert.equal(g.signatures.regress_x_to_y2.outputs.outputs.name, 'y2:0');
  assert.deepEqual(
    [g.signatures.regress_x2_to_y3.inputs.inputs.name, g.signatures.regress_x2_to_y3.outputs.outputs.name],
    ['x2:0', 'y3:0'],
  );
  assert.deepEqual(g.saver && { ...g.saver }, {
    filenameTensorName: 'save/Const:0',
    saveTensorName: 'save/Identity:0',
    restoreOpName: 'save/restore_all',
    maxToKeep: 5,
    sharded: true,
    keepCheckpointEveryNHours: 10000,
    version: 'V2',
  });
  assert.deepEqual(g.collections.saved_model_main_op.nodes, ['group_deps']);
  assert.deepEqual(g.collections.asset_filepaths.nodes, ['Const:0']);
  for (const key of ['saved_model_assets', 'variables', 'trainable_variables']) assert.ok(key in g.collections, key);
  for (const op of ['ParseExample', 'PlaceholderWithDefault', 'VariableV2', 'SaveV2', 'RestoreV2', 'MergeV2Checkpoints'])
    assert.ok(ops(g).has(op), op);
  for (const [name, v] of Object.entries({ a: 0.5, a2: 0.5, b: 2, c: 3, c2: 3 })) assert.equal(await scalar(m, name), v);
});

test('the rest of the half_plus_two family parses with the README facts', { skip: FIXTURES_SKIP }, async () => {
  const gpu = only(await open(`${SERVING_DIR}saved_model_half_plus_two_gpu/00000123`));
  assert.deepEqual([gpu.tensorflowVersion, gpu.producer], ['1.9.0', 26]);
  assert.ok('classify_x2_to_y3' in gpu.signatures);
  const three = await open(`${SERVING_DIR}saved_model_half_plus_three/00000123`);
  const g3 = only(three);
  assert.deepEqual([g3.tensorflowVersion, g3.producer], ['1.0.0-rc2', 21]);
  assert.deepEqual(g3.signatures.serving_default.inputs, { x: spec('x:0', 'DT_FLOAT', null) });
  assert.deepEqual(g3.signatures.serving_default.outputs, { y: spec('y:0', 'DT_FLOAT', null) });
  const regress = g3.signatures['tensorflow/serving/regress'];
  assert.deepEqual([regress.inputs.inputs.name, regress.outputs.outputs.name], ['tf_example:0', 'Identity:0']);
  assert.ok('legacy_init_op' in g3.collections);
  assert.equal(await scalar(three, 'b'), 3);
  const counter = only(await open(`${SERVING_DIR}saved_model_counter/00000123`));
  assert.equal(counter.tensorflowVersion, '1.5.0-rc1');
  assert.deepEqual(Object.keys(counter.signatures).sort(), ['get_counter', 'incr_counter', 'incr_counter_by', 'reset_counter']);
  assert.equal(counter.signatures.incr_counter_by.inputs.delta.name, 'delta:0');
  assert.equal(Object.values(counter.signatures.get_counter.outputs)[0].dtype, 'DT_FLOAT_REF');
  const tf2 = await open(`${SERVING_DIR}saved_model_half_plus_two_tf2_cpu/00000123`);
  const g2 = only(tf2);
  assert.deepEqual([g2.tensorflowVersion, g2.producer, g2.hasObjectGraph], ['2.14.0', 1569, true]);
  assert.deepEqual(g2.signatures.serving_default.inputs, { x: spec('serving_default_x:0', 'DT_FLOAT', [1]) });
  assert.equal(Object.values(g2.signatures.serving_default.outputs)[0].name, 'StatefulPartitionedCall_5:0');
  assert.deepEqual(g2.signatures.classify_x_to_y.inputs.inputs.dtype, 'DT_STRING');
  assert.deepEqual(g2.signatures.classify_x_to_y.inputs.inputs.shape, [-1]);
  for (const key of ['classify_x_to_y', 'classify_x2_to_y3', 'regress_x_to_y', 'regress_x_to_y2', 'regress_x2_to_y3']) {
    assert.equal(g2.signatures[key].methodName, 'tensorflow/serving/predict', key);
  }
  assert.equal(await scalar(tf2, 'c/.ATTRIBUTES/VARIABLE_VALUE'), 3);
});

test('matrix_half_plus_two: the 6-node Const graph, no variables, no saver, no collections', { skip: FIXTURES_SKIP }, async () => {
  const m = await open('tf-serving-testdata/tensorflow_serving/batching/testdata/matrix_half_plus_two/1');
  const g = only(m);
  assert.equal(m.variables, undefined);
  assert.equal(g.saver, undefined);
  assert.deepEqual(g.collections, {});
  assert.deepEqual([g.tensorflowVersion, g.producer], ['1.2.0-rc2', 24]);
  assert.deepEqual(
    g.nodes.map((n) => [n.name, n.op, n.inputs]),
    [
      ['x', 'Placeholder', []],
      ['Const', 'Const', []],
      ['Const_1', 'Const', []],
      ['Mul', 'Mul', ['Const', 'x']],
      ['y', 'Add', ['Mul', 'Const_1']],
      ['init', 'NoOp', []],
    ],
  );
  const x = g.nodes[0];
  assert.equal(x.attrs.dtype.type, 1);
  assert.deepEqual(
    x.attrs.shape.shape?.dim?.map((d) => Number(d.size)),
    [-1, 3, 3],
  );
  assert.deepEqual(g.nodes[1].attrs.value.tensor?.floatVal, [0.5]);
  assert.deepEqual(g.nodes[2].attrs.value.tensor?.floatVal, [2]);
  assert.deepEqual(g.signatures.serving_default, {
    methodName: 'tensorflow/serving/predict',
    inputs: { x: spec('x:0', 'DT_FLOAT', [-1, 3, 3]) },
    outputs: { y: spec('y:0', 'DT_FLOAT', [-1, 3, 3]) },
  });
  assert.equal(metaGraphByTags(m.model, ['serve']), g);
  assert.equal(metaGraphByTags(m.model, ['train']), undefined);
});

test('TFX Estimator export and the training .meta MetaGraphDef', { skip: FIXTURES_SKIP }, async () => {
  const m = await open(`${TFX_DIR}export/chicago-taxi/1646034756`);
  const g = only(m);
  assert.deepEqual(g.tags, ['serve']);
  assert.equal(g.nodes.length, 1337);
  assert.ok(g.strippedDefaultAttrs);
  assert.equal(m.variables?.list().length, 21);
  assert.deepEqual(Object.keys(g.signatures).sort(), ['classification', 'predict', 'regression', 'serving_default']);
  const c = g.signatures.classification;
  assert.equal(c.methodName, 'tensorflow/serving/classify');
  assert.deepEqual(c.inputs, { inputs: spec('input_example_tensor:0', 'DT_STRING', [-1]) });
  assert.deepEqual(c.outputs, {
    classes: spec('head/Tile:0', 'DT_STRING', [-1, 2]),
    scores: spec('head/predictions/probabilities:0', 'DT_FLOAT', [-1, 2]),
  });
  assert.equal(g.signatures.regression.outputs.outputs.name, 'head/predictions/logistic:0');
  assert.deepEqual(Object.keys(g.signatures.predict.outputs), [
    'all_class_ids',
    'all_classes',
    'class_ids',
    'classes',
    'logistic',
    'logits',
    'probabilities',
  ]);
  assert.equal(g.signatures.predict.outputs.logits.name, 'add:0');
  const metaPath = fixture(`${TFX_DIR}model.ckpt-1000.meta`);
  const meta = describeMetaGraph(MetaGraphDefCodec.decode(await platform.readFile(metaPath), metaPath));
  assert.equal(meta.nodes.length, 2502);
  assert.deepEqual(meta.tags, []);
  assert.deepEqual(meta.signatures, {});
  assert.equal(meta.saver?.restoreOpName, 'save/restore_all');
  for (const key of [
    'global_step',
    'variables',
    'trainable_variables',
    'summaries',
    'summary_op',
    'init_op',
    'local_init_op',
    'ready_op',
    'savers',
    'losses',
  ]) {
    assert.ok(key in meta.collections, key);
  }
});

test('bad SavedModel input gives clear errors', { skip: FIXTURES_SKIP }, async () => {
  await assert.rejects(readSavedModelDir(fixture(TFX_DIR), platform), /is not a SavedModel directory \(no saved_model.pb\)/);
  assert.throws(
    () => parseSavedModel(new TextEncoder().encode('hello, not a protobuf'), 'x/saved_model.pb'),
    (e: unknown) => e instanceof FormatError && /^x\/saved_model.pb: /.test(e.message),
  );
  assert.throws(() => parseSavedModel(new Uint8Array(0), 'empty.pb'), /empty.pb: holds no MetaGraphDef/);
  const pb = await platform.readFile(
    fixture('tf-serving-testdata/tensorflow_serving/batching/testdata/matrix_half_plus_two/1/saved_model.pb'),
  );
  assert.throws(() => parseSavedModel(pb.subarray(0, pb.byteLength - 7), 'cut.pb'), /cut.pb: not a valid SavedModel protobuf/);
  // A TensorProto round trips through the schema (the graph writer will rely on this).
  const t = { dtype: 1, tensorShape: { dim: [{ size: 3 }] }, floatVal: [0.5, 2, -1] };
  assert.deepEqual(TensorProtoCodec.decode(TensorProtoCodec.encode(t)).floatVal, [0.5, 2, -1]);
});

test('the schemas encode too: every fixture SavedModel survives decode → encode → decode', { skip: FIXTURES_SKIP }, async () => {
  const dirs = [
    'tf-serving-testdata/tensorflow_serving/batching/testdata/matrix_half_plus_two/1',
    `${SERVING_DIR}saved_model_half_plus_two_cpu/00000123`,
    `${SERVING_DIR}saved_model_half_plus_two_tf2_cpu/00000123`,
    `${TFJS_DIR}module_with_multiple_signatures`,
    `${TFX_DIR}export/chicago-taxi/1646034756`,
  ];
  for (const dir of dirs) {
    const file = fixture(`${dir}/saved_model.pb`);
    const original = parseSavedModel(await platform.readFile(file), file);
    const again = parseSavedModel(SavedModelCodec.encode(SavedModelCodec.decode(await platform.readFile(file))), 're-encoded');
    assert.equal(again.metaGraphs.length, original.metaGraphs.length);
    for (let i = 0; i < original.metaGraphs.length; i++) {
      const [a, b] = [original.metaGraphs[i], again.metaGraphs[i]];
      assert.deepEqual(b.signatures, a.signatures, dir);
      assert.deepEqual(b.functions, a.functions, dir);
      assert.deepEqual(b.collections, a.collections, dir);
      assert.deepEqual(b.saver, a.saver, dir);
      assert.deepEqual([b.tags, b.producer, b.hasObjectGraph], [a.tags, a.producer, a.hasObjectGraph], dir);
      assert.equal(b.nodes.length, a.nodes.length);
      b.nodes.forEach((n, k) =>
        assert.deepEqual(JSON.parse(JSON.stringify(n)), JSON.parse(JSON.stringify(a.nodes[k])), `${dir} node ${n.name}`),
      );
    }
  }
});
