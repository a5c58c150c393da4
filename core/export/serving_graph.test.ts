import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { CLIP, SMALL, liveOutputs, maxDiff, randomClip, randomModel, runTfjsGraph, weightsOf } from '../../test/export_helpers.ts';
import { buildServingGraph, CAST_NODE } from './serving_graph.ts';
import { graphDefToTfjs } from './tfjs_graph_json.ts';
import { cutGraph } from './graph/graph_cut.ts';
import { S3DG } from '../model/s3dg.ts';

describe('serving graph traced from the model code', () => {
  before(() => useBackend('cpu'));

  it('tensor input: tfjs-converter runs the GraphDef and matches the live model to 1e-4', async () => {
    const { model, store } = randomModel();
    const graph = buildServingGraph(model, weightsOf(store), 'tensor', CLIP);
    const clip = randomClip(2);
    const live = liveOutputs(model, store, clip.floats);
    const [logits, probabilities, classIds] = await runTfjsGraph(graphDefToTfjs(graph.graphDef), { feature: clip.floats }, [
      'logits',
      'probabilities',
      'class_ids',
    ]);
    assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
    assert.ok(maxDiff(probabilities, live.probabilities) <= 1e-4);
    assert.ok(Math.max(...live.logits) - Math.min(...live.logits) > 0.05, 'the comparison is not between near-constant outputs');
    // class_ids is the original's tf.round(sigmoid): one 0/1 per class, float32 [batch, classes].
    assert.equal(classIds.length, 2 * (SMALL.numClasses as number));
    assert.deepEqual(Array.from(classIds), Array.from(probabilities, Math.round));
    assert.ok(classIds.includes(0) && classIds.includes(1), 'the random model gives both 0s and 1s');
    store.dispose();
    clip.floats.dispose();
  });

  it('every variable is a Const named by its TF name; native TF ops only', () => {
    const { model, store } = randomModel();
    const graph = buildServingGraph(model, weightsOf(store), 'tensor', CLIP);
    const nodes = graph.graphDef.node ?? [];
    const consts = new Set(nodes.filter((n) => n.op === 'Const').map((n) => n.name));
    for (const v of model.variables()) assert.ok(consts.has(v.name), `${v.name} is a Const`);
    assert.deepEqual(
      graph.variableNodes.sort(),
      model
        .variables()
        .map((v) => v.name)
        .sort(),
    );
    const ops = new Set(nodes.map((n) => n.op));
    for (const op of ops) {
      assert.ok(
        [
          'Placeholder',
          'Const',
          'Conv3D',
          'BiasAdd',
          'MaxPool3D',
          'AvgPool3D',
          'Relu',
          'Sigmoid',
          'Mul',
          'AddV2',
          'Sub',
          'Rsqrt',
          'ConcatV2',
          'Mean',
          'Squeeze',
          'Identity',
          'Round',
        ].includes(op ?? ''),
        `unexpected op ${op}`,
      );
    }
    const names = nodes.map((n) => n.name);
    assert.equal(new Set(names).size, names.length, 'node names are unique');
    assert.ok(names.includes('InceptionV1/Mixed_4b/Branch_1/Conv2d_0b_3x3/BatchNorm/batchnorm/Rsqrt'));
    assert.ok(names.includes('InceptionV1/MaxPool_4a_3x3/MaxPool3D') && names.includes('InceptionV1/Logits/AvgPool3D'));
    const conv = nodes.find((n) => n.op === 'Conv3D');
    assert.deepEqual(Object.keys(conv?.attr ?? {}).sort(), ['T', 'data_format', 'dilations', 'padding', 'strides']);
    store.dispose();
  });

  it('example input: one serialized tf.Example (scalar string); the graph below the Cast matches the live model', async () => {
    const { model, store } = randomModel();
    const graph = buildServingGraph(model, weightsOf(store), 'example', CLIP);
    assert.deepEqual(Object.keys(graph.inputs), ['input']);
    assert.deepEqual([graph.inputs.input.dtype, graph.inputs.input.shape], ['string', []]);
    assert.deepEqual(graph.outputs.class_ids.shape, [1, SMALL.numClasses]);
    const clip = randomClip(1);
    const live = liveOutputs(model, store, clip.floats);
    const shape = [1, CLIP.clipLength, CLIP.frameHeight, CLIP.frameWidth, 3];
    const cut = cutGraph(graph.graphDef, { [CAST_NODE]: { dtype: 'float32', shape } }, ['logits', 'probabilities']);
    assert.ok(!(cut.node ?? []).some((n) => n.op === 'ParseSingleExample' || n.op === 'DecodeRaw'));
    const raw = tf.tensor(Float32Array.from(clip.bytes), clip.floats.shape);
    const [logits] = await runTfjsGraph(graphDefToTfjs(cut), { [CAST_NODE]: raw }, ['logits']);
    assert.ok(maxDiff(logits, live.logits) <= 1e-4, `logits differ by ${maxDiff(logits, live.logits)}`);
    raw.dispose();
    store.dispose();
    clip.floats.dispose();
  });

  it('refuses a model without logits and a missing weight', () => {
    const { model, store } = randomModel();
    const weights = weightsOf(store);
    weights.delete('InceptionV1/Conv2d_1a_7x7/weights');
    assert.throws(
      () => buildServingGraph(model, weights, 'tensor', CLIP),
      /no value for model variable InceptionV1\/Conv2d_1a_7x7\/weights/,
    );
    assert.throws(() => buildServingGraph(new S3DG({ ...SMALL, numClasses: 0 }), weights, 'tensor', CLIP), /`numClasses`/);
    store.dispose();
  });
});
