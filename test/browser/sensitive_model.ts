/**
 * An input-sensitive web model for the browser comparisons: the demo model's trained weights
 * with its batch-norm moving statistics recalibrated — set from one training-mode pass over the
 * windows of a real clip (decay 0: the batch's own statistics). The demo recipe's few hundred
 * steps leave the moving statistics (decay 0.999) near their initial values, so the demo model's
 * inference output barely depends on the clip; recalibrated, every window gets its own
 * probabilities. Written with
 * the exporter's own core code (serving graph + web model writer), as `s3dg export-web` does.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { ROOT } from './harness.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';
import { useBackend } from '../harness.ts';
import { VariableStore } from '../../core/tfjs/variable_store.ts';
import { tfjsOps } from '../../core/tfjs/ops/tfjs_ops.ts';
import { videoClips } from '../../node/video/video_clips.ts';
import { join } from 'node:path';
import { S3DG } from '../../core/model/s3dg.ts';
import { buildServingGraph } from '../../core/export/serving_graph.ts';
import type { NamedWeight } from '../../core/model/named_weights.ts';
import { buildWebModel } from '../../core/export/web_model_writer.ts';
import { CROSSING_CLASSES } from '../../core/data/synthetic_crossing.ts';

const CONFIG = { numClasses: 5, depthMultiplier: 0.25, minDepth: 8 };
const CLIP = { clipLength: 16, frameHeight: 64, frameWidth: 64 };

const DEMO_DIR = join(ROOT, 'web/public/models/demo');

/** Writes the model folder into `dir`, calibrated on the windows of `video` (stride 4); returns `dir`. */
export async function writeSensitiveModel(dir: string, video: string): Promise<string> {
  const windows: Float32Array[] = [];
  for await (const c of videoClips(video, { clipLength: CLIP.clipLength, stride: 4, height: CLIP.frameHeight, width: CLIP.frameWidth }))
    windows.push(c.clip);
  if (windows.length === 0) throw new Error(`${video}: no clip to calibrate on`);
  const calibration = new Float32Array(windows.length * windows[0].length);
  windows.forEach((w, i) => calibration.set(w, i * w.length));
  await useBackend('wasm');
  const model = new S3DG(CONFIG);
  const calibrating = new S3DG({ ...CONFIG, batchNormDecay: 0, dropoutKeepProb: 1 });
  const store = new VariableStore(calibrating.variables());
  const weights = new Map<string, NamedWeight>();
  try {
    const demo = await readWebModel(
      await readFile(join(DEMO_DIR, 'model.json'), 'utf8'),
      async (p) => new Uint8Array(await readFile(join(DEMO_DIR, p))),
    );
    for (const spec of calibrating.variables()) {
      if (!spec.trainable) continue; // moving statistics come from the pass below
      const w = demo.weights.get(spec.name);
      if (!w) throw new Error(`demo model: no ${spec.name}`);
      tf.tidy(() => store.assign(spec.name, tf.tensor(w.values, spec.shape)));
    }
    tf.tidy(() => {
      const clip = tf.tensor5d(calibration, [windows.length, CLIP.clipLength, CLIP.frameHeight, CLIP.frameWidth, 3]);
      calibrating.apply(store.context(tfjsOps(), true), clip);
    });
    for (const spec of model.variables())
      weights.set(spec.name, { shape: spec.shape, values: store.get(spec.name).dataSync() as Float32Array });
  } finally {
    store.dispose();
  }
  const web = await buildWebModel({
    graph: buildServingGraph(model, weights, 'tensor', CLIP),
    config: model.config,
    classNames: [...CROSSING_CLASSES],
    preprocessing: { ...CLIP, channels: 3, scale: 'symmetric', crop: null, fps: 8 },
    provenance: {
      sourceCheckpoint: 'demo model, batch-norm statistics recalibrated (browser tests)',
      globalStep: 0,
      evalMetrics: null,
      exportedAt: new Date(0).toISOString(),
      exporter: 's3dg browser tests',
    },
  });
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of web.files) await writeFile(join(dir, name), bytes);
  return dir;
}
