import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { axisPadding } from '../../ops/shape.ts';
import { tapPatches } from '../kernels/tap_patches.ts';

/**
 * Gradient of conv2d with respect to its filter, as one matmul of every kernel tap's window of x
 * with dy: dW[i,j] = Σ_{n,y,x} xpad[n, y·sh+i, x·sw+j, :]ᵀ · dy[n, y, x, :], the windows stacked
 * as the rows of the left operand (kernels/tap_patches.ts), so the result is [kh·kw·Ci, Co].
 * Laid out for wasm's fast path, which XNNPACK only takes for matmuls without transposes: x is
 * transposed once to channels first ([Ci, N, H·W], each tap a window of it) and dy [N·Ho·Wo, Co]
 * is the right operand. A strided conv first splits x into its sh×sw phases (a reshape and a
 * transpose), so every tap is a plain window of one phase.
 * Each window is taken whole-row wide: rows ⌊i/sh⌋ … +Ho of its phase with all Ws columns, one
 * contiguous run per image, and dy is widened to Ws columns with zeros, so the columns beyond
 * the window add nothing. Why: windows Wo wide cost Ho copies per image (core/tfjs/README.md).
 * x: [N,H,W,Ci]; dy: [N,Ho,Wo,Co]; returns [kh,kw,Ci,Co].
 */
export function conv2dFilterGradByTaps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = x.shape;
    const [, ho, wo, co] = dy.shape;
    const [kh, kw] = filterShape;
    const [sh, sw] = strides;
    if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && ho === h && wo === w) {
      const xT = tf.transpose(tf.reshape(x, [n * h * w, ci]));
      return tf.reshape(tf.matMul(xT, tf.reshape(dy, [n * ho * wo, co])), filterShape);
    }
    // Columns of each phase: tap j reads phase j mod sw, columns ⌊j/sw⌋ … ⌊j/sw⌋+wo-1.
    const ws = Math.floor((kw - 1) / sw) + wo;
    // Rows of each phase, likewise, plus one when a window starts past column 0: a whole-row
    // window from the last row then runs that many cells into the row below.
    const hs = Math.floor((kh - 1) / sh) + ho + (ws > wo ? 1 : 0);
    const [top] = axisPadding(h, kh, sh, padding);
    const [left] = axisPadding(w, kw, sw, padding);
    const paddedRows = hs * sh;
    const paddedCols = ws * sw;
    // Pad (or crop: VALID and uneven strides leave cells no tap reads) x, channels first, to
    // [ci, n, paddedRows, paddedCols].
    const unpadded = tf.transpose(x, [3, 0, 1, 2]); // [ci, n, h, w]
    const padded = tf.pad(unpadded, [
      [0, 0],
      [0, 0],
      [top, Math.max(paddedRows - top - h, 0)],
      [left, Math.max(paddedCols - left - w, 0)],
    ]);
    const xT =
      padded.shape[2] === paddedRows && padded.shape[3] === paddedCols
        ? padded
        : tf.slice(padded, [0, 0, 0, 0], [ci, n, paddedRows, paddedCols]);
    // Every phase as one block of ci rows: [phases·ci, n, hs·ws].
    const phases =
      sh === 1 && sw === 1
        ? tf.reshape(xT, [ci, n, paddedRows * paddedCols])
        : // [ci·n·hs, sh, ws, sw] → [sh, sw, ci·n·hs, ws]: phase (p, q) is one contiguous block.
          tf.reshape(tf.transpose(tf.reshape(xT, [ci * n * hs, sh, ws, sw]), [1, 3, 0, 2]), [sh * sw * ci, n, hs * ws]);
    const dyWide =
      ws > wo
        ? tf.pad(dy, [
            [0, 0],
            [0, 0],
            [0, ws - wo],
            [0, 0],
          ])
        : dy;
    const dyFlat = tf.reshape(dyWide, [n * ho * ws, co]);
    // Tap (i, j) reads phase (i mod sh, j mod sw) from row ⌊i/sh⌋, column ⌊j/sw⌋ on.
    const tapPhases: number[] = [];
    const tapStarts: number[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        tapPhases.push((i % sh) * sw + (j % sw));
        tapStarts.push(Math.floor(i / sh) * ws + Math.floor(j / sw));
      }
    }
    // The contraction runs over n·ho·ws positions, in chunks of whole rows (rowChunks); each
    // chunk is one matmul of every tap's window, stacked, with dy.
    const chunks = rowChunks(n, ho, ws);
    // Each chunk's patches (taps × its share of x) are freed as soon as its matmul is done.
    const parts = chunks.map(({ image, images, row, rows }) =>
      tf.tidy(() => {
        const patches = tapPatches(phases as tf.Tensor3D, {
          channels: ci,
          phases: tapPhases,
          starts: tapStarts,
          image,
          images,
          offset: row * ws,
          length: rows * ws,
        });
        const dyChunk = chunks.length === 1 ? dyFlat : tf.slice(dyFlat, [(image * ho + row) * ws, 0], [images * rows * ws, co]);
        return tf.matMul(patches, dyChunk);
      }),
    );
    return tf.reshape(parts.length === 1 ? parts[0] : tf.addN(parts), filterShape);
  });
}

/**
 * Contraction length per matmul: wasm's matmul (XNNPACK) streams the whole contraction for every
 * tile of its output, so long contractions run faster as chunks, summed (core/tfjs/README.md).
 */
const CONTRACTION_CHUNK = 4096;

interface RowChunk {
  image: number;
  images: number;
  row: number;
  rows: number;
}

/** n images of ho rows of ws positions, as chunks of whole rows of about CONTRACTION_CHUNK positions. */
function rowChunks(n: number, ho: number, ws: number): RowChunk[] {
  if (n * ho * ws <= 2 * CONTRACTION_CHUNK) return [{ image: 0, images: n, row: 0, rows: ho }];
  const chunks: RowChunk[] = [];
  if (ho * ws <= CONTRACTION_CHUNK) {
    const per = Math.floor(CONTRACTION_CHUNK / (ho * ws));
    for (let image = 0; image < n; image += per) chunks.push({ image, images: Math.min(per, n - image), row: 0, rows: ho });
    return chunks;
  }
  const per = Math.max(1, Math.floor(CONTRACTION_CHUNK / ws));
  for (let image = 0; image < n; image++) {
    for (let row = 0; row < ho; row += per) chunks.push({ image, images: 1, row, rows: Math.min(per, ho - row) });
  }
  return chunks;
}
