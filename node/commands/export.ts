/**
 * Exports from the command line:
 *  - `s3dg --mode export` / `--mode export_for_production` (the original's two modes, reached
 *    through `runEstimator`): a SavedModel version directory under --export_path;
 *  - `s3dg export-web --model_dir … --out <dir>`: the static-hostable web model folder;
 *  - `s3dg export-onnx --model_dir … --out <file.onnx>` and `s3dg --mode export_onnx`: ONNX.
 * The work is core's (core/export/); this file maps flags and prints where things went.
 */
import type { Command } from 'commander';
import { mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportOnnxModel, exportSavedModel, exportWebModel } from '../../core/index.ts';
import { findManifest } from '../data/manifest_file.ts';
import { checkFolder } from '../folders.ts';
import { nodePlatform } from '../platform.ts';
import { addModelFlags, modelConfigFromFlags, type ModelFlags } from '../model_flags.ts';
import { UsageError } from '../errors.ts';
import { parseCropBox, parsePositiveInteger, parsePositiveNumber } from '../flag_values.ts';
import type { EstimatorSettings } from './estimator_flags.ts';

/** "s3dg <version>" from package.json, recorded in what we export. */
async function exporterName(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return `s3dg ${pkg.version ?? 'unknown'}`;
  } catch {
    return 's3dg';
  }
}

/** `--mode export` (tf.Example input) and `--mode export_for_production` (float clip input). */
export async function runSavedModelExport(s: EstimatorSettings): Promise<void> {
  if (!s.exportPath) throw new UsageError(`--mode ${s.mode} needs --export_path`);
  checkFolder('--export_path', s.exportPath);
  const r = await exportSavedModel(nodePlatform, {
    exportPath: s.exportPath,
    checkpoint: s.checkpointPath ?? s.modelDir,
    config: s.model,
    clip: { clipLength: s.spec.clipLength, frameHeight: s.spec.frameHeight, frameWidth: s.spec.frameWidth },
    input: s.mode === 'export' ? 'example' : 'tensor',
    exporter: await exporterName(),
  });
  const input =
    s.mode === 'export'
      ? 'input "input": one serialized tf.Example (scalar string; feature "feature" = raw uint8 clip)'
      : `input "input": float32 [batch, ${s.spec.clipLength}, ${s.spec.frameHeight}, ${s.spec.frameWidth}, ${s.spec.channels}] in [-1, 1]`;
  process.stderr.write(
    `SavedModel from ${r.checkpoint} (global step ${r.globalStep}); ${input}; outputs class_ids (round(probabilities)), probabilities, logits\n`,
  );
  process.stdout.write(`${r.dir}\n`);
}

interface ExportWebFlags extends ModelFlags {
  model_dir?: string;
  checkpoint_path?: string;
  out?: string;
  class_names?: string;
  dataset?: string;
  clip_length: string;
  frame_height: string;
  frame_width: string;
  fps?: string;
  crop?: string;
}

/** Class names: a text file (one per line) or a data set's manifest.json (written by `s3dg dataset`). */
async function readClassNames(f: ExportWebFlags): Promise<string[] | undefined> {
  if (f.class_names) {
    const text = await readFile(f.class_names, 'utf8').catch((e: Error) => {
      throw new UsageError(`--class_names ${f.class_names}: ${e.message}`);
    });
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }
  if (f.dataset) {
    const manifest = await findManifest(f.dataset);
    if (manifest) return manifest.classNames;
    throw new UsageError(`--dataset ${f.dataset}: no manifest.json with classNames there (written by s3dg dataset)`);
  }
  return undefined;
}

/** Registers `s3dg export-web`. */
export function defineExportWeb(program: Command): void {
  addModelFlags(
    program
      .command('export-web')
      .description('write a web model folder (TensorFlow.js graph model + s3dg metadata) for any static host')
      .option('--model_dir <dir>', 'model directory (its latest checkpoint; its eval/ metrics go into the metadata)')
      .option('--checkpoint_path <path>', 'checkpoint to export (default: the latest in --model_dir)')
      .option('--out <dir>', 'folder to write (an earlier export there is replaced; a folder with other files is refused)')
      .option('--class_names <file>', 'class names, one per line, in label order')
      .option('--dataset <dir>', "take the class names from this data set's manifest.json")
      .option('--clip_length <n>', 'frames per clip', '64')
      .option('--frame_height <n>', 'model frame height', '224')
      .option('--frame_width <n>', 'model frame width', '224')
      .option('--fps <x>', 'frames per second the training clips were sampled at (metadata)')
      .option('--crop <x,y,width,height>', 'source-pixel crop the training frames had before resizing (metadata)'),
  ).action(async (f: ExportWebFlags) => {
    if (!f.out) throw new UsageError('export-web needs --out <dir>');
    const from = f.checkpoint_path ?? f.model_dir;
    if (!from) throw new UsageError('export-web needs --model_dir or --checkpoint_path');
    const config = modelConfigFromFlags(f);
    if ((config.numClasses ?? 0) < 1) throw new UsageError('--num_classes must be at least 1 to export a classifier');
    const fps = f.fps === undefined ? null : parsePositiveNumber('--fps', f.fps);
    const crop = f.crop === undefined ? null : parseCropBox('--crop', f.crop);
    const classNames = await readClassNames(f);
    const r = await exportWebModel(nodePlatform, {
      out: f.out,
      checkpoint: from,
      modelDir: f.model_dir,
      config,
      clip: {
        clipLength: parsePositiveInteger('--clip_length', f.clip_length),
        frameHeight: parsePositiveInteger('--frame_height', f.frame_height),
        frameWidth: parsePositiveInteger('--frame_width', f.frame_width),
      },
      classNames,
      fps,
      crop,
      exporter: await exporterName(),
    });
    process.stderr.write(
      `web model from ${r.checkpoint} (global step ${r.globalStep}): ${r.files.length} files, ${(r.bytes / 1e6).toFixed(1)} MB\n`,
    );
    process.stdout.write(`${r.dir}\n`);
  });
}

/** `--mode export_onnx`: `<export_path>/<unix seconds>/model.onnx`, float32 clip input as export_for_production's. */
export async function runOnnxExport(s: EstimatorSettings): Promise<void> {
  if (!s.exportPath) throw new UsageError(`--mode ${s.mode} needs --export_path`);
  checkFolder('--export_path', s.exportPath);
  const r = await exportOnnxModel(nodePlatform, {
    target: { exportPath: s.exportPath },
    checkpoint: s.checkpointPath ?? s.modelDir,
    config: s.model,
    clip: { clipLength: s.spec.clipLength, frameHeight: s.spec.frameHeight, frameWidth: s.spec.frameWidth },
    exporter: await exporterName(),
  });
  reportOnnx(r, [s.spec.clipLength, s.spec.frameHeight, s.spec.frameWidth, s.spec.channels]);
}

function reportOnnx(r: Awaited<ReturnType<typeof exportOnnxModel>>, clip: number[]): void {
  process.stderr.write(
    `ONNX model (opset 17) from ${r.checkpoint} (global step ${r.globalStep}), ${(r.bytes / 1e6).toFixed(1)} MB; ` +
      `input "feature" float32 [batch, ${clip.join(', ')}] in [-1, 1]; outputs probabilities, logits, class_ids\n`,
  );
  process.stdout.write(`${r.path}\n`);
}

interface ExportOnnxFlags extends ModelFlags {
  model_dir?: string;
  checkpoint_path?: string;
  out?: string;
  clip_length: string;
  frame_height: string;
  frame_width: string;
}

/** Registers `s3dg export-onnx`. */
export function defineExportOnnx(program: Command): void {
  addModelFlags(
    program
      .command('export-onnx')
      .description('write the model as an ONNX file (opset 17) for onnxruntime and other ONNX runtimes')
      .option('--model_dir <dir>', 'model directory (its latest checkpoint)')
      .option('--checkpoint_path <path>', 'checkpoint to export (default: the latest in --model_dir)')
      .option('--out <file>', 'the .onnx file to write (an earlier s3dg export there is replaced; any other file is refused)')
      .option('--clip_length <n>', 'frames per clip (fixed in the model)', '64')
      .option('--frame_height <n>', 'model frame height (fixed in the model)', '224')
      .option('--frame_width <n>', 'model frame width (fixed in the model)', '224'),
  ).action(async (f: ExportOnnxFlags) => {
    if (!f.out) throw new UsageError('export-onnx needs --out <file.onnx>');
    const from = f.checkpoint_path ?? f.model_dir;
    if (!from) throw new UsageError('export-onnx needs --model_dir or --checkpoint_path');
    const isFolder = (() => {
      try {
        return statSync(f.out).isDirectory();
      } catch {
        return false;
      }
    })();
    if (isFolder) throw new UsageError(`--out ${f.out} is a folder; name the .onnx file to write`);
    const config = modelConfigFromFlags(f);
    if ((config.numClasses ?? 0) < 1) throw new UsageError('--num_classes must be at least 1 to export a classifier');
    const clip = {
      clipLength: parsePositiveInteger('--clip_length', f.clip_length),
      frameHeight: parsePositiveInteger('--frame_height', f.frame_height),
      frameWidth: parsePositiveInteger('--frame_width', f.frame_width),
    };
    mkdirSync(dirname(f.out), { recursive: true });
    const r = await exportOnnxModel(nodePlatform, {
      target: { file: f.out },
      checkpoint: from,
      config,
      clip,
      exporter: await exporterName(),
    });
    reportOnnx(r, [clip.clipLength, clip.frameHeight, clip.frameWidth, config.inputChannels ?? 3]);
  });
}
