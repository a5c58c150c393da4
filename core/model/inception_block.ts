import type { S3DGConfig } from './config.ts';
import type { ApplyContext } from './context.ts';
import { Gated, MaxPool, SepConv3D, Unit3D, type Block } from './layers.ts';
import type { VariableSpec } from './variables.ts';

/** Channel counts of the four branches (TF-slim's num_outputs_*), before depth_multiplier. */
export interface InceptionWidths {
  b0: number;
  b1a: number;
  b1b: number;
  b2a: number;
  b2b: number;
  b3: number;
}

/**
 * i3d_utils.inception_block_v1_3d: four branches concatenated along channels —
 * 1×1×1; 1×1×1 → separable t×3×3; 1×1×1 → separable t×3×3; 3×3×3 max pool → 1×1×1 —
 * each optionally self-gated. `widths` are already scaled by depth().
 */
export class InceptionBlock implements Block {
  readonly outChannels: number;
  private readonly branches: Block[][];

  constructor(scope: string, inChannels: number, widths: InceptionWidths, temporalKernel: number, gate: boolean, config: S3DGConfig) {
    const s = (branch: number, name: string) => `${scope}/Branch_${branch}/${name}`;
    const unit = (branch: number, name: string, cin: number, cout: number) =>
      new Unit3D(s(branch, name), cin, cout, [1, 1, 1], [1, 1, 1], config);
    const sep = (branch: number, cin: number, cout: number) =>
      new Gated(new SepConv3D(s(branch, 'Conv2d_0b_3x3'), cin, cout, [temporalKernel, 3, 3], config), s(branch, 'Conv2d_0b_3x3'), gate);
    this.branches = [
      [new Gated(unit(0, 'Conv2d_0a_1x1', inChannels, widths.b0), s(0, 'Conv2d_0a_1x1'), gate)],
      [unit(1, 'Conv2d_0a_1x1', inChannels, widths.b1a), sep(1, widths.b1a, widths.b1b)],
      [unit(2, 'Conv2d_0a_1x1', inChannels, widths.b2a), sep(2, widths.b2a, widths.b2b)],
      [
        new MaxPool(inChannels, [3, 3, 3], [1, 1, 1]),
        new Gated(unit(3, 'Conv2d_0b_1x1', inChannels, widths.b3), s(3, 'Conv2d_0b_1x1'), gate),
      ],
    ];
    this.outChannels = widths.b0 + widths.b1b + widths.b2b + widths.b3;
  }

  variables(): VariableSpec[] {
    return this.branches.flat().flatMap((b) => b.variables());
  }

  apply<T>(ctx: ApplyContext<T>, x: T): T {
    const outputs = this.branches.map((branch) => branch.reduce((y, block) => block.apply(ctx, y), x));
    return ctx.ops.concat(outputs, 4);
  }
}
