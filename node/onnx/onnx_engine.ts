/**
 * The onnxruntime predict engine: S3D-G exported to ONNX in memory (core/export/onnx, the same
 * model code the trainer runs) and run by onnxruntime-node on a worker thread with every core as
 * intra-op threads, on the CUDA provider where a GPU and onnxruntime's CUDA binaries are present.
 */
import { availableParallelism } from 'node:os';
import { buildOnnxModel, ONNX_INPUT, ONNX_OUTPUTS, S3DG, type ClipGeometry, type NamedWeights, type S3DGConfig } from '../../core/index.ts';
import type { PredictEngine } from '../predict/engine.ts';
import { cudaCandidate, loadOnnxruntime, type OrtModule, type OrtSessionOptions } from './onnxruntime.ts';
import { SessionThread } from './session_thread.ts';

export { loadOnnxruntime, type OnnxruntimeStatus } from './onnxruntime.ts';

/** Whether the onnxruntime engine can run here; when not, `reason` says why in one line. */
export async function onnxruntimeAvailability(): Promise<{ available: boolean; reason: string }> {
  const s = await loadOnnxruntime();
  return s.available ? { available: true, reason: `onnxruntime-node ${s.version} is installed` } : { available: false, reason: s.reason };
}

export interface OnnxEngineOptions {
  /** Clip geometry of the first session, opened before the engine is returned (others open on first use). */
  clip: ClipGeometry;
  /** Intra-op threads (default: every core of this machine). */
  threads?: number;
  /** `auto`: CUDA where a GPU and onnxruntime's CUDA provider are present, else cpu. */
  provider?: 'auto' | 'cpu' | 'cuda';
  /** Where the weights come from, for a mismatch message. */
  source?: string;
}

type Provider = 'cpu' | 'cuda';

const PROVIDERS: Record<Provider, string[]> = { cuda: ['cuda', 'cpu'], cpu: ['cpu'] };
const firstLine = (e: unknown) => (e as Error).message.split('\n')[0];

/** Opens the first session on the provider `wanted` asks for; returns which one runs and why. */
async function openFirst(
  ort: OrtModule,
  thread: SessionThread,
  key: string,
  model: Uint8Array,
  base: OrtSessionOptions,
  wanted: 'auto' | Provider,
): Promise<{ provider: Provider; why: string }> {
  let why = 'asked for cpu';
  if (wanted !== 'cpu') {
    const cuda = cudaCandidate(ort);
    if (wanted === 'cuda' && !cuda.use) throw new Error(`the CUDA provider cannot run: ${cuda.reason}`);
    why = cuda.reason;
    if (cuda.use) {
      try {
        await thread.open(key, model.slice(), { ...base, executionProviders: PROVIDERS.cuda });
        return { provider: 'cuda', why };
      } catch (e) {
        if (wanted === 'cuda') throw new Error(`the CUDA provider failed to start: ${firstLine(e)}`);
        why = `the CUDA provider failed to start (${firstLine(e)})`;
      }
    }
  }
  await thread.open(key, model, { ...base, executionProviders: PROVIDERS.cpu });
  return { provider: 'cpu', why };
}

/**
 * A {@link PredictEngine} on onnxruntime for the model of `config` with `weights` (every variable,
 * by TF name; a mismatch names each wrong variable). Throws with onnxruntime's reason when it is
 * not installed. Sessions are per clip geometry (T, H, W: SAME padding is fixed at export); the
 * batch is free.
 */
export async function createOnnxEngine(
  config: Partial<S3DGConfig>,
  weights: NamedWeights,
  options: OnnxEngineOptions,
): Promise<PredictEngine> {
  const status = await loadOnnxruntime();
  if (!status.available) throw new Error(status.reason);
  const net = new S3DG(config);
  if (net.config.numClasses < 1) throw new Error('the onnxruntime engine needs a model with logits (`numClasses` ≥ 1)');
  const threads = options.threads ?? availableParallelism();
  const base: OrtSessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  const build = (clip: ClipGeometry) => buildOnnxModel(net, weights, { clip, producer: 's3dg', source: options.source });
  const keyOf = (t: number, h: number, w: number) => `${t}×${h}×${w}`;
  const firstKey = keyOf(options.clip.clipLength, options.clip.frameHeight, options.clip.frameWidth);
  const firstModel = build(options.clip);
  const thread = new SessionThread();
  let chosen: { provider: Provider; why: string };
  try {
    chosen = await openFirst(status.ort, thread, firstKey, firstModel, base, options.provider ?? 'auto');
  } catch (e) {
    await thread.close();
    throw e;
  }
  const opened = new Map<string, Promise<void>>([[firstKey, Promise.resolve()]]);
  let closed = false;
  const where = chosen.provider === 'cuda' ? 'cuda' : `cpu, ${threads} thread${threads === 1 ? '' : 's'}`;

  return {
    name: 'onnxruntime',
    description: `onnxruntime ${status.version} (${where}; ${chosen.why})`,
    async predict(clips: Float32Array, shape: number[]): Promise<Float32Array> {
      if (closed) throw new Error('the onnxruntime engine is closed');
      const c = net.config.inputChannels;
      if (shape.length !== 5 || shape[4] !== c)
        throw new Error(`onnxruntime engine: clips must be [batch, time, height, width, ${c}], got [${shape}]`);
      const count = shape.reduce((a, b) => a * b, 1);
      if (clips.length !== count) throw new Error(`onnxruntime engine: ${clips.length} values for clips of shape [${shape}]`);
      const [, t, h, w] = shape;
      const key = keyOf(t, h, w);
      let open = opened.get(key);
      if (!open) {
        open = thread.open(key, build({ clipLength: t, frameHeight: h, frameWidth: w }), {
          ...base,
          executionProviders: PROVIDERS[chosen.provider],
        });
        opened.set(key, open);
        // A geometry that failed may be asked for again: try afresh then.
        open.catch(() => opened.delete(key));
      }
      await open;
      return thread.run(key, ONNX_INPUT, ONNX_OUTPUTS.probabilities, clips, shape);
    },
    async close(): Promise<void> {
      closed = true;
      await thread.close();
    },
  };
}
