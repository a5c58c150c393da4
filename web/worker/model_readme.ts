/**
 * The README.md that goes into a downloaded model zip: what the model detects, the clips it
 * takes, how good it was when exported, how to host the folder and a short tfjs snippet that
 * loads and runs it (the folder is the CLI's `export-web` format, a tfjs graph model).
 */
import type { S3DGWebMetadata } from '../../core/index.ts';

/** README.md text for the web-model `folder` described by `meta`. */
export function modelReadme(folder: string, meta: S3DGWebMetadata): string {
  const p = meta.preprocessing;
  const metrics = meta.provenance.evalMetrics;
  const shape = `[batch, ${p.clipLength}, ${p.frameHeight}, ${p.frameWidth}, ${p.channels}]`;
  return [
    `# ${folder}`,
    '',
    `An S3D-G video classifier (s3dg web model). It gives each of ${meta.classNames.length} classes a probability for a clip:`,
    '',
    ...meta.classNames.map((c, i) => `${i}. ${c}`),
    '',
    '## Input',
    '',
    `Clips of ${p.clipLength} frames, ${p.frameWidth}×${p.frameHeight} pixels, ${p.channels} channels` +
      `${p.fps ? `, sampled at ${p.fps} fps` : ''}; float32 ${shape}, pixel values scaled from 0–255 to [-1, 1]` +
      `${p.crop ? ` after cropping the source frames to ${p.crop.width}×${p.crop.height} at (${p.crop.x}, ${p.crop.y})` : ''}.`,
    '',
    '## Quality',
    '',
    metrics
      ? `Held-out evaluation when exported: ${Object.entries(metrics)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}.`
      : 'Not evaluated on held-out clips when exported.',
    `Trained from ${meta.provenance.sourceCheckpoint}, step ${meta.provenance.globalStep}; exported ${meta.provenance.exportedAt}.`,
    '',
    '## Hosting',
    '',
    'Serve this folder as static files (any web server, GitHub Pages, a bucket). Hosts on another',
    'origin than the page that loads it must send `Access-Control-Allow-Origin`. The s3dg web app opens it with',
    '`?model=https://your.host/path/model.json`; every shard is checked against the sha256 in model.json.',
    '',
    '## Loading it with TensorFlow.js',
    '',
    '```js',
    "import * as tf from '@tensorflow/tfjs';",
    '',
    "const model = await tf.loadGraphModel('https://your.host/path/model.json');",
    `// clip: ${p.clipLength} frames of ${p.frameWidth}×${p.frameHeight} RGB, values in [-1, 1]`,
    `const clip = tf.zeros(${shape.replace('batch', '1')});`,
    `const probabilities = model.execute(clip, '${meta.signature.probabilities}');`,
    'const values = await probabilities.data();',
    `const classes = ${JSON.stringify(meta.classNames)};`,
    'classes.forEach((name, i) => console.log(name, values[i].toFixed(3)));',
    'tf.dispose([clip, probabilities]);',
    '```',
    '',
  ].join('\n');
}
