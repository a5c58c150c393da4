import type { Ops } from '../ops/ops.ts';

/**
 * What a layer needs to compute: the ops, the variables by TF name, and the mode.
 * The tfjs trainer, the FLOP counter and the graph tracers (GraphDef, ONNX) each provide one.
 */
export interface ApplyContext<T> {
  ops: Ops<T>;
  /** Training: batch-norm uses batch statistics and updates its moving averages; dropout is on. */
  training: boolean;
  /** Seed of this pass's random choices (dropout), so a seeded run is reproducible; unseeded when absent. */
  seed?: number;
  /** Whether variable `name` is being trained in this pass. */
  trains(name: string): boolean;
  /**
   * In training, a batch norm whose offset is frozen runs on its moving statistics and leaves
   * them alone (as Keras treats frozen layers). Off by default: as TF-slim with
   * `is_training=True`, every batch norm then uses batch statistics and updates its moving
   * averages, trained or not.
   */
  freezeBatchNorm?: boolean;
  /** The variable (or, when tracing, its stand-in) named `name`. */
  variable(name: string): T;
  /**
   * moving ← moving·decay + value·(1 − decay), for a batch-norm moving statistic in training
   * (TF-slim's `updates_collections=None`: applied with the step).
   */
  updateMovingAverage(name: string, value: T, decay: number): void;
}
