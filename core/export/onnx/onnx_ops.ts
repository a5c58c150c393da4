/**
 * The ops layer as an ONNX graph builder: every call appends ONNX nodes (opset 17: Conv,
 * MaxPool, AveragePool, BatchNormalization, Relu, Sigmoid, Softmax, Mul, Add, Concat,
 * ReduceMean/GlobalAveragePool, Squeeze, Transpose) to an {@link OnnxGraph} and returns a value
 * with the static shape the model expects. Running S3D-G's own `apply` on these ops emits its
 * inference graph — there is no second copy of the network. Inference only: batch statistics
 * and dropout belong to training and are refused.
 *
 * Layout: values keep the model's logical [B,T,H,W,C] shape, while their physical layout is
 * whatever the producing op made (see layout.ts). Convs and pools work channels-first, so the
 * input is transposed once, at the first conv, and the network stays NCDHW up to the logits.
 * TF's SAME padding becomes explicit pads from the static shapes (the odd cell at the end).
 * Batch norm is BatchNormalization with scale 1 on the named moving statistics; onnxruntime
 * folds it into the conv before it at load time.
 */
import type { Moments, Ops, Padding, Triple } from '../../ops/ops.ts';
import { axisPadding, broadcastShape, outputShape3d } from '../../ops/shape.ts';
import type { OnnxAttributeProto } from '../../formats/proto/onnx.ts';
import { onnxAttr, type OnnxGraph } from './onnx_graph.ts';
import { channelsSecond, dropAxes, identityOrder, NCDHW, permuteValues, physicalDims, sameOrder, transposePerm } from './layout.ts';

/** A value of the graph being built, or a constant (a model variable) not placed in it yet. */
export interface OnnxValue {
  /** Logical shape ([B,T,H,W,C] for 5-D values); -1: the dynamic batch. */
  shape: number[];
  /** Physical layout: axis i of the ONNX value holds logical axis `order[i]`. */
  order: number[];
  /** The graph value; null for a constant until an op places it. */
  name: string | null;
  /** A build-time constant in logical layout, `label` naming it (its TF variable name). */
  constant?: { values: Float32Array; label: string; placed: Map<string, string> };
  /** Transposes of this value already in the graph, by order, so each layout is made once. */
  views?: Map<string, string>;
}

/** A model variable as a constant the ops place in whatever layout they need. */
export function constantValue(label: string, shape: number[], values: Float32Array): OnnxValue {
  return { shape, order: identityOrder(shape.length), name: null, constant: { values, label, placed: new Map() } };
}

/** Shape after a 3-D conv or pool, keeping the dynamic batch. */
function shape3d(x: number[], ksize: Triple, strides: Triple, padding: Padding, channels: number): number[] {
  const out = outputShape3d(x, ksize, strides, padding, channels);
  out[0] = x[0];
  return out;
}

/** ONNX `pads` [t0, h0, w0, t1, h1, w1] for TF's padding of a [B,T,H,W,C] input. */
function pads3d(shape: number[], ksize: Triple, strides: Triple, padding: Padding): number[] {
  const axes = [0, 1, 2].map((i) => axisPadding(shape[i + 1], ksize[i], strides[i], padding));
  return [...axes.map((p) => p[0]), ...axes.map((p) => p[1])];
}

/** `Ops` over ONNX values, appending nodes to `graph`. */
export class OnnxOps implements Ops<OnnxValue> {
  private readonly ones = new Map<number, string>();

  constructor(readonly graph: OnnxGraph) {}

  shape(x: OnnxValue): number[] {
    return x.shape;
  }

  /** The graph name of `x` laid out in `order`: constants are permuted here, values transposed in the graph. */
  private placed(x: OnnxValue, order: number[], dims?: number[]): string {
    const c = x.constant;
    if (c) {
      const key = `${order}|${dims ?? ''}`;
      let name = c.placed.get(key);
      if (!name) {
        const values = permuteValues(c.values, x.shape, order);
        name = this.graph.initializer(c.label, dims ?? physicalDims(x.shape, order), values, true);
        c.placed.set(key, name);
      }
      return name;
    }
    if (x.name === null) throw new Error('onnx: a value without a name');
    if (sameOrder(x.order, order)) return x.name;
    x.views ??= new Map();
    let view = x.views.get(`${order}`);
    if (!view) {
      view = this.graph.node('Transpose', [x.name], [onnxAttr.ints('perm', transposePerm(x.order, order))]);
      x.views.set(`${order}`, view);
    }
    return view;
  }

  private value(name: string, shape: number[], order: number[]): OnnxValue {
    return { name, shape, order };
  }

  conv3d(x: OnnxValue, filter: OnnxValue, strides: Triple, padding: Padding): OnnxValue {
    const [kt, kh, kw, ci, co] = filter.shape;
    if (x.shape[4] !== ci) throw new Error(`onnx: Conv filter [${filter.shape}] does not fit input [${x.shape}]`);
    const ksize: Triple = [kt, kh, kw];
    const name = this.graph.node(
      'Conv',
      [this.placed(x, NCDHW), this.placed(filter, [4, 3, 0, 1, 2])],
      [
        onnxAttr.ints('kernel_shape', ksize),
        onnxAttr.ints('strides', strides),
        onnxAttr.ints('pads', pads3d(x.shape, ksize, strides, padding)),
        onnxAttr.ints('dilations', [1, 1, 1]),
        onnxAttr.int('group', 1),
      ],
    );
    return this.value(name, shape3d(x.shape, ksize, strides, padding, co), NCDHW);
  }

  biasAdd(x: OnnxValue, bias: OnnxValue): OnnxValue {
    const rank = x.shape.length;
    const c = x.shape[rank - 1];
    // [C] broadcast along the physical axis that holds channels: [C, 1, …, 1] up to the last axis.
    const trailing = rank - 1 - x.order.indexOf(rank - 1);
    const dims = [c, ...new Array<number>(trailing).fill(1)];
    let b: string;
    if (bias.constant) b = this.placed(bias, [0], dims);
    else b = this.graph.node('Reshape', [this.placed(bias, [0]), this.graph.int64s('shape', dims)]);
    return this.value(this.graph.node('Add', [this.placed(x, x.order), b]), x.shape, x.order);
  }

  private pool(op: 'MaxPool' | 'AveragePool', x: OnnxValue, ksize: Triple, strides: Triple, padding: Padding): OnnxValue {
    const attributes = [
      onnxAttr.ints('kernel_shape', ksize),
      onnxAttr.ints('strides', strides),
      onnxAttr.ints('pads', pads3d(x.shape, ksize, strides, padding)),
    ];
    // TF's SAME average counts only the cells inside the input (MaxPool never counts padding).
    if (op === 'AveragePool') attributes.push(onnxAttr.int('count_include_pad', 0));
    const name = this.graph.node(op, [this.placed(x, NCDHW)], attributes);
    return this.value(name, shape3d(x.shape, ksize, strides, padding, x.shape[4]), NCDHW);
  }

  maxPool3d(x: OnnxValue, ksize: Triple, strides: Triple, padding: Padding): OnnxValue {
    return this.pool('MaxPool', x, ksize, strides, padding);
  }

  avgPool3d(x: OnnxValue, ksize: Triple, strides: Triple, padding: Padding): OnnxValue {
    return this.pool('AveragePool', x, ksize, strides, padding);
  }

  batchNorm(x: OnnxValue, mean: OnnxValue, variance: OnnxValue, offset: OnnxValue, epsilon: number): OnnxValue {
    const rank = x.shape.length;
    const c = x.shape[rank - 1];
    const order = x.order[1] === rank - 1 ? x.order : channelsSecond(rank);
    let scale = this.ones.get(c);
    if (!scale) {
      scale = this.graph.initializer(`ones_${c}`, [c], new Float32Array(c).fill(1), true);
      this.ones.set(c, scale);
    }
    const vector = (v: OnnxValue) => this.placed(v, [0]);
    const name = this.graph.node(
      'BatchNormalization',
      [this.placed(x, order), scale, vector(offset), vector(mean), vector(variance)],
      [onnxAttr.float('epsilon', epsilon)],
      'BatchNorm',
    );
    return this.value(name, x.shape, order);
  }

  batchNormReluTraining(_x: OnnxValue, _offset: OnnxValue, _epsilon: number, _onMoments: (m: Moments<OnnxValue>) => void): OnnxValue {
    throw new Error('onnx export traces inference only: batch statistics (training mode) cannot be exported');
  }

  private unary(op: string, x: OnnxValue, attributes: OnnxAttributeProto[] = []): OnnxValue {
    return this.value(this.graph.node(op, [this.placed(x, x.order)], attributes), x.shape, x.order);
  }

  relu(x: OnnxValue): OnnxValue {
    return this.unary('Relu', x);
  }

  sigmoid(x: OnnxValue): OnnxValue {
    return this.unary('Sigmoid', x);
  }

  softmax(x: OnnxValue): OnnxValue {
    return this.unary('Softmax', x, [onnxAttr.int('axis', x.order.indexOf(x.shape.length - 1))]);
  }

  /** Both operands in one layout: a shared order when ranks match, else the logical layout (numpy broadcasting). */
  private binary(op: 'Mul' | 'Add', a: OnnxValue, b: OnnxValue): OnnxValue {
    const shape = broadcastShape(a.shape, b.shape);
    let orders: [number[], number[], number[]];
    if (a.shape.length === b.shape.length) {
      const order = a.constant ? b.order : a.order;
      orders = [order, order, order];
    } else {
      orders = [identityOrder(a.shape.length), identityOrder(b.shape.length), identityOrder(shape.length)];
    }
    const name = this.graph.node(op, [this.placed(a, orders[0]), this.placed(b, orders[1])]);
    return this.value(name, shape, orders[2]);
  }

  mul(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.binary('Mul', a, b);
  }

  add(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.binary('Add', a, b);
  }

  mean(x: OnnxValue, axes: number[], keepDims: boolean): OnnxValue {
    const rank = x.shape.length;
    const physical = axes.map((a) => x.order.indexOf(a)).sort((p, q) => p - q);
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const order = keepDims ? x.order : dropAxes(x.order, axes);
    // Averaging every spatial axis of a channels-first value is GlobalAveragePool (a faster kernel).
    const spatial = identityOrder(rank).slice(2);
    const global = keepDims && rank > 2 && x.order[1] === rank - 1 && sameOrder(physical, spatial);
    const name = global
      ? this.graph.node('GlobalAveragePool', [this.placed(x, x.order)])
      : this.graph.node(
          'ReduceMean',
          [this.placed(x, x.order)],
          [onnxAttr.ints('axes', physical), onnxAttr.int('keepdims', keepDims ? 1 : 0)],
        );
    return this.value(name, shape, order);
  }

  concat(xs: OnnxValue[], axis: number): OnnxValue {
    const order = (xs.find((x) => !x.constant) ?? xs[0]).order;
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((sum, x) => sum + x.shape[axis], 0);
    const name = this.graph.node(
      'Concat',
      xs.map((x) => this.placed(x, order)),
      [onnxAttr.int('axis', order.indexOf(axis))],
    );
    return this.value(name, shape, order);
  }

  squeeze(x: OnnxValue, axes: number[]): OnnxValue {
    for (const a of axes) if (x.shape[a] !== 1) throw new Error(`onnx: Squeeze axis ${a} of [${x.shape}] is not 1`);
    const physical = axes.map((a) => x.order.indexOf(a));
    const name = this.graph.node('Squeeze', [this.placed(x, x.order), this.graph.int64s('axes', physical)]);
    return this.value(
      name,
      x.shape.filter((_, i) => !axes.includes(i)),
      dropAxes(x.order, axes),
    );
  }

  dropout(): OnnxValue {
    throw new Error('onnx export traces inference only: dropout (training mode) cannot be exported');
  }

  /** The graph name of `x` in the logical layout (for graph outputs). */
  logical(x: OnnxValue): string {
    return this.placed(x, identityOrder(x.shape.length));
  }
}
