/**
 * Frame resizing as the CLI's decoder does it (ffmpeg `scale=W:H:flags=bilinear`, swscale): a
 * separable triangle filter centred on (o + 0.5)·in/out − 0.5 whose radius is max(1, in/out),
 * so downscaling averages every source pixel under the output pixel instead of sampling four
 * (TF's resize_bilinear, core/data/resize_bilinear.ts, aliases on downscales). Matching the CLI
 * matters because the CLI makes the training data.
 *
 * Layout: [H, W, C] bytes in (after the crop), bytes out [outH, outW, C].
 */

/** Per output index: first source index and the normalised weights. */
interface Taps {
  first: Int32Array;
  weights: Float32Array[];
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const radius = Math.max(1, scale);
  const first = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - radius));
    const hi = Math.min(inSize - 1, Math.floor(centre + radius));
    const w = new Float32Array(hi - lo + 1);
    let sum = 0;
    for (let i = lo; i <= hi; i++) {
      const v = Math.max(0, 1 - Math.abs(i - centre) / radius);
      w[i - lo] = v;
      sum += v;
    }
    if (sum === 0) {
      // Centre outside the frame (tiny sources): take the nearest edge pixel.
      first[o] = Math.min(inSize - 1, Math.max(0, Math.round(centre)));
      weights.push(Float32Array.of(1));
      continue;
    }
    for (let i = 0; i < w.length; i++) w[i] /= sum;
    first[o] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** Resizes one frame (`src` [height, width, channels], optionally a crop window of a larger frame). */
export function resizeLikeFfmpeg(
  src: Uint8Array,
  frame: { width: number; height: number; channels: number },
  crop: { x: number; y: number; width: number; height: number },
  outHeight: number,
  outWidth: number,
): Uint8Array {
  const { channels: ch } = frame;
  const xs = taps(crop.width, outWidth);
  const ys = taps(crop.height, outHeight);
  // Horizontal pass over the crop's rows: [crop.height, outWidth, ch] floats.
  const mid = new Float32Array(crop.height * outWidth * ch);
  for (let r = 0; r < crop.height; r++) {
    const row = ((crop.y + r) * frame.width + crop.x) * ch;
    for (let o = 0; o < outWidth; o++) {
      const w = xs.weights[o];
      const base = row + xs.first[o] * ch;
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k] * src[base + k * ch + c];
        mid[(r * outWidth + o) * ch + c] = acc;
      }
    }
  }
  const out = new Uint8Array(outHeight * outWidth * ch);
  const rowSize = outWidth * ch;
  for (let o = 0; o < outHeight; o++) {
    const w = ys.weights[o];
    const base = ys.first[o] * rowSize;
    for (let i = 0; i < rowSize; i++) {
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k] * mid[base + k * rowSize + i];
      out[o * rowSize + i] = Math.min(255, Math.max(0, Math.round(acc)));
    }
  }
  return out;
}
