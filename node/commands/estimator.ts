/**
 * `s3dg --mode …`: the original s3dg_estimator.py, flag for flag. Maps flags to the core
 * Estimator's options, checks the data before any work, and writes predictions as CSV and JSON.
 */
import type { Command } from 'commander';
import { hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  checkFirstRecords,
  inputPipeline,
  InputPositionMismatch,
  prefetchDepth,
  parseVariableSelection,
  predictBatches,
  resolveCheckpoint,
  type ClipBatch,
  type InputPipelineOptions,
} from '../../core/index.ts';
import { Estimator, type EvalResult } from '../../core/tfjs/index.ts';
import { setupBackend } from '../backend.ts';
import { findManifest } from '../data/manifest_file.ts';
import { PreprocessPool } from '../data/preprocess_pool.ts';
import { subsetSources } from '../data/tfrecord_files.ts';
import { UsageError } from '../errors.ts';
import { toFlagVocabulary } from '../flag_names.ts';
import { checkFolder } from '../folders.ts';
import { checkMemory } from '../memory_check.ts';
import { lockFolder, removeStaleTemporaries } from '../folder_lock.ts';
import { nodePlatform } from '../platform.ts';
import { writePredictions } from '../predictions_output.ts';
import { TrainingProgress } from '../progress.ts';
import { fitReplicasToMemory, replicaPlan } from '../replicas/replica_plan.ts';
import { describeReplicas, startReplicas } from '../replicas/start_replicas.ts';
import { addEstimatorFlags, settingsFromFlags, type EstimatorFlags, type EstimatorSettings } from './estimator_flags.ts';
import { runOnnxExport, runSavedModelExport } from './export.ts';

type Sources = Awaited<ReturnType<typeof subsetSources>>;
type Log = (message: string) => void;

export function defineEstimator(program: Command): void {
  addEstimatorFlags(
    program
      .command('estimator', { isDefault: true })
      .description('train, evaluate, predict or export (the original s3dg_estimator.py; the default command)'),
  ).action(async (flags: EstimatorFlags, cmd: Command) => {
    const settings = settingsFromFlags(flags, (flag) => cmd.getOptionValueSource(flag) === 'cli');
    await runEstimator(settings, flags.backend);
  });
}

export async function runEstimator(s: EstimatorSettings, backend?: string): Promise<void> {
  const log: Log = (m) => process.stderr.write(`${m}\n`);
  for (const note of s.notes) log(note);
  if (s.mode === 'export_onnx') {
    await runOnnxExport(s);
    return;
  }
  if (s.mode === 'export' || s.mode === 'export_for_production') {
    await runSavedModelExport(s);
    return;
  }
  chooseCudaDevices(s, backend, log);
  checkFolder('--model_dir', s.modelDir);
  if (s.warmStartFrom && !s.checkpointPath && (await resolveCheckpoint(nodePlatform, s.modelDir)) === null) {
    throw new UsageError(
      `--warm_start without --checkpoint_path starts from --model_dir, and ${s.modelDir} has no checkpoint yet (give --checkpoint_path)`,
    );
  }
  const data = await checkData(s, log);
  const training = s.mode === 'train' || s.mode === 'train_and_eval';
  const unlock = training ? lockFolder(s.modelDir, 'one training run per model directory', log) : () => {};
  if (training) for (const dir of [s.modelDir, join(s.modelDir, 'eval')]) removeStaleTemporaries(dir, log);
  const choice = await setupBackend(backend, log, { cpuOnly: s.gpus.count === 0 });
  const clip = [s.spec.clipLength, s.spec.frameHeight, s.spec.frameWidth, s.spec.channels];
  const { recompute, stepBytes } = checkMemory(
    { model: s.model, clip, batchSize: s.batchSize, training, recompute: s.recompute },
    choice.name,
    log,
  );
  if (choice.name !== 'tensorflow' && (s.gpus.first !== 0 || s.gpus.count > 1)) {
    log(`--gpu_num/--num_gpus: unused on the ${choice.name} backend (they select CUDA devices for tensorflow)`);
  }
  if (s.warmStartFrom) log(`warm start from ${s.warmStartFrom} (${s.warmStartReason}) if ${s.modelDir} has no checkpoint yet`);
  if (s.metrics.scope) log(`--metric_weights ${s.metrics.scope.name}: metrics over classes ${classRanges(s.metrics.scope.classes)} only`);
  const plan = training ? fitReplicasToMemory(replicaPlan(s, choice.name), stepBytes, totalmem(), s.workers !== undefined, log) : null;
  const replicas = plan ? startReplicas(plan) : undefined;
  if (plan && replicas) {
    log(`training on ${describeReplicas(plan)}: global batch ${plan.count} × --batch_size ${s.batchSize} = ${plan.count * s.batchSize}`);
    log(`replicas: ${replicas.labels.join(', ')}`);
  }
  const progress = new TrainingProgress();
  let estimator: Estimator;
  try {
    estimator = new Estimator(
      { ...estimatorOptions(s, (p) => progress.update(p)), recompute, replicas },
      { height: s.spec.frameHeight, width: s.spec.frameWidth },
    );
  } catch (e) {
    await replicas?.close();
    throw e;
  }
  try {
    if (training) await train(s, estimator, progress, data, log);
    else if (s.mode === 'eval') await evaluate(s, estimator, data.eval, log);
    else await predict(s, estimator, data.predict, log);
  } finally {
    await replicas?.close();
    estimator.dispose();
    unlock();
  }
}

/** The CUDA devices must be chosen before TensorFlow loads (setupBackend loads it). */
function chooseCudaDevices(s: EstimatorSettings, backend: string | undefined, log: Log): void {
  const { first, count } = s.gpus;
  if (count === 0) {
    // As the original: CPU only, every CUDA device hidden, whatever the environment said.
    if ((backend ?? process.env.S3DG_BACKEND) === 'webgpu')
      throw new UsageError('--num_gpus 0 asks for the CPU only, and --backend webgpu runs on a GPU');
    process.env.CUDA_VISIBLE_DEVICES = '';
    log("--num_gpus 0: CPU only (CUDA_VISIBLE_DEVICES='')");
    return;
  }
  if (count > 1) {
    if (s.mode === 'train' || s.mode === 'train_and_eval') {
      // This process (optimizer, evaluation) shares device --gpu_num with replica 0: TensorFlow must not take all its memory.
      process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
    } else log(`--num_gpus ${count}: --mode ${s.mode} runs on one device, CUDA device ${first} (--gpu_num)`);
  }
  if (process.env.CUDA_VISIBLE_DEVICES === undefined) process.env.CUDA_VISIBLE_DEVICES = String(first);
}

/** 1-5, 8 for [1, 2, 3, 4, 5, 8]. */
function classRanges(classes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < classes.length; ) {
    let j = i;
    while (j + 1 < classes.length && classes[j + 1] === classes[j] + 1) j++;
    runs.push(j > i ? `${classes[i]}-${classes[j]}` : `${classes[i]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** Data first: a wrong directory or a record of the wrong size fails before a model is built. */
async function checkData(s: EstimatorSettings, log: Log): Promise<{ train: Sources; eval: Sources; predict: Sources }> {
  // The original's TFRecordDataset(buffer_size=tfrecord_size · 2^20): bytes per read from each file.
  const read = { bufferBytes: s.tfrecordSize * 2 ** 20 };
  const data = {
    train: s.trainDir ? await subsetSources(s.trainDir, read) : [],
    eval: s.evalDir ? await subsetSources(s.evalDir, read) : [],
    predict: s.predictDir ? await subsetSources(s.predictDir, read) : [],
  };
  await checkFirstRecords(data.train, s.spec);
  await checkFirstRecords(data.eval, s.spec);
  await checkFirstRecords(data.predict, storedSpec(s));
  log(`reading TFRecord files in ${s.tfrecordSize} MiB reads (--tfrecord_size)`);
  return data;
}

/** Batches the input pipeline reads ahead: --prefetch_size, at least 1, or automatic. */
function prefetchBatches(s: EstimatorSettings): number | 'auto' {
  return s.prefetch === 'auto' ? 'auto' : Math.max(1, s.prefetch);
}

/** The automatic prefetch's bounds, for the log. */
function describePrefetch(s: EstimatorSettings): string {
  const depth = prefetchDepth({ prefetchBatches: 'auto', spec: s.spec, batchSize: s.batchSize });
  const max = typeof depth === 'number' ? depth : depth.max;
  return `--prefetch_size -1: automatic, from 1 batch ahead up to ${max} while training waits for data`;
}

/** The clip size records are stored at: the source frame when predict crops, else the model's. */
function storedSpec(s: EstimatorSettings): EstimatorSettings['spec'] {
  return s.crop ? { ...s.spec, frameHeight: s.sourceFrame.height, frameWidth: s.sourceFrame.width } : s.spec;
}

function estimatorOptions(
  s: EstimatorSettings,
  onStep: ConstructorParameters<typeof Estimator>[0]['onStep'],
): ConstructorParameters<typeof Estimator>[0] {
  return {
    platform: nodePlatform,
    run: {
      modelDir: s.modelDir,
      saveSummarySteps: s.monitorSteps,
      saveCheckpointsSteps: s.monitorSteps,
      logStepCountSteps: s.monitorSteps,
      keepCheckpointMax: s.keepCheckpointMax,
    },
    model: s.model,
    optimizer: s.optimizer,
    learningRate: s.learningRate,
    momentum: s.momentum,
    weightDecay: s.weightDecay,
    variablesToTrain: parseVariableSelection(s.variablesToTrain, 'variablesToTrain'),
    freezeBatchNorm: s.freezeBatchNorm,
    warmStart: s.warmStartFrom
      ? { from: s.warmStartFrom, select: parseVariableSelection(s.variablesToWarmStart, 'variablesToWarmStart') }
      : undefined,
    metricScope: s.metrics.scope,
    metricGroups: s.metrics.groups,
    addImageSummaries: s.addImageSummaries,
    hostname: hostname(),
    seed: s.seed,
    onStep,
  };
}

async function train(
  s: EstimatorSettings,
  estimator: Estimator,
  progress: TrainingProgress,
  data: { train: Sources; eval: Sources },
  log: Log,
) {
  // Colour distortion runs in a worker thread, beside the model.
  const pool = new PreprocessPool(1, { height: s.spec.frameHeight, width: s.spec.frameWidth, channels: s.spec.channels });
  // Ctrl-C and SIGTERM (what Kubernetes, systemd, Docker and CI send) end training after the
  // current step, with a checkpoint; a second signal quits at once.
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    progress.stop();
    log(`interrupted: finishing this step and writing a checkpoint (${signal} again quits at once)`);
    estimator.requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const trainInput: InputPipelineOptions = {
    sources: data.train,
    spec: s.spec,
    batchSize: s.batchSize,
    mode: 'train',
    seed: s.seed,
    prefetchBatches: prefetchBatches(s),
    parallelism: pool.size + 1,
    preprocess: pool.preprocess,
  };
  if (s.prefetch === 'auto') log(describePrefetch(s));
  let input: AsyncGenerator<ClipBatch> | undefined;
  const evalInput = () =>
    inputPipeline({ sources: data.eval, spec: s.spec, batchSize: s.batchSize, mode: 'eval', prefetchBatches: prefetchBatches(s) });
  try {
    input = await resumedInput(estimator, trainInput, log);
    if (s.mode === 'train') {
      // As the original's Estimator.train(steps=…): this many steps more than the model dir has.
      const r = await estimator.train(input, s.trainSteps === undefined ? { maxSteps: Infinity } : { steps: s.trainSteps });
      log(`trained to global step ${r.globalStep}; loss ${r.loss.toFixed(5)}`);
    } else {
      // As the original's TrainSpec(max_steps=…): the global step to stop at.
      printEval(await estimator.trainAndEvaluate(input, evalInput, s.trainSteps ?? Infinity));
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await input?.return(undefined);
    await pool.close();
  }
}

/**
 * The training input, continuing exactly after the batch of the checkpoint training resumes
 * from, so an interrupted and resumed run equals an uninterrupted one; from the beginning when
 * the checkpoint has no position (TF's, older runs) or the input changed since.
 */
async function resumedInput(estimator: Estimator, options: InputPipelineOptions, log: Log): Promise<AsyncGenerator<ClipBatch>> {
  await estimator.prepare();
  const saved = estimator.resumePosition;
  if (!saved) return inputPipeline(options);
  try {
    const input = inputPipeline({ ...options, resumeFrom: saved });
    log(`input: continuing after the batch of global step ${estimator.globalStep}, as saved with its checkpoint`);
    return input;
  } catch (e) {
    if (!(e instanceof InputPositionMismatch)) throw e;
    log(`input: starting from the beginning; ${toFlagVocabulary(e.message)}`);
    return inputPipeline(options);
  }
}

function printEval(r: EvalResult): void {
  const lines = [`eval at global step ${r.globalStep} over ${r.clips} clips`, `eval loss: ${r.loss.toFixed(5)}`];
  for (const [k, v] of Object.entries(r.metrics)) lines.push(`eval ${k}: ${v.toFixed(4)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The checkpoint eval and predict read: model_dir's latest, as the original's Estimator; the
 * --checkpoint_path only where model_dir has none. The log names it.
 */
async function inferenceCheckpoint(s: EstimatorSettings, log: Log): Promise<string> {
  const own = await resolveCheckpoint(nodePlatform, s.modelDir);
  const given = s.checkpointPath === undefined ? null : await resolveCheckpoint(nodePlatform, s.checkpointPath);
  if (own !== null) {
    const ignored =
      s.checkpointPath && given !== own ? ` (--checkpoint_path ${s.checkpointPath} is ignored where --model_dir has a checkpoint)` : '';
    log(`--mode ${s.mode}: ${own}, the latest checkpoint in --model_dir${ignored}`);
    return own;
  }
  if (given !== null) {
    log(`--mode ${s.mode}: ${given} (--checkpoint_path; ${s.modelDir} has no checkpoint)`);
    return given;
  }
  const where = s.checkpointPath ? `, nor does --checkpoint_path ${s.checkpointPath}` : ' (train first, or give --checkpoint_path)';
  throw new UsageError(`--mode ${s.mode}: ${s.modelDir} has no checkpoint${where}`);
}

async function evaluate(s: EstimatorSettings, estimator: Estimator, sources: Sources, log: Log) {
  const checkpoint = await inferenceCheckpoint(s, log);
  const input = inputPipeline({ sources, spec: s.spec, batchSize: s.batchSize, mode: 'eval', prefetchBatches: prefetchBatches(s) });
  const r = await estimator.evaluate(input, checkpoint);
  printEval(r);
}

/** Class names from the data set's manifest.json (written by `s3dg dataset`), else class_<k>. */
async function classNames(dir: string | undefined, count: number): Promise<string[]> {
  const manifest = dir ? await findManifest(dir) : null;
  if (manifest && manifest.classNames.length === count) return manifest.classNames;
  return Array.from({ length: count }, (_, i) => `class_${i}`);
}

async function predict(s: EstimatorSettings, estimator: Estimator, sources: Sources, log: Log) {
  const checkpoint = await inferenceCheckpoint(s, log);
  const input = predictBatches({
    sources,
    stored: storedSpec(s),
    height: s.spec.frameHeight,
    width: s.spec.frameWidth,
    crop: s.crop,
    batchSize: s.batchSize,
  });
  const names = await classNames(s.predictDir, s.spec.numClasses);
  const rows = [];
  for await (const p of estimator.predict(input, checkpoint)) rows.push(p);
  const paths = await writePredictions(s.modelDir, estimator.globalStep, rows, names);
  log(`${rows.length} clips predicted at global step ${estimator.globalStep}: ${paths.csv}, ${paths.json}`);
}
