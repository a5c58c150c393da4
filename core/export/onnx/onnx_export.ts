/**
 * ONNX export end to end: checkpoint → S3D-G traced on OnnxOps → a `.onnx` file. Two layouts:
 *  - a file at `out` (s3dg export-onnx), written atomically; an existing file there is replaced
 *    only when it is an ONNX model s3dg wrote;
 *  - `<export_path>/<unix seconds>/model.onnx` (--mode export_onnx): the Estimator's version
 *    directories, which is also Triton's model-repository layout.
 */
import type { Platform } from '../../platform.ts';
import { S3DG } from '../../model/s3dg.ts';
import type { S3DGConfig } from '../../model/config.ts';
import { readNetWeights } from '../../model/checkpoint_weights.ts';
import { onnxModelCodec } from '../../formats/proto/onnx.ts';
import type { ClipGeometry } from '../serving_graph.ts';
import { writeVersionDir } from '../version_dir.ts';
import { buildOnnxModel } from './onnx_model.ts';

/** What to export, and where. */
export interface OnnxExportOptions {
  /** Exactly one of: the file to write, or the parent of version directories. */
  target: { file: string } | { exportPath: string };
  /** Checkpoint prefix or model directory (its latest checkpoint). */
  checkpoint: string;
  /** The model's options (they must match the checkpoint's variables). */
  config: Partial<S3DGConfig>;
  clip: ClipGeometry;
  /** Producer name and version, e.g. "s3dg 0.1.0". */
  exporter: string;
}

export interface OnnxExportResult {
  /** The file written. */
  path: string;
  checkpoint: string;
  globalStep: number;
  bytes: number;
}

/** The file name inside a version directory. */
export const ONNX_FILE = 'model.onnx';

/** Throws unless `path` is absent or an ONNX model an earlier s3dg export wrote (which may be replaced). */
async function checkReplaceable(platform: Platform, path: string): Promise<void> {
  if (!(await platform.exists(path))) return;
  let producer: string | undefined;
  try {
    producer = onnxModelCodec.decode(await platform.readFile(path), path).producerName;
  } catch {
    producer = undefined;
  }
  if (producer !== 's3dg') throw new Error(`${path} exists and is not an ONNX model s3dg wrote: not replacing it (choose another \`out\`)`);
}

/** Writes the ONNX model of the checkpoint; returns where it went. */
export async function exportOnnxModel(platform: Platform, options: OnnxExportOptions): Promise<OnnxExportResult> {
  const net = new S3DG(options.config);
  const source = await readNetWeights(platform, options.checkpoint, net);
  const bytes = buildOnnxModel(net, source.weights, {
    clip: options.clip,
    producer: options.exporter,
    source: `checkpoint ${source.prefix}`,
  });
  let path: string;
  if ('file' in options.target) {
    path = options.target.file;
    await checkReplaceable(platform, path);
    await platform.writeFileAtomic(path, bytes);
  } else {
    path = platform.join(await writeVersionDir(platform, options.target.exportPath, { [ONNX_FILE]: bytes }), ONNX_FILE);
  }
  return { path, checkpoint: source.prefix, globalStep: source.globalStep, bytes: bytes.length };
}
