/**
 * `s3dg --mode …`: the original s3dg_estimator.py, flag for flag. Maps flags to the core
 * Estimator's options, checks the data before any work, and writes predictions as CSV and JSON.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { checkFirstRecords, inputPipeline, parseMetricGroups, parseVariableSelection, predictBatches } from '../../core/index.ts';
import { Estimator, type EvalResult } from '../../core/tfjs/index.ts';
import { setupBackend } from '../backend.ts';
import { findManifest } from '../data/manifest_file.ts';
import { PreprocessPool } from '../data/preprocess_pool.ts';
import { subsetSources } from '../data/tfrecord_files.ts';
import { UsageError } from '../errors.ts';
import { checkFolder } from '../folders.ts';
import { checkMemory } from '../memory_check.ts';
import { lockFolder, removeStaleTemporaries } from '../folder_lock.ts';
import { nodePlatform } from '../platform.ts';
import { writePredictions } from '../predictions_output.ts';
import { TrainingProgress } from '../progress.ts';
import { addEstimatorFlags, settingsFromFlags, type EstimatorFlags, type EstimatorSettings } from './estimator_flags.ts';
import { runSavedModelExport } from './export.ts';

type Sources = Awaited<ReturnType<typeof subsetSources>>;
type Log = (message: string) => void;

export function defineEstimator(program: Command): void {
  addEstimatorFlags(
    program
      .command('estimator', { isDefault: true })
      .description('train, evaluate, predict or export (the original s3dg_estimator.py; the default command)'),
  ).action(async (flags: EstimatorFlags) => {
    const settings = settingsFromFlags(flags);
    await runEstimator(settings, flags.backend);
  });
}

export async function runEstimator(s: EstimatorSettings, backend?: string): Promise<void> {
  const log: Log = (m) => process.stderr.write(`${m}\n`);
  if (s.mode === 'export' || s.mode === 'export_for_production') {
    await runSavedModelExport(s);
    return;
  }
  chooseCudaDevices(s);
  checkFolder('--model_dir', s.modelDir);
  const data = await checkData(s, log);
  const training = s.mode === 'train' || s.mode === 'train_and_eval';
  const unlock = training ? lockFolder(s.modelDir, 'one training run per model directory', log) : () => {};
  if (training) for (const dir of [s.modelDir, join(s.modelDir, 'eval')]) removeStaleTemporaries(dir, log);
  const choice = await setupBackend(backend, log);
  const clip = [s.spec.clipLength, s.spec.frameHeight, s.spec.frameWidth, s.spec.channels];
  checkMemory({ model: s.model, clip, batchSize: s.batchSize, training }, choice.name);
  if (choice.name !== 'tensorflow' && (s.gpus.first !== 0 || s.gpus.count !== 1)) {
    log(`--gpu_num/--num_gpus: unused on the ${choice.name} backend (they select CUDA devices for tensorflow)`);
  }
  if (s.warmStartFrom) log(`warm start from ${s.warmStartFrom} (${s.warmStartReason}) if ${s.modelDir} has no checkpoint yet`);
  const progress = new TrainingProgress();
  const estimator = new Estimator(
    estimatorOptions(s, (p) => progress.update(p)),
    { height: s.spec.frameHeight, width: s.spec.frameWidth },
  );
  try {
    if (training) await train(s, estimator, progress, data, log);
    else if (s.mode === 'eval') await evaluate(s, estimator, data.eval);
    else await predict(s, estimator, data.predict, log);
  } finally {
    estimator.dispose();
    unlock();
  }
}

/** The CUDA devices must be chosen before TensorFlow loads (setupBackend loads it). */
function chooseCudaDevices(s: EstimatorSettings): void {
  const devices = Array.from({ length: s.gpus.count }, (_, i) => s.gpus.first + i).join(',');
  if (process.env.CUDA_VISIBLE_DEVICES === undefined) process.env.CUDA_VISIBLE_DEVICES = devices;
}

/** Data first: a wrong directory or a record of the wrong size fails before a model is built. */
async function checkData(s: EstimatorSettings, log: Log): Promise<{ train: Sources; eval: Sources; predict: Sources }> {
  const data = {
    train: s.trainDir ? await subsetSources(s.trainDir) : [],
    eval: s.evalDir ? await subsetSources(s.evalDir) : [],
    predict: s.predictDir ? await subsetSources(s.predictDir) : [],
  };
  await checkFirstRecords(data.train, s.spec);
  await checkFirstRecords(data.eval, s.spec);
  await checkFirstRecords(data.predict, storedSpec(s));
  if (s.tfrecordSize) {
    for (const [name, sources] of Object.entries(data)) {
      if (sources.length)
        log(`${name}: ${sources.length} files × ${s.tfrecordSize} records (--tfrecord_size) ≈ ${sources.length * s.tfrecordSize} clips`);
    }
  }
  return data;
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
    warmStart: s.warmStartFrom
      ? { from: s.warmStartFrom, select: parseVariableSelection(s.variablesToWarmStart, 'variablesToWarmStart') }
      : undefined,
    metricGroups: parseMetricGroups(s.metricWeights),
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
  const input = inputPipeline({
    sources: data.train,
    spec: s.spec,
    batchSize: s.batchSize,
    mode: 'train',
    seed: s.seed,
    prefetchBatches: Math.max(1, s.prefetch),
    parallelism: pool.size + 1,
    preprocess: pool.preprocess,
  });
  const evalInput = () => inputPipeline({ sources: data.eval, spec: s.spec, batchSize: s.batchSize, mode: 'eval' });
  const maxSteps = s.trainSteps ?? Infinity;
  try {
    if (s.mode === 'train') {
      const r = await estimator.train(input, { maxSteps });
      log(`trained to global step ${r.globalStep}; loss ${r.loss.toFixed(5)}`);
    } else {
      printEval(await estimator.trainAndEvaluate(input, evalInput, maxSteps));
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await input.return(undefined);
    await pool.close();
  }
}

function printEval(r: EvalResult): void {
  const lines = [`eval at global step ${r.globalStep} over ${r.clips} clips`, `eval loss: ${r.loss.toFixed(5)}`];
  for (const [k, v] of Object.entries(r.metrics)) lines.push(`eval ${k}: ${v.toFixed(4)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function evaluate(s: EstimatorSettings, estimator: Estimator, sources: Sources) {
  if (!s.checkpointPath && !(await nodePlatform.exists(join(s.modelDir, 'checkpoint')))) {
    throw new UsageError(`--mode eval: ${s.modelDir} has no checkpoint to evaluate (give --checkpoint_path or train first)`);
  }
  const r = await estimator.evaluate(
    inputPipeline({ sources, spec: s.spec, batchSize: s.batchSize, mode: 'eval' }),
    s.checkpointPath ?? s.modelDir,
  );
  printEval(r);
}

/** Class names from the data set's manifest.json (written by `s3dg dataset`), else class_<k>. */
async function classNames(dir: string | undefined, count: number): Promise<string[]> {
  const manifest = dir ? await findManifest(dir) : null;
  if (manifest && manifest.classNames.length === count) return manifest.classNames;
  return Array.from({ length: count }, (_, i) => `class_${i}`);
}

async function predict(s: EstimatorSettings, estimator: Estimator, sources: Sources, log: Log) {
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
  for await (const p of estimator.predict(input, s.checkpointPath ?? s.modelDir)) rows.push(p);
  const paths = await writePredictions(s.modelDir, estimator.globalStep, rows, names);
  log(`${rows.length} clips predicted at global step ${estimator.globalStep}: ${paths.csv}, ${paths.json}`);
}
