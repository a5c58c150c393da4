import type { Moments, Ops, Padding, Triple } from './ops.ts';
import { broadcastShape, outputShape3d } from './shape.ts';

/** A tensor known only by its shape. */
export interface ShapeOnly {
  shape: number[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Ops that compute shapes, not values, and count the floating-point operations a pass would
 * cost (a multiply-add is 2 FLOPs; pools, norms and elementwise ops count one per element and
 * window cell), and the elements the pass produces. Both accumulate across calls; read them
 * after running the model once.
 */
export class CountingOps implements Ops<ShapeOnly> {
  flops = 0;
  /** Elements of every op's output: what a training pass keeps for its backward pass, at most. */
  elements = 0;

  shape(x: ShapeOnly): number[] {
    return x.shape;
  }
  conv3d(x: ShapeOnly, filter: ShapeOnly, strides: Triple, padding: Padding): ShapeOnly {
    const [kt, kh, kw, ci, co] = filter.shape;
    if (x.shape[4] !== ci) throw new Error(`conv3d: filter [${filter.shape}] does not fit input [${x.shape}]`);
    const shape = outputShape3d(x.shape, [kt, kh, kw], strides, padding, co);
    this.flops += 2 * size(shape) * kt * kh * kw * ci;
    return this.output(shape);
  }
  biasAdd(x: ShapeOnly): ShapeOnly {
    return this.elementwise(x.shape);
  }
  maxPool3d(x: ShapeOnly, ksize: Triple, strides: Triple, padding: Padding): ShapeOnly {
    const shape = outputShape3d(x.shape, ksize, strides, padding, x.shape[4]);
    this.flops += size(shape) * size(ksize);
    return this.output(shape);
  }
  avgPool3d(x: ShapeOnly, ksize: Triple, strides: Triple, padding: Padding): ShapeOnly {
    return this.maxPool3d(x, ksize, strides, padding);
  }
  batchNorm(x: ShapeOnly): ShapeOnly {
    this.flops += size(x.shape);
    return this.elementwise(x.shape);
  }
  /** Moments (3 per element: mean, centring, squares), then batch norm and ReLU as above. */
  batchNormReluTraining(x: ShapeOnly, _offset: ShapeOnly, _epsilon: number, onMoments: (m: Moments<ShapeOnly>) => void): ShapeOnly {
    const c = x.shape[x.shape.length - 1];
    this.flops += 3 * size(x.shape);
    onMoments({ mean: { shape: [c] }, variance: { shape: [c] } });
    return this.relu(this.batchNorm(x));
  }
  relu(x: ShapeOnly): ShapeOnly {
    return this.elementwise(x.shape);
  }
  sigmoid(x: ShapeOnly): ShapeOnly {
    return this.elementwise(x.shape);
  }
  softmax(x: ShapeOnly): ShapeOnly {
    return this.elementwise(x.shape);
  }
  mul(a: ShapeOnly, b: ShapeOnly): ShapeOnly {
    return this.elementwise(broadcastShape(a.shape, b.shape));
  }
  add(a: ShapeOnly, b: ShapeOnly): ShapeOnly {
    return this.elementwise(broadcastShape(a.shape, b.shape));
  }
  mean(x: ShapeOnly, axes: number[], keepDims: boolean): ShapeOnly {
    this.flops += size(x.shape);
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return this.output(shape);
  }
  concat(xs: ShapeOnly[], axis: number): ShapeOnly {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((sum, x) => sum + x.shape[axis], 0);
    return this.output(shape);
  }
  squeeze(x: ShapeOnly, axes: number[]): ShapeOnly {
    for (const a of axes) if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of [${x.shape}] is not 1`);
    return this.output(x.shape.filter((_, i) => !axes.includes(i)));
  }
  dropout(x: ShapeOnly): ShapeOnly {
    return this.elementwise(x.shape);
  }

  private elementwise(shape: number[]): ShapeOnly {
    this.flops += size(shape);
    return this.output(shape);
  }

  private output(shape: number[]): ShapeOnly {
    this.elements += size(shape);
    return { shape };
  }
}
