/**
 * The Node side of the browser comparisons: a web model folder read with core's readWebModel,
 * run on tfjs in Node (wasm), over clips that the CLI's own video path makes (node/video's
 * videoClips: ffmpeg decode and fps, core's YUV→RGB, crop and resize, windows, scaling).
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '../harness.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { VariableStore } from '../../core/tfjs/variable_store.ts';
import { tfjsOps } from '../../core/tfjs/ops/tfjs_ops.ts';
import { videoClips } from '../../node/video/video_clips.ts';

/** One window's probabilities, with its first frame. */
export interface NodeWindow {
  start: number;
  probabilities: Float32Array;
}

/** Predictions of the web model in `modelDir` on every `stride`-th window of `video`. */
export async function nodePredictions(
  modelDir: string,
  video: string,
  stride: number,
): Promise<{ classNames: string[]; windows: NodeWindow[] }> {
  await useBackend('wasm');
  const { modelJson, weights } = await readWebModel(
    await readFile(join(modelDir, 'model.json'), 'utf8'),
    async (p) => new Uint8Array(await readFile(join(modelDir, p))),
  );
  const meta = modelJson.userDefinedMetadata.s3dg;
  const model = new S3DG(meta.config);
  const store = new VariableStore(model.variables());
  const ops = tfjsOps();
  try {
    for (const name of store.names) {
      const w = weights.get(name);
      if (!w) throw new Error(`${modelDir}: no weight ${name}`);
      tf.tidy(() => store.assign(name, tf.tensor(w.values, w.shape)));
    }
    const p = meta.preprocessing;
    const windows: NodeWindow[] = [];
    const clips = videoClips(video, {
      clipLength: p.clipLength,
      stride,
      fps: p.fps ?? undefined,
      crop: p.crop ?? undefined,
      height: p.frameHeight,
      width: p.frameWidth,
    });
    for await (const c of clips) {
      const probs = tf.tidy(() => {
        const x = tf.tensor5d(c.clip, [1, p.clipLength, p.frameHeight, p.frameWidth, p.channels]);
        return model.apply(store.context(ops, false), x).predictions!.dataSync() as Float32Array;
      });
      windows.push({ start: c.start, probabilities: probs });
    }
    return { classNames: meta.classNames, windows };
  } finally {
    store.dispose();
  }
}
