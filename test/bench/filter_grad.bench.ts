/** CPU ms per conv2d filter gradient on wasm, per-tap matmuls vs one dilated conv2d, on S3D-G's layer shapes (interleaved runs, for a loaded machine). */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dFilterGradByTaps } from '../../core/tfjs/ops/conv2d_filter_grad_by_taps.ts';
import { conv2dFilterGradByConv } from '../../core/tfjs/ops/conv2d_filter_grad_by_conv.ts';
import { outputSize } from '../../core/ops/shape.ts';
import { useBackend } from '../harness.ts';

type Shape4 = [number, number, number, number];
interface Case {
  what: string;
  x: Shape4;
  filter: Shape4;
  strides: [number, number];
}

// x as the 2-D rewrite hands it over: spatial [B·T,H,W,C], temporal [B,T,H·W,C] with a [3,1]
// kernel, the stem [B·T',H,W,3·C] with 7×7 stride 2.
const CASES: Case[] = [
  { what: 'demo stem', x: [32, 64, 64, 9], filter: [7, 7, 9, 16], strides: [2, 2] },
  { what: 'demo 2c 3×3', x: [32, 16, 16, 16], filter: [3, 3, 16, 48], strides: [1, 1] },
  { what: 'demo 2c temporal', x: [4, 8, 256, 48], filter: [3, 1, 48, 48], strides: [1, 1] },
  { what: 'demo 3c 3×3', x: [32, 8, 8, 32], filter: [3, 3, 32, 48], strides: [1, 1] },
  { what: 'demo 3c temporal', x: [4, 8, 64, 48], filter: [3, 1, 48, 48], strides: [1, 1] },
  { what: 'demo 4e 3×3', x: [16, 4, 4, 28], filter: [3, 3, 28, 56], strides: [1, 1] },
  { what: 'demo 4e temporal', x: [4, 4, 16, 56], filter: [3, 1, 56, 56], strides: [1, 1] },
  { what: 'demo 5c 3×3', x: [8, 2, 2, 48], filter: [3, 3, 48, 96], strides: [1, 1] },
  { what: '112 stem', x: [4, 112, 112, 9], filter: [7, 7, 9, 64], strides: [2, 2] },
  { what: '112 2c 3×3', x: [4, 28, 28, 64], filter: [3, 3, 64, 192], strides: [1, 1] },
  { what: '112 2c temporal', x: [1, 4, 784, 192], filter: [3, 1, 192, 192], strides: [1, 1] },
  { what: '112 3c 3×3', x: [4, 14, 14, 128], filter: [3, 3, 128, 192], strides: [1, 1] },
  { what: '112 4f 3×3', x: [2, 7, 7, 160], filter: [3, 3, 160, 320], strides: [1, 1] },
  { what: '112 4f temporal', x: [1, 2, 49, 320], filter: [3, 1, 320, 320], strides: [1, 1] },
  { what: '112 4b 3×3 (b2)', x: [4, 14, 14, 16], filter: [3, 3, 16, 48], strides: [1, 1] },
  { what: '112 4c 3×3', x: [2, 7, 7, 112], filter: [3, 3, 112, 224], strides: [1, 1] },
  { what: '112 4e 3×3 (b2)', x: [2, 7, 7, 32], filter: [3, 3, 32, 64], strides: [1, 1] },
  { what: '112 4f 3×3 (b1)', x: [2, 7, 7, 96], filter: [3, 3, 96, 208], strides: [1, 1] },
  { what: '112 5c 3×3', x: [1, 4, 4, 192], filter: [3, 3, 192, 384], strides: [1, 1] },
  { what: '224 stem', x: [8, 224, 224, 9], filter: [7, 7, 9, 64], strides: [2, 2] },
  { what: '224 2c 3×3', x: [8, 56, 56, 64], filter: [3, 3, 64, 192], strides: [1, 1] },
  { what: '224 2c temporal', x: [1, 8, 3136, 192], filter: [3, 1, 192, 192], strides: [1, 1] },
  { what: '224 3b 3×3', x: [8, 28, 28, 96], filter: [3, 3, 96, 128], strides: [1, 1] },
  { what: '224 3c 3×3', x: [8, 28, 28, 128], filter: [3, 3, 128, 192], strides: [1, 1] },
  { what: '224 3c temporal', x: [1, 8, 784, 192], filter: [3, 1, 192, 192], strides: [1, 1] },
  { what: '224 4f 3×3', x: [4, 14, 14, 160], filter: [3, 3, 160, 320], strides: [1, 1] },
  { what: '224 4f temporal', x: [1, 4, 196, 320], filter: [3, 1, 320, 320], strides: [1, 1] },
  { what: '224 5c 3×3', x: [2, 7, 7, 192], filter: [3, 3, 192, 384], strides: [1, 1] },
  { what: '224 5c temporal', x: [1, 2, 49, 384], filter: [3, 1, 384, 384], strides: [1, 1] },
];

const { values: flags } = parseArgs({ options: { reps: { type: 'string', default: '5' }, only: { type: 'string' } } });
const reps = Number(flags.reps);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * CPU ms (user + system) of one call on fresh copies of its inputs, its result read back so the
 * work is done. Fresh because wasm's matmul and conv cache their packed right operand / filter
 * per tensor: in a training step every dy and x is new, so that packing is part of the cost.
 */
function cpuMs(f: (x: tf.Tensor4D, dy: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, dy: tf.Tensor4D): number {
  const [xc, dyc] = [tf.add(x, 0), tf.add(dy, 0)] as tf.Tensor4D[];
  const start = process.cpuUsage();
  const r = f(xc, dyc);
  r.dataSync();
  const used = process.cpuUsage(start);
  tf.dispose([r, xc, dyc]);
  return (used.user + used.system) / 1000;
}

await useBackend('wasm'); // with our kernels, as the CLI runs wasm
console.log('case\tx\tfilter\tGFLOP\ttaps ms\tconv ms\tconv/taps\tmax |diff|');
for (const c of CASES.filter((k) => !flags.only || k.what.includes(flags.only))) {
  const [n, h, w] = c.x;
  const [kh, kw, ci, co] = c.filter;
  const dyShape: Shape4 = [n, outputSize(h, kh, c.strides[0], 'SAME'), outputSize(w, kw, c.strides[1], 'SAME'), co];
  const x = tf.randomUniform(c.x, -1, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomUniform(dyShape, -1, 1, 'float32', 2) as tf.Tensor4D;
  const taps = (xs: tf.Tensor4D, dys: tf.Tensor4D) => conv2dFilterGradByTaps(xs, dys, c.filter, c.strides, 'SAME');
  const conv = (xs: tf.Tensor4D, dys: tf.Tensor4D) => conv2dFilterGradByConv(xs, dys, c.filter, c.strides, 'SAME');
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(taps(x, dy), conv(x, dy)))).dataSync()[0]);
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < reps; r++) {
    times[0].push(cpuMs(taps, x, dy));
    times[1].push(cpuMs(conv, x, dy));
  }
  tf.dispose([x, dy]);
  const gflop = (2 * dyShape.reduce((a, b) => a * b, 1) * kh * kw * ci) / 1e9;
  const [t, v] = times.map(median);
  console.log(
    `${c.what}\t[${c.x}]\t[${c.filter}]\t${gflop.toFixed(3)}\t${t.toFixed(1)}\t${v.toFixed(1)}\t${(v / t).toFixed(2)}\t${diff.toExponential(1)}`,
  );
}
