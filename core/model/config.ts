/**
 * S3D-G's options, as TF-slim's `s3dg()` takes them (nets/s3dg.py), in camelCase.
 * A plain typed object: presets below, validation in `resolveConfig`.
 */

/** The base network's endpoints, in order (TF-slim names). */
export const BASE_ENDPOINTS = [
  'Conv2d_1a_7x7',
  'MaxPool_2a_3x3',
  'Conv2d_2b_1x1',
  'Conv2d_2c_3x3',
  'MaxPool_3a_3x3',
  'Mixed_3b',
  'Mixed_3c',
  'MaxPool_4a_3x3',
  'Mixed_4b',
  'Mixed_4c',
  'Mixed_4d',
  'Mixed_4e',
  'Mixed_4f',
  'MaxPool_5a_2x2',
  'Mixed_5b',
  'Mixed_5c',
] as const;
export type BaseEndpoint = (typeof BASE_ENDPOINTS)[number];
export type Endpoint = BaseEndpoint | 'Logits' | 'Predictions';

/** Endpoints where temporal convolutions or self-gating may start (TF-slim checks these). */
export const STARTAT_ENDPOINTS: readonly BaseEndpoint[] = BASE_ENDPOINTS.filter((e) => e === 'Conv2d_2c_3x3' || e.startsWith('Mixed_'));

export interface S3DGConfig {
  /** Output classes; 0 builds the feature extractor only (no Logits scope). */
  numClasses: number;
  /** Multiplies every layer's channel count (floored), never below `minDepth`. */
  depthMultiplier: number;
  minDepth: number;
  /** Temporal size of the 7×7 stem kernel. */
  firstTemporalKernelSize: 1 | 3 | 5 | 7;
  /** First endpoint with separable temporal (3×1×1) convolutions; null: none. */
  temporalConvStartAt: BaseEndpoint | null;
  /** First endpoint with self-gating; null: none. */
  gatingStartAt: BaseEndpoint | null;
  /** Last base endpoint built; the logits sit on top of it. */
  finalEndpoint: BaseEndpoint;
  /** Dropout keep probability before the logits (TF-slim's dropout_keep_prob), training only. */
  dropoutKeepProb: number;
  /** Squeeze the logits from [B,1,1,K] to [B,K]. */
  spatialSqueeze: boolean;
  /** Input channels (3 for RGB). */
  inputChannels: number;
  batchNormDecay: number;
  batchNormEpsilon: number;
  /** Multi-label sigmoid (the railroad classifier) or softmax (Kinetics). */
  prediction: 'sigmoid' | 'softmax';
}

/** TF-slim's defaults with the original project's sigmoid head. */
export const DEFAULT_CONFIG: S3DGConfig = {
  numClasses: 400,
  depthMultiplier: 1,
  minDepth: 16,
  firstTemporalKernelSize: 3,
  temporalConvStartAt: 'Conv2d_2c_3x3',
  gatingStartAt: 'Conv2d_2c_3x3',
  finalEndpoint: 'Mixed_5c',
  dropoutKeepProb: 0.8,
  spatialSqueeze: true,
  inputChannels: 3,
  batchNormDecay: 0.999,
  batchNormEpsilon: 0.001,
  prediction: 'sigmoid',
};

/** Named starting points. */
export const PRESETS = {
  /** Kinetics-400 S3D-G, as the published checkpoints. */
  kinetics400: { ...DEFAULT_CONFIG, numClasses: 400, prediction: 'softmax' },
  /** Kinetics-600, the original project's warm-start source. */
  kinetics600: { ...DEFAULT_CONFIG, numClasses: 600, prediction: 'softmax' },
  /** The original project's 204-class multi-label railroad classifier (s3dg_estimator.py defaults). */
  railroad204: { ...DEFAULT_CONFIG, numClasses: 204, dropoutKeepProb: 0.8 },
  /** A small, fast network for demos and tests. */
  tiny: { ...DEFAULT_CONFIG, numClasses: 8, depthMultiplier: 0.125, minDepth: 4 },
} satisfies Record<string, S3DGConfig>;

/**
 * Fills defaults and rejects impossible settings with a message naming the option, in
 * backticks (`numClasses`), so a front end can name it its own way (the CLI: --num_classes).
 */
export function resolveConfig(partial: Partial<S3DGConfig> = {}): S3DGConfig {
  const c = { ...DEFAULT_CONFIG, ...partial };
  const bad = (option: keyof S3DGConfig, what: string) => {
    throw new Error(`S3D-G config: \`${option}\` ${what}`);
  };
  if (!Number.isInteger(c.numClasses) || c.numClasses < 0) bad('numClasses', `must be a non-negative integer, got ${c.numClasses}`);
  if (!(c.depthMultiplier > 0)) bad('depthMultiplier', `must be greater than zero, got ${c.depthMultiplier}`);
  if (!Number.isInteger(c.minDepth) || c.minDepth < 1) bad('minDepth', `must be a positive integer, got ${c.minDepth}`);
  if (![1, 3, 5, 7].includes(c.firstTemporalKernelSize)) {
    bad('firstTemporalKernelSize', `must be 1, 3, 5 or 7, got ${c.firstTemporalKernelSize}`);
  }
  for (const option of ['temporalConvStartAt', 'gatingStartAt'] as const) {
    const v = c[option];
    if (v !== null && !STARTAT_ENDPOINTS.includes(v)) bad(option, `must be one of ${STARTAT_ENDPOINTS.join(', ')} or none, got ${v}`);
  }
  if (!BASE_ENDPOINTS.includes(c.finalEndpoint))
    bad('finalEndpoint', `must be one of ${BASE_ENDPOINTS.join(', ')}, got ${c.finalEndpoint}`);
  if (!(c.dropoutKeepProb > 0 && c.dropoutKeepProb <= 1)) bad('dropoutKeepProb', `must be in (0, 1], got ${c.dropoutKeepProb}`);
  if (!Number.isInteger(c.inputChannels) || c.inputChannels < 1) bad('inputChannels', `must be a positive integer, got ${c.inputChannels}`);
  return c;
}

/** Channel count of a layer: max(floor(d · depthMultiplier), minDepth), as TF-slim's `depth()`. */
export function depthOf(config: S3DGConfig, d: number): number {
  return Math.max(Math.floor(d * config.depthMultiplier), config.minDepth);
}
