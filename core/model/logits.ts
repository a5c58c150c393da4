import type { S3DGConfig } from './config.ts';
import type { ApplyContext } from './context.ts';
import { reducedKernel } from '../ops/shape.ts';
import { biasSpec, weightSpec, type VariableSpec } from './variables.ts';

/**
 * S3D-G's head (scope `InceptionV1/Logits`): average pool [2,7,7] (shrunk to the feature map
 * when smaller, stride 1, VALID) → dropout (training) → 1×1×1 conv with bias → mean over time
 * → squeeze to [B, numClasses].
 */
export class Logits {
  readonly scope = 'InceptionV1/Logits';

  constructor(
    readonly inChannels: number,
    private readonly config: S3DGConfig,
  ) {}

  variables(): VariableSpec[] {
    const k = this.config.numClasses;
    const conv = `${this.scope}/Conv2d_0c_1x1`;
    // Outside s3dg_base's arg_scope, so TF-slim's default Xavier initialiser applies here.
    return [weightSpec(`${conv}/weights`, [1, 1, 1, this.inChannels, k], 'glorot_uniform'), biasSpec(`${conv}/biases`, [k])];
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const { ops } = ctx;
    const kernel = reducedKernel(ops.shape(x), [2, 7, 7]);
    let y = ops.avgPool3d(x, kernel, [1, 1, 1], 'VALID');
    if (ctx.training && this.config.dropoutKeepProb < 1) y = ops.dropout(y, 1 - this.config.dropoutKeepProb, ctx.seed);
    const conv = `${this.scope}/Conv2d_0c_1x1`;
    y = ops.biasAdd(ops.conv3d(y, ctx.variable(`${conv}/weights`), [1, 1, 1], 'SAME'), ctx.variable(`${conv}/biases`));
    y = ops.mean(y, [1], false);
    return this.config.spatialSqueeze ? ops.squeeze(y, [1, 2]) : y;
  }
}
