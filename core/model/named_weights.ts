/**
 * Model weights by TF variable name: what checkpoints, web models, worker threads, exports and
 * the browser's model store exchange, and the one check that they fit a model.
 */
import type { VariableSpec } from './variables.ts';

/** One variable's value. */
export interface NamedWeight {
  shape: number[];
  values: Float32Array;
}

/** Weights keyed by TF variable name (moving statistics included). */
export type NamedWeights = Map<string, NamedWeight>;

/** Weights that do not fit a model; the message lists every variable that is wrong. */
export class WeightsMismatchError extends Error {
  override name = 'WeightsMismatchError';
}

export interface WeightsCheck {
  /** Where the weights come from, leading the message ("checkpoint runs/x/model.ckpt-10"). */
  source: string;
  /** The variables to load (default: every one); weights of the others are ignored. */
  select?: (name: string) => boolean;
  /** What the user may check when the weights do not fit, in option names. */
  hint?: string;
  /** What holds the weights, in messages (default "the weights"). */
  holder?: string;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** At most this many problems are listed; the count says how many there are. */
const SHOWN = 20;

/**
 * Checks that `weights` hold every selected variable of `specs` with its shape and a value per
 * element, and no name the model lacks. Throws a {@link WeightsMismatchError} naming each
 * missing, unexpected or mis-shaped variable; returns the selected specs.
 */
export function checkNamedWeights(specs: VariableSpec[], weights: NamedWeights, check: WeightsCheck): VariableSpec[] {
  const selected = specs.filter((s) => check.select?.(s.name) ?? true);
  const known = new Set(specs.map((s) => s.name));
  const holder = check.holder ?? 'the weights';
  const problems: string[] = [];
  for (const spec of selected) {
    const w = weights.get(spec.name);
    if (!w) problems.push(`missing: ${spec.name}`);
    else if (!sameShape(w.shape, spec.shape)) problems.push(`${spec.name}: [${w.shape}] in ${holder}, [${spec.shape}] in the model`);
    else if (w.values.length !== sizeOf(spec.shape)) problems.push(`${spec.name}: ${w.values.length} values for [${spec.shape}]`);
  }
  for (const name of weights.keys()) if (!known.has(name)) problems.push(`unexpected: ${name}`);
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    const hint = check.hint ? ` (${check.hint})` : '';
    throw new WeightsMismatchError(
      `${check.source}: the weights do not match the model${hint}: ` +
        `${problems.length} problems over ${selected.length} variables:\n  ${shown.join('\n  ')}`,
    );
  }
  return selected;
}
