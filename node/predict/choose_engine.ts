/**
 * Which engine runs `s3dg predict`: the one place that knows the engines and picks one for
 * `--engine auto|tfjs|onnxruntime`, saying why, so the log explains a slow or fast run.
 */
import { UsageError } from '../errors.ts';
import type { EngineName, PredictEngine } from './engine.ts';
import { createTfjsEngine } from './tfjs_engine.ts';
import { createOnnxEngine, onnxruntimeAvailability } from '../onnx/onnx_engine.ts';
import type { PredictModel } from './model_source.ts';

export const ENGINE_CHOICES = ['auto', 'tfjs', 'onnxruntime'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export interface EngineSettings {
  /** Worker threads (tfjs) or intra-op threads; default: the number of cores. */
  threads?: number;
  /** tfjs backend inside the workers; cpu is for tests on tiny models. */
  tfjsBackend?: 'wasm' | 'cpu';
}

/** A started engine and why it was chosen. */
export interface ChosenEngine {
  engine: PredictEngine;
  reason: string;
}

/** Why the onnxruntime engine cannot run here, or null when it can. */
async function onnxruntimeUnavailable(): Promise<string | null> {
  const a = await onnxruntimeAvailability();
  return a.available ? null : a.reason;
}

/** Starts the engine `choice` asks for with `model`'s weights. */
export async function chooseEngine(choice: EngineChoice, model: PredictModel, settings: EngineSettings = {}): Promise<ChosenEngine> {
  const tfjs = () =>
    createTfjsEngine({ config: model.config, weights: model.weights, threads: settings.threads, backend: settings.tfjsBackend });
  const onnxruntime = () =>
    createOnnxEngine(model.config, model.weights, { clip: model.clip, threads: settings.threads, source: model.description });
  const name: EngineName | 'auto' = choice;
  if (name === 'tfjs') return { engine: await tfjs(), reason: 'asked for by --engine tfjs' };
  const missing = await onnxruntimeUnavailable();
  if (name === 'onnxruntime') {
    if (missing) throw new UsageError(`--engine onnxruntime: ${missing}; use --engine tfjs (or auto)`);
    return { engine: await onnxruntime(), reason: 'asked for by --engine onnxruntime' };
  }
  if (missing) return { engine: await tfjs(), reason: `--engine auto: onnxruntime is not available (${missing})` };
  try {
    return { engine: await onnxruntime(), reason: '--engine auto: onnxruntime is installed (the native engine is preferred)' };
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    return { engine: await tfjs(), reason: `--engine auto: onnxruntime failed to start (${why}), so tfjs runs` };
  }
}
