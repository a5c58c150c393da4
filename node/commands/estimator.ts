/**
 * `s3dg --mode …`: the original s3dg_estimator.py, flag for flag. Maps flags to the core
 * Estimator's options, checks the data before any work, and writes predictions as CSV and JSON.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addEstimatorFlags, settingsFromFlags, type EstimatorFlags, type EstimatorSettings } from './estimator_flags.ts';
import { UsageError } from '../errors.ts';

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

/** Class names from a data set's manifest.json (written by `s3dg dataset`), when there is one. */
async function classNames(dir: string | undefined, count: number): Promise<string[]> {
  const fallback = Array.from({ length: count }, (_, i) => `class_${i}`);
  if (!dir) return fallback;
  for (const candidate of [join(dir, 'manifest.json'), join(dir, '..', 'manifest.json')]) {
    try {
      const manifest = JSON.parse(await readFile(candidate, 'utf8')) as { classNames?: unknown };
      if (Array.isArray(manifest.classNames) && manifest.classNames.length === count) return manifest.classNames.map(String);
    } catch {
      // no manifest there
    }
  }
  return fallback;
}

export async function runEstimator(s: EstimatorSettings, backend?: string): Promise<void> {
  const log = (m: string) => process.stderr.write(m + '\n');
  if (s.mode === 'export' || s.mode === 'export_for_production') {
    await (await import('./export.ts')).runSavedModelExport(s);
    return;
  }
  // The CUDA devices must be chosen before TensorFlow loads.
  const devices = Array.from({ length: s.gpus.count }, (_, i) => s.gpus.first + i).join(',');
  if (process.env.CUDA_VISIBLE_DEVICES === undefined) process.env.CUDA_VISIBLE_DEVICES = devices;

  const [{ setupBackend }, { nodePlatform }, { subsetSources }, data, est, sel, metrics] = await Promise.all([
    import('../backend.ts'),
    import('../platform.ts'),
    import('../data/tfrecord_files.ts'),
    import('../../core/data/clip_records.ts'),
    import('../../core/tfjs/training/estimator.ts'),
    import('../../core/model/variable_selection.ts'),
    import('../../core/metrics/metrics.ts'),
  ]);

  // Data first: a wrong directory or a record of the wrong size fails before a model is built.
  const storedSpec = s.crop ? { ...s.spec, frameHeight: s.sourceFrame.height, frameWidth: s.sourceFrame.width } : s.spec;
  const trainSources = s.trainDir ? await subsetSources(s.trainDir) : [];
  const evalSources = s.evalDir ? await subsetSources(s.evalDir) : [];
  const predictSources = s.predictDir ? await subsetSources(s.predictDir) : [];
  await data.checkFirstRecords(trainSources, s.spec);
  await data.checkFirstRecords(evalSources, s.spec);
  await data.checkFirstRecords(predictSources, storedSpec);
  if (s.tfrecordSize) {
    for (const [name, sources] of [['train', trainSources], ['eval', evalSources], ['predict', predictSources]] as const) {
      if (sources.length) log(`${name}: ${sources.length} files × ${s.tfrecordSize} records (--tfrecord_size) ≈ ${sources.length * s.tfrecordSize} clips`);
    }
  }
  const groups = metrics.parseMetricGroups(s.metricWeights);

  const choice = await setupBackend(backend, log);
  if (choice.name !== 'tensorflow' && (s.gpus.first !== 0 || s.gpus.count !== 1)) {
    log(`--gpu_num/--num_gpus: unused on the ${choice.name} backend (they select CUDA devices for tensorflow)`);
  }
  if (s.warmStartFrom) log(`warm start from ${s.warmStartFrom} (${s.warmStartReason}) if ${s.modelDir} has no checkpoint yet`);

  const { TrainingProgress } = await import('../progress.ts');
  const progress = new TrainingProgress();
  const estimator = new est.Estimator(
    {
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
      variablesToTrain: sel.parseVariableSelection(s.variablesToTrain, '--variables_to_train'),
      warmStart: s.warmStartFrom
        ? { from: s.warmStartFrom, select: sel.parseVariableSelection(s.variablesToWarmStart, '--variables_to_warm_start') }
        : undefined,
      metricGroups: groups,
      addImageSummaries: s.addImageSummaries,
      hostname: hostname(),
      seed: s.seed,
      onStep: (p) => progress.update(p),
    },
    { height: s.spec.frameHeight, width: s.spec.frameWidth },
  );
  try {
    if (s.mode === 'train' || s.mode === 'train_and_eval') await train(s, estimator, progress, trainSources, evalSources, log);
    else if (s.mode === 'eval') await evaluate(s, estimator, evalSources);
    else await predict(s, estimator, predictSources, storedSpec, await classNames(s.predictDir, s.spec.numClasses), log);
  } finally {
    estimator.dispose();
  }
}

type Est = InstanceType<typeof import('../../core/tfjs/training/estimator.ts').Estimator>;
type Sources = Awaited<ReturnType<typeof import('../data/tfrecord_files.ts').subsetSources>>;

type Progress = InstanceType<typeof import('../progress.ts').TrainingProgress>;

async function train(s: EstimatorSettings, estimator: Est, progress: Progress, trainSources: Sources, evalSources: Sources, log: (m: string) => void) {
  const [{ inputPipeline }, { PreprocessPool }] = await Promise.all([import('../../core/data/input_pipeline.ts'), import('../data/preprocess_pool.ts')]);
  const shape = { height: s.spec.frameHeight, width: s.spec.frameWidth, channels: s.spec.channels };
  // Colour distortion runs in a worker thread, beside the model.
  const pool = new PreprocessPool(1, shape);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    progress.stop();
    log('interrupted: finishing this step and writing a checkpoint (Ctrl-C again to quit at once)');
    estimator.requestStop();
  };
  process.on('SIGINT', onSigint);
  const input = inputPipeline({
    sources: trainSources,
    spec: s.spec,
    batchSize: s.batchSize,
    mode: 'train',
    seed: s.seed,
    prefetchBatches: Math.max(1, s.prefetch),
    parallelism: pool.size + 1,
    preprocess: pool.preprocess,
  });
  const evalInput = () => inputPipeline({ sources: evalSources, spec: s.spec, batchSize: s.batchSize, mode: 'eval' });
  const maxSteps = s.trainSteps ?? Infinity;
  try {
    if (s.mode === 'train') {
      const r = await estimator.train(input, { maxSteps });
      log(`trained to global step ${r.globalStep}; loss ${r.loss.toFixed(5)}`);
    } else {
      const r = await estimator.trainAndEvaluate(input, evalInput, maxSteps);
      printEval(r);
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await input.return(undefined);
    await pool.close();
  }
}

function printEval(r: { globalStep: number; loss: number; metrics: Record<string, number>; clips: number }): void {
  const lines = [`eval at global step ${r.globalStep} over ${r.clips} clips`, `eval loss: ${r.loss.toFixed(5)}`];
  for (const [k, v] of Object.entries(r.metrics)) lines.push(`eval ${k}: ${v.toFixed(4)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function evaluate(s: EstimatorSettings, estimator: Est, evalSources: Sources) {
  const { inputPipeline } = await import('../../core/data/input_pipeline.ts');
  if (!s.checkpointPath && !(await (await import('../platform.ts')).nodePlatform.exists(join(s.modelDir, 'checkpoint')))) {
    throw new UsageError(`--mode eval: ${s.modelDir} has no checkpoint to evaluate (give --checkpoint_path or train first)`);
  }
  const r = await estimator.evaluate(inputPipeline({ sources: evalSources, spec: s.spec, batchSize: s.batchSize, mode: 'eval' }), s.checkpointPath ?? s.modelDir);
  printEval(r);
}

async function predict(
  s: EstimatorSettings,
  estimator: Est,
  sources: Sources,
  stored: EstimatorSettings['spec'],
  names: string[],
  log: (m: string) => void,
) {
  const [{ predictBatches }, { writePredictions }] = await Promise.all([import('../../core/data/predict_input.ts'), import('../predictions_output.ts')]);
  const from = s.checkpointPath ?? s.modelDir;
  const input = predictBatches({ sources, stored, height: s.spec.frameHeight, width: s.spec.frameWidth, crop: s.crop, batchSize: s.batchSize });
  const rows = [];
  for await (const p of estimator.predict(input, from)) rows.push(p);
  const paths = await writePredictions(s.modelDir, estimator.globalStep, rows, names);
  log(`${rows.length} clips predicted at global step ${estimator.globalStep}: ${paths.csv}, ${paths.json}`);
}
