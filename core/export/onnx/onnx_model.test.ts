/**
 * The ONNX export's structure, without a runtime: the layout bookkeeping against naive loops,
 * and the ModelProto's bytes decoded back (opset, input/output signature, every variable an
 * initializer under its TF name with its values in ONNX's layout, SAME pads). Numbers through
 * onnxruntime are checked in node/onnx/onnx_engine.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3DG } from '../../model/s3dg.ts';
import { onnxModelCodec, type OnnxModelProto, type OnnxTensorProto } from '../../formats/proto/onnx.ts';
import { int64ToNumber, type Int64Wire } from '../../formats/proto/int64.ts';
import type { NamedWeights } from '../../model/named_weights.ts';
import { WeightsMismatchError } from '../../model/named_weights.ts';
import { buildOnnxModel, ONNX_INPUT } from './onnx_model.ts';
import { dropAxes, NCDHW, permuteValues, transposePerm } from './layout.ts';

const SMALL = { numClasses: 5, depthMultiplier: 0.125, minDepth: 4, dropoutKeepProb: 1 };
const CLIP = { clipLength: 8, frameHeight: 32, frameWidth: 32 };

/** Every variable of `net` filled with i·0.001 + k (distinct per element and variable). */
function rampWeights(net: S3DG): NamedWeights {
  return new Map(
    net.variables().map((spec, k) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      return [spec.name, { shape: spec.shape, values: Float32Array.from({ length: n }, (_, i) => i * 0.001 + k) }];
    }),
  );
}

const dims = (t: { dims?: Int64Wire[] }) => (t.dims ?? []).map((d) => int64ToNumber(d));
const floats = (t: OnnxTensorProto) => {
  const raw = t.rawData ?? new Uint8Array();
  return new Float32Array(raw.slice().buffer);
};

describe('onnx layout', () => {
  it('permuteValues of a [2,3,4,5,6] ramp into NCDHW equals a naive loop', () => {
    const shape = [2, 3, 4, 5, 6];
    const values = Float32Array.from({ length: 720 }, (_, i) => i);
    const out = permuteValues(values, shape, NCDHW);
    const [b, t, h, w, c] = shape;
    let k = 0;
    for (let n = 0; n < b; n++)
      for (let ch = 0; ch < c; ch++)
        for (let d = 0; d < t; d++)
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) assert.equal(out[k++], values[(((n * t + d) * h + y) * w + x) * c + ch]);
  });

  it('transposePerm and dropAxes: NCDHW back to NDHWC, and the order left after reducing time', () => {
    assert.deepEqual(transposePerm(NCDHW, [0, 1, 2, 3, 4]), [0, 2, 3, 4, 1]);
    // Logits: mean over logical time of an NCDHW value leaves [B, K, H, W] holding logical [0, 3, 1, 2].
    assert.deepEqual(dropAxes(NCDHW, [1]), [0, 3, 1, 2]);
    assert.deepEqual(dropAxes([0, 3, 1, 2], [1, 2]), [0, 1]);
  });
});

describe('onnx model proto (small S3D-G, clips 8×32²)', () => {
  const net = new S3DG(SMALL);
  const weights = rampWeights(net);
  const bytes = buildOnnxModel(net, weights, { clip: CLIP, producer: 's3dg 0.1.0' });
  const model: OnnxModelProto = onnxModelCodec.decode(bytes, 'model.onnx');
  const graph = model.graph ?? {};

  it('declares opset 17, IR 8, the producer and a dynamic-batch signature', () => {
    assert.equal(int64ToNumber(model.irVersion ?? 0), 8);
    assert.deepEqual(
      (model.opsetImport ?? []).map((o) => [o.domain ?? '', int64ToNumber(o.version ?? 0)]),
      [['', 17]],
    );
    assert.equal(model.producerName, 's3dg');
    assert.equal(model.producerVersion, '0.1.0');
    const shapeOf = (v: NonNullable<typeof graph.input>[number]) =>
      (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || int64ToNumber(d.dimValue ?? 0));
    assert.deepEqual(
      (graph.input ?? []).map((v) => [v.name, shapeOf(v)]),
      [[ONNX_INPUT, ['batch', 8, 32, 32, 3]]],
    );
    assert.deepEqual(
      (graph.output ?? []).map((v) => [v.name, shapeOf(v)]),
      [
        ['probabilities', ['batch', 5]],
        ['logits', ['batch', 5]],
        ['class_ids', ['batch', 5]],
      ],
    );
    const config = JSON.parse(model.metadataProps?.find((p) => p.key === 's3dg.config')?.value ?? '{}');
    assert.equal(config.numClasses, 5);
  });

  it('holds every model variable as an initializer named by its TF name; conv weights in [Cout, Cin, kt, kh, kw]', () => {
    const byName = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
    for (const spec of net.variables()) assert.ok(byName.has(spec.name), `missing initializer ${spec.name}`);
    const stem = 'InceptionV1/Conv2d_1a_7x7/weights';
    const t = byName.get(stem)!;
    const [kt, kh, kw, ci, co] = net.variables().find((s) => s.name === stem)!.shape;
    assert.deepEqual(dims(t), [co, ci, kt, kh, kw]);
    const values = floats(t);
    const source = weights.get(stem)!.values;
    // Element [o, i, a, b, c] of ONNX's filter is TF's [a, b, c, i, o].
    for (const [o, i, a, b, c] of [
      [0, 0, 0, 0, 0],
      [co - 1, 2, 1, 5, 3],
      [3, 1, kt - 1, kh - 1, kw - 1],
    ]) {
      assert.equal(values[(((o * ci + i) * kt + a) * kh + b) * kw + c], source[(((a * kh + b) * kw + c) * ci + i) * co + o]);
    }
    const beta = byName.get('InceptionV1/Conv2d_1a_7x7/BatchNorm/beta')!;
    assert.deepEqual(dims(beta), [co]);
  });

  it('pads SAME as TF does (the odd cell at the end) and names nodes after the layer', () => {
    const nodes = graph.node ?? [];
    const stem = nodes.find((n) => n.name === 'InceptionV1/Conv2d_1a_7x7/Conv');
    assert.ok(stem, `no stem Conv among ${nodes.slice(0, 5).map((n) => n.name)}`);
    const attr = (name: string) => (stem.attribute ?? []).find((a) => a.name === name)?.ints?.map((i) => int64ToNumber(i));
    // 8×32×32 input, kernel 3×7×7, stride 2: TF pads time [0, 1] and space [2, 3].
    assert.deepEqual(attr('pads'), [0, 2, 2, 1, 3, 3]);
    assert.deepEqual(attr('strides'), [2, 2, 2]);
    const ops = new Set(nodes.map((n) => n.opType));
    for (const op of [
      'Transpose',
      'Conv',
      'BatchNormalization',
      'Relu',
      'MaxPool',
      'AveragePool',
      'GlobalAveragePool',
      'Concat',
      'Sigmoid',
    ]) {
      assert.ok(ops.has(op), `no ${op} node`);
    }
    assert.equal(nodes.filter((n) => n.opType === 'Transpose').length, 1, 'the input is transposed once; the network stays NCDHW');
  });

  it('refuses weights that do not fit, naming each variable, and models without logits', () => {
    const wrong = new Map(weights);
    wrong.delete('InceptionV1/Logits/Conv2d_0c_1x1/biases');
    assert.throws(
      () => buildOnnxModel(net, wrong, { clip: CLIP, producer: 's3dg', source: 'checkpoint x' }),
      (e: Error) =>
        e instanceof WeightsMismatchError && /checkpoint x: .*missing: InceptionV1\/Logits\/Conv2d_0c_1x1\/biases/s.test(e.message),
    );
    const features = new S3DG({ ...SMALL, numClasses: 0 });
    assert.throws(() => buildOnnxModel(features, rampWeights(features), { clip: CLIP, producer: 's3dg' }), /`numClasses` ≥ 1/);
  });
});
