/**
 * The ops layer as a graph tracer: every call appends TensorFlow NodeDefs (TF's own op names
 * and attrs: Conv3D, MaxPool3D, AvgPool3D, BiasAdd, Relu, Sigmoid, Softmax, Mul, AddV2,
 * ConcatV2, Mean, Squeeze) to a {@link GraphBuilder} and returns a symbolic tensor with the
 * static shape TF would infer. Running S3D-G's own `apply` on these ops emits its inference
 * graph — there is no second copy of the network. Inference only: batch statistics and dropout
 * belong to training and are refused.
 *
 * Batch norm (5-D, so no FusedBatchNorm) is emitted unfolded from the named moving statistics:
 * scale = Rsqrt(moving_variance + ε); y = x·scale + (beta − moving_mean·scale), so every variable
 * stays a Const under its TF name (the web app rebuilds the trainable model from them) while TF's
 * constant folding reduces the [C]-sized arithmetic at load time.
 */
import type { Ops, Padding, Triple } from '../../ops/ops.ts';
import { broadcastShape, outputShape3d } from '../../ops/shape.ts';
import { attr, type GraphBuilder, type SymbolicTensor } from './graph_builder.ts';

/** Shape after a 3-D conv/pool, keeping an unknown batch (-1) unknown. */
function shape3d(x: number[], ksize: Triple, strides: Triple, padding: Padding, channels: number): number[] {
  const out = outputShape3d(x, ksize, strides, padding, channels);
  out[0] = x[0];
  return out;
}

const NDHWC = attr.string('NDHWC');

/** `Ops` over symbolic tensors, emitting NodeDefs into `graph`. */
export class GraphOps implements Ops<SymbolicTensor> {
  constructor(readonly graph: GraphBuilder) {}

  shape(x: SymbolicTensor): number[] {
    return x.shape;
  }

  private node(op: string, inputs: SymbolicTensor[], attrs: Record<string, ReturnType<typeof attr.type>>, shape: number[]): SymbolicTensor {
    return this.graph.add1(op, {
      op,
      inputs,
      attrs: { T: attr.type(inputs[0].dtype), ...attrs },
      outputs: [{ dtype: inputs[0].dtype, shape }],
    });
  }

  conv3d(x: SymbolicTensor, filter: SymbolicTensor, strides: Triple, padding: Padding): SymbolicTensor {
    const [kt, kh, kw, ci, co] = filter.shape;
    if (x.shape[4] !== ci) throw new Error(`graph: Conv3D filter [${filter.shape}] does not fit input [${x.shape}]`);
    return this.node(
      'Conv3D',
      [x, filter],
      { strides: attr.ints([1, ...strides, 1]), padding: attr.string(padding), data_format: NDHWC, dilations: attr.ints([1, 1, 1, 1, 1]) },
      shape3d(x.shape, [kt, kh, kw], strides, padding, co),
    );
  }

  biasAdd(x: SymbolicTensor, bias: SymbolicTensor): SymbolicTensor {
    return this.node('BiasAdd', [x, bias], { data_format: attr.string('NHWC') }, x.shape);
  }

  private pool(op: 'MaxPool3D' | 'AvgPool3D', x: SymbolicTensor, ksize: Triple, strides: Triple, padding: Padding): SymbolicTensor {
    return this.node(
      op,
      [x],
      { ksize: attr.ints([1, ...ksize, 1]), strides: attr.ints([1, ...strides, 1]), padding: attr.string(padding), data_format: NDHWC },
      shape3d(x.shape, ksize, strides, padding, x.shape[4]),
    );
  }

  maxPool3d(x: SymbolicTensor, ksize: Triple, strides: Triple, padding: Padding): SymbolicTensor {
    return this.pool('MaxPool3D', x, ksize, strides, padding);
  }

  avgPool3d(x: SymbolicTensor, ksize: Triple, strides: Triple, padding: Padding): SymbolicTensor {
    return this.pool('AvgPool3D', x, ksize, strides, padding);
  }

  batchNormReluTraining(): SymbolicTensor {
    throw new Error('graph export traces inference only: batch statistics (training mode) cannot be exported');
  }

  batchNorm(x: SymbolicTensor, mean: SymbolicTensor, variance: SymbolicTensor, offset: SymbolicTensor, epsilon: number): SymbolicTensor {
    const g = this.graph;
    return g.withScope('BatchNorm/batchnorm', () => {
      const eps = g.scalar('y', epsilon);
      const sum = this.node('AddV2', [variance, eps], {}, variance.shape);
      const scale = this.node('Rsqrt', [sum], {}, variance.shape);
      const scaled = this.mul(x, scale);
      const shift = this.node('Sub', [offset, this.mul(mean, scale)], {}, offset.shape);
      return this.add(scaled, shift);
    });
  }

  relu(x: SymbolicTensor): SymbolicTensor {
    return this.node('Relu', [x], {}, x.shape);
  }

  sigmoid(x: SymbolicTensor): SymbolicTensor {
    return this.node('Sigmoid', [x], {}, x.shape);
  }

  softmax(x: SymbolicTensor): SymbolicTensor {
    return this.node('Softmax', [x], {}, x.shape);
  }

  mul(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor {
    return this.node('Mul', [a, b], {}, broadcastShape(a.shape, b.shape));
  }

  add(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor {
    return this.node('AddV2', [a, b], {}, broadcastShape(a.shape, b.shape));
  }

  mean(x: SymbolicTensor, axes: number[], keepDims: boolean): SymbolicTensor {
    const axis = this.graph.withScope('Mean', () => this.graph.int32s('reduction_indices', axes));
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return this.graph.add1('Mean', {
      op: 'Mean',
      inputs: [x, axis],
      attrs: { T: attr.type(x.dtype), Tidx: attr.type('int32'), keep_dims: attr.bool(keepDims) },
      outputs: [{ dtype: x.dtype, shape }],
    });
  }

  concat(xs: SymbolicTensor[], axis: number): SymbolicTensor {
    if (xs.length === 1) return this.node('Identity', xs, {}, xs[0].shape);
    const shape = [...xs[0].shape];
    shape[axis] = xs.some((x) => x.shape[axis] === -1) ? -1 : xs.reduce((sum, x) => sum + x.shape[axis], 0);
    const axisConst = this.graph.withScope('concat', () => this.graph.constant('axis', 'int32', [], Int32Array.of(axis)));
    return this.graph.add1('concat', {
      op: 'ConcatV2',
      inputs: [...xs, axisConst],
      attrs: { N: attr.int(xs.length), T: attr.type(xs[0].dtype), Tidx: attr.type('int32') },
      outputs: [{ dtype: xs[0].dtype, shape }],
    });
  }

  squeeze(x: SymbolicTensor, axes: number[]): SymbolicTensor {
    for (const a of axes) if (x.shape[a] !== 1) throw new Error(`graph: Squeeze axis ${a} of [${x.shape}] is not 1`);
    return this.node(
      'Squeeze',
      [x],
      { squeeze_dims: attr.ints(axes) },
      x.shape.filter((_, i) => !axes.includes(i)),
    );
  }

  dropout(): SymbolicTensor {
    throw new Error('graph export traces inference only: dropout (training mode) cannot be exported');
  }
}
