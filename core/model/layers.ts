/**
 * S3D-G's building blocks (TF-slim nets/s3dg.py + nets/i3d_utils.py). Each block is a plain
 * class: the constructor names its variables under its TF scope; `apply` computes on
 * [batch, time, height, width, channels] tensors through the context's ops.
 */
import type { Padding, Triple } from '../ops/ops.ts';
import type { S3DGConfig } from './config.ts';
import type { ApplyContext } from './context.ts';
import { biasSpec, movingStatSpec, weightSpec, type VariableSpec } from './variables.ts';

/** Anything with variables that maps a tensor to a tensor. */
export interface Block {
  readonly outChannels: number;
  variables(): VariableSpec[];
  apply<T>(ctx: ApplyContext<T>, x: T): T;
}

/** conv3d without bias → batch norm (no scale) → ReLU: TF-slim's conv3d under s3dg_arg_scope. */
export class Unit3D implements Block {
  constructor(
    readonly scope: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: Triple,
    readonly strides: Triple,
    private readonly config: S3DGConfig,
  ) {}

  variables(): VariableSpec[] {
    const c = this.outChannels;
    return [
      weightSpec(`${this.scope}/weights`, [...this.kernel, this.inChannels, c]),
      biasSpec(`${this.scope}/BatchNorm/beta`, [c]),
      movingStatSpec(`${this.scope}/BatchNorm/moving_mean`, [c], 'zeros'),
      movingStatSpec(`${this.scope}/BatchNorm/moving_variance`, [c], 'ones'),
    ];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const { ops } = ctx;
    const y = ops.conv3d(x, ctx.variable(`${this.scope}/weights`), this.strides, 'SAME');
    const bn = `${this.scope}/BatchNorm`;
    const beta = ctx.variable(`${bn}/beta`);
    const { batchNormEpsilon: eps, batchNormDecay: decay } = this.config;
    if (ctx.training && (!ctx.freezeBatchNorm || ctx.trains(`${bn}/beta`))) {
      return ops.batchNormReluTraining(y, beta, eps, ({ mean, variance }) => {
        ctx.updateMovingAverage(`${bn}/moving_mean`, mean, decay);
        ctx.updateMovingAverage(`${bn}/moving_variance`, variance, decay);
      });
    }
    return ops.relu(ops.batchNorm(y, ctx.variable(`${bn}/moving_mean`), ctx.variable(`${bn}/moving_variance`), beta, eps));
  }
}

/**
 * The temporal half of a separable conv: k×1×1 conv with bias → ReLU, no batch norm,
 * initialised to pass the middle frame through unchanged. Variables under `<scope>/temporal`.
 */
export class TemporalConv implements Block {
  readonly outChannels: number;
  constructor(
    readonly scope: string,
    readonly channels: number,
    readonly kernel: number,
    readonly stride: number,
  ) {
    this.outChannels = channels;
  }

  variables(): VariableSpec[] {
    const c = this.channels;
    return [
      weightSpec(`${this.scope}/temporal/weights`, [this.kernel, 1, 1, c, c], 'center'),
      biasSpec(`${this.scope}/temporal/biases`, [c]),
    ];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const { ops } = ctx;
    const y = ops.conv3d(x, ctx.variable(`${this.scope}/temporal/weights`), [this.stride, 1, 1], 'SAME');
    return ops.relu(ops.biasAdd(y, ctx.variable(`${this.scope}/temporal/biases`)));
  }
}

/**
 * i3d_utils.conv3d_spatiotemporal with separable=True: a [kt,k,k] conv becomes a [1,k,k]
 * Unit3D then a [kt,1,1] TemporalConv, both under `scope`; with kt = 1 it is the Unit3D alone.
 */
export class SepConv3D implements Block {
  readonly outChannels: number;
  private readonly spatial: Unit3D;
  private readonly temporal: TemporalConv | null;

  constructor(scope: string, inChannels: number, outChannels: number, kernel: Triple, config: S3DGConfig) {
    const [kt, kh, kw] = kernel;
    this.outChannels = outChannels;
    this.spatial = new Unit3D(scope, inChannels, outChannels, [1, kh, kw], [1, 1, 1], config);
    this.temporal = kt > 1 ? new TemporalConv(scope, outChannels, kt, 1) : null;
  }

  variables(): VariableSpec[] {
    return [...this.spatial.variables(), ...(this.temporal?.variables() ?? [])];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const y = this.spatial.apply(ctx, x);
    return this.temporal ? this.temporal.apply(ctx, y) : y;
  }
}

/**
 * Self-gating (S3D-G's "G"): x · σ(W · mean_{t,h,w}(x)), a per-clip, per-channel gate from the
 * clip's average features. W: `<scope>/self_gating/transformer_W/weights` [1,1,1,C,C], no bias.
 */
export class SelfGating implements Block {
  constructor(
    readonly scope: string,
    readonly outChannels: number,
  ) {}

  variables(): VariableSpec[] {
    const c = this.outChannels;
    return [weightSpec(`${this.scope}/self_gating/transformer_W/weights`, [1, 1, 1, c, c])];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const { ops } = ctx;
    const pooled = ops.mean(x, [1, 2, 3], true);
    const w = ctx.variable(`${this.scope}/self_gating/transformer_W/weights`);
    const gate = ops.sigmoid(ops.conv3d(pooled, w, [1, 1, 1], 'SAME'));
    return ops.mul(x, gate);
  }
}

/** A parameter-free 3-D max pool (TF-slim max_pool3d, SAME padding in s3dg_base). */
export class MaxPool implements Block {
  constructor(
    readonly outChannels: number,
    readonly ksize: Triple,
    readonly strides: Triple,
    readonly padding: Padding = 'SAME',
  ) {}

  variables(): VariableSpec[] {
    return [];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    return ctx.ops.maxPool3d(x, this.ksize, this.strides, this.padding);
  }
}

/** A block followed by self-gating under the same scope, or the block alone. */
export class Gated implements Block {
  readonly outChannels: number;
  private readonly gating: SelfGating | null;

  constructor(
    private readonly block: Block,
    scope: string,
    gate: boolean,
  ) {
    this.outChannels = block.outChannels;
    this.gating = gate ? new SelfGating(scope, block.outChannels) : null;
  }

  variables(): VariableSpec[] {
    return [...this.block.variables(), ...(this.gating?.variables() ?? [])];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const y = this.block.apply(ctx, x);
    return this.gating ? this.gating.apply(ctx, y) : y;
  }
}
