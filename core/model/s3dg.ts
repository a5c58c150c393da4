/**
 * S3D-G (Xie et al., 2018) exactly as TF-slim's nets/s3dg.py builds it, written once against the
 * ops layer: Inception-v1 inflated to 3-D with separable spatial/temporal convolutions and
 * self-gating. Input [batch, time, height, width, channels] with values in [-1, 1].
 */
import { BASE_ENDPOINTS, depthOf, resolveConfig, type BaseEndpoint, type Endpoint, type S3DGConfig } from './config.ts';
import type { ApplyContext } from './context.ts';
import { InceptionBlock, type InceptionWidths } from './inception_block.ts';
import { Gated, MaxPool, SepConv3D, Unit3D, type Block } from './layers.ts';
import { Logits } from './logits.ts';
import type { VariableSpec } from './variables.ts';

/** Inception widths per Mixed block (TF-slim s3dg_base), before depth_multiplier. */
const MIXED: Record<string, [number, number, number, number, number, number]> = {
  Mixed_3b: [64, 96, 128, 16, 32, 32],
  Mixed_3c: [128, 128, 192, 32, 96, 64],
  Mixed_4b: [192, 96, 208, 16, 48, 64],
  Mixed_4c: [160, 112, 224, 24, 64, 64],
  Mixed_4d: [128, 128, 256, 24, 64, 64],
  Mixed_4e: [112, 144, 288, 32, 64, 64],
  Mixed_4f: [256, 160, 320, 32, 128, 128],
  Mixed_5b: [256, 160, 320, 32, 128, 128],
  Mixed_5c: [384, 192, 384, 48, 128, 128],
};

export interface S3DGOutput<T> {
  /** [B, numClasses] (or [B,1,1,numClasses] without spatial squeeze); absent when numClasses is 0. */
  logits?: T;
  /** sigmoid or softmax of the logits. */
  predictions?: T;
  /** Every endpoint's output, in order, including Logits and Predictions. */
  endpoints: Map<Endpoint, T>;
}

interface Stage {
  endpoint: BaseEndpoint;
  block: Block;
}

/** One stage of the network as a sequence (see {@link S3DG.sequence}): its endpoint and its layers. */
export interface SequenceStage {
  endpoint: BaseEndpoint | 'Logits';
  variables(): VariableSpec[];
  apply<T>(ctx: ApplyContext<T>, x: T): T;
}

export class S3DG {
  readonly config: S3DGConfig;
  readonly scope = 'InceptionV1';
  private readonly stages: Stage[] = [];
  private readonly logits: Logits | null;

  constructor(config: Partial<S3DGConfig> = {}) {
    const c = resolveConfig(config);
    this.config = c;
    const depth = (d: number) => depthOf(c, d);
    const name = (e: string) => `${this.scope}/${e}`;
    let channels = c.inputChannels;
    let temporal = 1;
    let gate = false;
    for (const endpoint of BASE_ENDPOINTS) {
      if (endpoint === c.temporalConvStartAt) temporal = 3;
      if (endpoint === c.gatingStartAt) gate = true;
      const block = this.makeBlock(endpoint, channels, depth, temporal, gate, name(endpoint));
      this.stages.push({ endpoint, block });
      channels = block.outChannels;
      if (endpoint === c.finalEndpoint) break;
    }
    this.logits = c.numClasses > 0 ? new Logits(channels, c) : null;
  }

  private makeBlock(
    endpoint: BaseEndpoint,
    cin: number,
    depth: (d: number) => number,
    temporal: number,
    gate: boolean,
    scope: string,
  ): Block {
    const c = this.config;
    switch (endpoint) {
      case 'Conv2d_1a_7x7':
        // The stem is never separable: a full [kt,7,7] conv with stride 2 in time and space.
        return new Unit3D(scope, cin, depth(64), [c.firstTemporalKernelSize, 7, 7], [2, 2, 2], c);
      case 'MaxPool_2a_3x3':
      case 'MaxPool_3a_3x3':
        return new MaxPool(cin, [1, 3, 3], [1, 2, 2]);
      case 'Conv2d_2b_1x1':
        return new Unit3D(scope, cin, depth(64), [1, 1, 1], [1, 1, 1], c);
      case 'Conv2d_2c_3x3':
        return new Gated(new SepConv3D(scope, cin, depth(192), [temporal, 3, 3], c), scope, gate);
      case 'MaxPool_4a_3x3':
        return new MaxPool(cin, [3, 3, 3], [2, 2, 2]);
      case 'MaxPool_5a_2x2':
        return new MaxPool(cin, [2, 2, 2], [2, 2, 2]);
      default: {
        const [b0, b1a, b1b, b2a, b2b, b3] = MIXED[endpoint].map(depth);
        const widths: InceptionWidths = { b0, b1a, b1b, b2a, b2b, b3 };
        return new InceptionBlock(scope, cin, widths, temporal, gate, c);
      }
    }
  }

  /** Every variable, in creation order, under TF's names. */
  variables(): VariableSpec[] {
    return [...this.stages.flatMap((s) => s.block.variables()), ...(this.logits?.variables() ?? [])];
  }

  /** Channels of the last base endpoint (1024 at depth_multiplier 1). */
  get featureChannels(): number {
    return this.stages[this.stages.length - 1].block.outChannels;
  }

  /**
   * The network as the stages `apply` runs one after another — each base endpoint's block, then the
   * logits head (when there is one) — so that a trainer can keep only the stages' inputs and
   * recompute each stage in the backward pass. Predictions are {@link predictionsOf} the last output.
   */
  sequence(): SequenceStage[] {
    const stages: SequenceStage[] = this.stages.map(({ endpoint, block }) => ({
      endpoint,
      variables: () => block.variables(),
      apply: (ctx, x) => block.apply(ctx, x),
    }));
    const logits = this.logits;
    if (logits) stages.push({ endpoint: 'Logits', variables: () => logits.variables(), apply: (ctx, x) => logits.apply(ctx, x) });
    return stages;
  }

  /** The predictions (sigmoid or softmax, as configured) of `logits`. */
  predictionsOf<T>(ctx: ApplyContext<T>, logits: T): T {
    return this.config.prediction === 'sigmoid' ? ctx.ops.sigmoid(logits) : ctx.ops.softmax(logits);
  }

  /** Throws unless `input` is [B,T,H,W,C] with the model's channels. */
  checkInput<T>(ctx: ApplyContext<T>, input: T): void {
    const shape = ctx.ops.shape(input);
    if (shape.length !== 5 || shape[4] !== this.config.inputChannels) {
      throw new Error(`S3D-G input must be [batch, time, height, width, ${this.config.inputChannels}], got [${shape.join(',')}]`);
    }
  }

  /** Runs the network on `input` [B,T,H,W,C]. */
  apply<T>(ctx: ApplyContext<T>, input: T): S3DGOutput<T> {
    this.checkInput(ctx, input);
    const endpoints = new Map<Endpoint, T>();
    let x = input;
    for (const { endpoint, block } of this.stages) {
      x = block.apply(ctx, x);
      endpoints.set(endpoint, x);
    }
    if (!this.logits) return { endpoints };
    const logits = this.logits.apply(ctx, x);
    const predictions = this.predictionsOf(ctx, logits);
    endpoints.set('Logits', logits);
    endpoints.set('Predictions', predictions);
    return { logits, predictions, endpoints };
  }
}
