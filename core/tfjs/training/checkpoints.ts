/**
 * A model directory's checkpoints, as a TF Estimator keeps them: `model.ckpt-<step>` tensor
 * bundles holding every model variable under its TF name, `global_step` (int64) and the
 * optimizer's `<var>/Momentum` slots, listed in the `checkpoint` state file, the oldest deleted
 * beyond keep_checkpoint_max. TF can restore ours and we restore TF's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Platform } from '../../platform.ts';
import { CheckpointReader } from '../../formats/checkpoint_reader.ts';
import { checkpointPaths, saveCheckpoint, type NamedTensor } from '../../formats/checkpoint_writer.ts';
import { formatCheckpointState, latestCheckpoint, parseCheckpointState } from '../../formats/checkpoint_state.ts';
import type { VariableStore } from '../variable_store.ts';
import type { Optimizer } from './optimizer.ts';

const GLOBAL_STEP = 'global_step';

/** Read with data(), not dataSync(), so saving also works where synchronous reads fail (WebGPU in a worker). */
async function floatTensor(name: string, t: tf.Tensor): Promise<NamedTensor> {
  return { name, dtype: 'float32', shape: t.shape, values: await t.data<'float32'>() };
}

/** Writes `<modelDir>/model.ckpt-<step>` and updates the state file; returns the prefix. */
export async function saveModelCheckpoint(
  platform: Platform,
  modelDir: string,
  step: number,
  store: VariableStore,
  optimizer: Optimizer | null,
  keepMax: number,
): Promise<string> {
  const tensors: NamedTensor[] = await Promise.all([
    ...store.names.map((n) => floatTensor(n, store.get(n))),
    ...[...(optimizer?.slotTensors() ?? [])].map(([name, slot]) => floatTensor(name, slot)),
  ]);
  tensors.push({ name: GLOBAL_STEP, dtype: 'int64', shape: [], values: BigInt64Array.of(BigInt(step)) });
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  await platform.makeDir(modelDir);
  const base = `model.ckpt-${step}`;
  const prefix = platform.join(modelDir, base);
  await saveCheckpoint((p, d) => platform.writeFileAtomic(p, d), prefix, tensors);

  // Update the state file, then delete what fell out of it.
  const stateFile = platform.join(modelDir, 'checkpoint');
  let previous: string[] = [];
  if (await platform.exists(stateFile)) {
    previous = parseCheckpointState(new TextDecoder().decode(await platform.readFile(stateFile)), stateFile).allModelCheckpointPaths;
  }
  const all = [...previous.filter((p) => p !== base), base];
  const keep = keepMax > 0 ? all.slice(-keepMax) : all;
  const state = { modelCheckpointPath: base, allModelCheckpointPaths: keep, allModelCheckpointTimestamps: [] as number[] };
  await platform.writeFileAtomic(stateFile, new TextEncoder().encode(formatCheckpointState(state)));
  for (const old of all.filter((p) => !keep.includes(p))) {
    const files = checkpointPaths(platform.join(modelDir, old));
    await platform.remove(files.index);
    await platform.remove(files.data);
    await platform.remove(platform.join(modelDir, `${old}.meta`));
  }
  return prefix;
}

/** A checkpoint prefix from a prefix or a model directory (its latest checkpoint); null if none. */
export async function resolveCheckpoint(platform: Platform, path: string): Promise<string | null> {
  if (await platform.exists(`${path}.index`)) return path;
  const latest = await latestCheckpoint(path, platform);
  if (latest !== undefined) return latest;
  return null;
}

function toTensor(name: string, values: ArrayLike<number> | ArrayLike<bigint>, shape: number[]): tf.Tensor {
  if (values instanceof Float32Array) return tf.tensor(values, shape, 'float32');
  if (values instanceof Float64Array) return tf.tensor(Float32Array.from(values), shape, 'float32');
  throw new Error(`${name}: expected a float tensor in the checkpoint`);
}

/**
 * Restores a model exactly (resume): every model variable must be present with its shape; the
 * optimizer's slots are restored where present. Returns the checkpoint's global_step.
 */
export async function restoreModelCheckpoint(
  platform: Platform,
  prefix: string,
  store: VariableStore,
  optimizer: Optimizer | null,
): Promise<number> {
  const reader = await CheckpointReader.open(prefix, (p) => platform.readFile(p));
  const problems: string[] = [];
  for (const name of store.names) {
    if (!reader.has(name)) problems.push(`${name}: missing`);
    else if (!tf.util.arraysEqual(reader.entry(name).shape, store.get(name).shape)) {
      problems.push(`${name}: shape [${reader.entry(name).shape}] in the checkpoint, [${store.get(name).shape}] in the model`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`checkpoint ${prefix} does not match the model (check --num_classes, --depth_multiplier, …):\n  ${problems.join('\n  ')}`);
  }
  for (const name of store.names) {
    const t = await reader.read(name);
    const value = toTensor(name, t.values as Float32Array, t.shape);
    store.assign(name, value);
    value.dispose();
  }
  // Optimizer state (momentum accumulators, Adam moments) resumes too where the checkpoint has it.
  await optimizer?.restore(store.names, async (slot) => {
    if (!reader.has(slot)) return null;
    const s = await reader.read(slot);
    return toTensor(slot, s.values as Float32Array, s.shape);
  });
  if (!reader.has(GLOBAL_STEP)) return 0;
  const step = (await reader.read(GLOBAL_STEP)).values;
  return Number((step as BigInt64Array | Int32Array)[0]);
}

/** What a warm start did, by variable name. */
export interface WarmStartReport {
  source: string;
  loaded: string[];
  /** Selected model variables the checkpoint lacks. */
  missing: string[];
  /** Selected model variables whose checkpoint shape differs. */
  mismatched: Array<{ name: string; model: number[]; checkpoint: number[] }>;
}

/**
 * Copies the selected model variables from a checkpoint (never global_step or optimizer slots).
 * Any selected variable that is missing or has another shape fails the warm start with a report
 * that names each one; nothing is changed then.
 */
export async function warmStartFrom(
  platform: Platform,
  source: string,
  store: VariableStore,
  select: (name: string) => boolean,
): Promise<WarmStartReport> {
  const prefix = await resolveCheckpoint(platform, source);
  if (prefix === null) throw new Error(`warm start: no checkpoint at ${source} (neither ${source}.index nor ${source}/checkpoint exists)`);
  const reader = await CheckpointReader.open(prefix, (p) => platform.readFile(p));
  const report: WarmStartReport = { source: prefix, loaded: [], missing: [], mismatched: [] };
  const selected = store.names.filter(select);
  for (const name of selected) {
    if (!reader.has(name)) report.missing.push(name);
    else if (!tf.util.arraysEqual(reader.entry(name).shape, store.get(name).shape)) {
      report.mismatched.push({ name, model: store.get(name).shape, checkpoint: reader.entry(name).shape });
    }
  }
  if (report.missing.length + report.mismatched.length > 0) {
    const lines = [
      ...report.missing.map((n) => `missing in checkpoint: ${n}`),
      ...report.mismatched.map((m) => `shape mismatch: ${m.name} is [${m.model}] in the model, [${m.checkpoint}] in the checkpoint`),
    ];
    const shown = lines.slice(0, 40);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
    throw new Error(
      `warm start from ${prefix}: ${report.missing.length} of ${selected.length} selected variables missing, ` +
        `${report.mismatched.length} with other shapes:\n  ${shown.join('\n  ')}`,
    );
  }
  for (const name of selected) {
    const t = await reader.read(name);
    const value = toTensor(name, t.values as Float32Array, t.shape);
    store.assign(name, value);
    value.dispose();
    report.loaded.push(name);
  }
  return report;
}
