/**
 * A model directory's checkpoints, as a TF Estimator keeps them: `model.ckpt-<step>` tensor
 * bundles holding every model variable under its TF name, `global_step` (int64) and the
 * optimizer's `<var>/Momentum` slots, listed in the `checkpoint` state file, the oldest deleted
 * beyond keepCheckpointMax (0, the default of the CLI: none, as the original). TF can restore ours and we restore TF's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Platform } from '../../platform.ts';
import { checkpointPaths, saveCheckpoint, type NamedTensor } from '../../formats/checkpoint_writer.ts';
import { formatCheckpointState, parseCheckpointState } from '../../formats/checkpoint_state.ts';
import { CONFIG_HINT, floatValues, readCheckpointWeights } from '../../model/checkpoint_weights.ts';
import type { TfjsModel } from '../model.ts';
import type { Optimizer } from './optimizer.ts';
import type { InputPosition } from '../../data/input_pipeline.ts';

const GLOBAL_STEP = 'global_step';

/**
 * What a resumed run needs, beyond the tensors, to continue exactly as if never stopped: the
 * training input's position after the checkpoint's step, and Adam's β powers at full precision
 * (the bundle holds them as float32, as TF). Kept beside `model.ckpt-<step>` as JSON, so our
 * bundles stay what TF writes and reads.
 */
export interface ResumeState {
  inputPosition?: InputPosition;
  betaPowers?: [number, number];
}

export const resumeStatePath = (prefix: string) => `${prefix}.resume.json`;

/** Read with data(), not dataSync(), so saving also works where synchronous reads fail (WebGPU in a worker). */
async function floatTensor(name: string, t: tf.Tensor): Promise<NamedTensor> {
  return { name, dtype: 'float32', shape: t.shape, values: await t.data<'float32'>() };
}

/** Writes `<modelDir>/model.ckpt-<step>` and updates the state file; returns the prefix. */
export async function saveModelCheckpoint(
  platform: Platform,
  modelDir: string,
  step: number,
  model: TfjsModel,
  optimizer: Optimizer | null,
  keepMax: number,
  inputPosition?: InputPosition,
): Promise<string> {
  const betaPowers = optimizer?.betaPowers ?? undefined;
  const resume: ResumeState = { ...(inputPosition ? { inputPosition } : {}), ...(betaPowers ? { betaPowers } : {}) };
  const weights = [...(await model.namedWeights())].map(
    ([name, w]): NamedTensor => ({ name, dtype: 'float32', shape: w.shape, values: w.values }),
  );
  const slots = await Promise.all([...(optimizer?.slotTensors() ?? [])].map(([name, slot]) => floatTensor(name, slot)));
  const tensors = [...weights, ...slots];
  tensors.push({ name: GLOBAL_STEP, dtype: 'int64', shape: [], values: BigInt64Array.of(BigInt(step)) });
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  await platform.makeDir(modelDir);
  const base = `model.ckpt-${step}`;
  const prefix = platform.join(modelDir, base);
  // The sidecar first: a checkpoint listed in the state file always has the state it was saved with.
  await platform.writeFileAtomic(resumeStatePath(prefix), new TextEncoder().encode(JSON.stringify(resume)));
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
    await platform.remove(resumeStatePath(platform.join(modelDir, old)));
  }
  return prefix;
}

/** The resume state saved with checkpoint `prefix`; empty when it has none (TF's, older runs). */
async function readResumeState(platform: Platform, prefix: string): Promise<ResumeState> {
  const path = resumeStatePath(prefix);
  if (!(await platform.exists(path))) return {};
  try {
    return JSON.parse(new TextDecoder().decode(await platform.readFile(path))) as ResumeState;
  } catch (e) {
    throw new Error(`${path}: not a readable resume state (${(e as Error).message}); delete it to resume without it`);
  }
}

/**
 * Restores a model exactly (resume): every model variable must be present with its shape; the
 * optimizer's slots are restored where present. Returns the checkpoint's global_step and, when
 * the checkpoint has it, the position its training input had reached.
 */
export async function restoreModelCheckpoint(
  platform: Platform,
  prefix: string,
  model: TfjsModel,
  optimizer: Optimizer | null,
): Promise<{ globalStep: number; inputPosition: InputPosition | null }> {
  const names = model.variables.names;
  const ckpt = await readCheckpointWeights(platform, prefix, names);
  model.loadWeights(ckpt.weights, { source: `checkpoint ${ckpt.prefix}`, hint: CONFIG_HINT, holder: 'the checkpoint' });
  // Optimizer state (momentum accumulators, Adam moments) resumes too where the checkpoint has it.
  await optimizer?.restore(names, async (slot) => {
    if (!ckpt.reader.has(slot)) return null;
    const s = await ckpt.reader.read(slot);
    const values = floatValues(s.values);
    if (!values) throw new Error(`checkpoint ${ckpt.prefix}: ${slot} is ${s.dtype}, not a float tensor`);
    return tf.tensor(values, s.shape, 'float32');
  });
  if (!optimizer) return { globalStep: ckpt.globalStep, inputPosition: null };
  const resume = await readResumeState(platform, prefix);
  if (resume.betaPowers) optimizer.setBetaPowers(resume.betaPowers);
  return { globalStep: ckpt.globalStep, inputPosition: resume.inputPosition ?? null };
}

/** What a warm start did. */
export interface WarmStartReport {
  source: string;
  loaded: string[];
}

/**
 * Copies the selected model variables from a checkpoint (never global_step or optimizer slots).
 * Any selected variable that is missing or has another shape fails the warm start with a message
 * that names each one; nothing is changed then.
 */
export async function warmStartFrom(
  platform: Platform,
  source: string,
  model: TfjsModel,
  select: (name: string) => boolean,
): Promise<WarmStartReport> {
  const ckpt = await readCheckpointWeights(platform, source, model.variables.names.filter(select));
  const loaded = model.loadWeights(ckpt.weights, { source: `warm start from ${ckpt.prefix}`, select, holder: 'the checkpoint' });
  return { source: ckpt.prefix, loaded };
}
