/**
 * YUV 4:2:0 frames (I420 or NV12: what WebCodecs decodes H.264/VP8/VP9 to, and what ffmpeg
 * hands the CLI raw) to RGBA, with swscale's default choices: the stream's tagged matrix (BT.709
 * when tagged so, else BT.601) and range (limited unless tagged full), each chroma sample used
 * for its 2×2 block of pixels. The CLI (node/video/decode.ts) and the web app both convert with
 * this, so their RGB is the same by construction. (swscale itself interpolates chroma when the
 * height is odd, and the browser's canvas conversion picks other defaults, several levels off
 * in green: either would give the model other pixels than training used.)
 */

/** One plane's place in the copied buffer (WebCodecs PlaneLayout). */
export interface Plane {
  offset: number;
  stride: number;
}

/** Colour conversion settings. */
export interface YuvColor {
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

/** The swscale-equivalent settings for a frame's (possibly absent) colour space tags. */
export function colorOf(space: { matrix?: string | null; fullRange?: boolean | null } | null | undefined): YuvColor {
  return { matrix: space?.matrix === 'bt709' ? 'bt709' : 'bt601', fullRange: space?.fullRange === true };
}

const COEFFS = {
  bt601: { rv: 1.402, gu: 0.344136, gv: 0.714136, bu: 1.772 },
  bt709: { rv: 1.5748, gu: 0.187324, gv: 0.468124, bu: 1.8556 },
};

/**
 * Converts a 4:2:0 frame; `format` 'I420' has U and V planes, 'NV12' one interleaved UV plane.
 * Writes into `out` (width·height·4 bytes) when given, e.g. to reuse one buffer for a video.
 */
export function yuv420ToRgba(
  data: Uint8Array,
  planes: Plane[],
  format: 'I420' | 'NV12',
  width: number,
  height: number,
  color: YuvColor,
  out = new Uint8ClampedArray(width * height * 4),
): Uint8ClampedArray<ArrayBuffer> {
  if (out.length !== width * height * 4) throw new RangeError(`yuv420ToRgba: ${out.length} output bytes for a ${width}×${height} frame`);
  const c = COEFFS[color.matrix];
  const ys = color.fullRange ? 1 : 255 / 219;
  const cs = color.fullRange ? 1 : 255 / 224;
  const y0 = color.fullRange ? 0 : 16;
  // Per-byte tables of each term (the same products the formulas give), and each chroma pair's
  // terms computed once for the two pixels of a row that share it: faster than per pixel.
  const luma = new Float64Array(256);
  const rv = new Float64Array(256);
  const gu = new Float64Array(256);
  const gv = new Float64Array(256);
  const bu = new Float64Array(256);
  for (let b = 0; b < 256; b++) {
    luma[b] = (b - y0) * ys;
    const chroma = (b - 128) * cs;
    rv[b] = c.rv * chroma;
    gu[b] = c.gu * chroma;
    gv[b] = c.gv * chroma;
    bu[b] = c.bu * chroma;
  }
  const [py, pu] = planes;
  const pv = format === 'I420' ? planes[2] : null;
  // I420: U and V bytes are 1 apart along a row in their own planes; NV12: interleaved, 2 apart.
  const cStep = pv ? 1 : 2;
  const vShift = pv ? pv.offset - pu.offset : 1;
  for (let row = 0; row < height; row++) {
    const yRow = py.offset + row * py.stride;
    const uRow = pu.offset + (row >> 1) * pu.stride;
    const vRow = uRow + vShift + (pv ? (row >> 1) * (pv.stride - pu.stride) : 0);
    let o = row * width * 4;
    for (let col = 0, k = 0; col < width; col += 2, k += cStep) {
      const u = data[uRow + k];
      const v = data[vRow + k];
      const r = rv[v];
      const g = gu[u];
      const g2 = gv[v];
      const b = bu[u];
      let y = luma[data[yRow + col]];
      out[o] = y + r;
      out[o + 1] = y - g - g2;
      out[o + 2] = y + b;
      out[o + 3] = 255;
      o += 4;
      if (col + 1 === width) break;
      y = luma[data[yRow + col + 1]];
      out[o] = y + r;
      out[o + 1] = y - g - g2;
      out[o + 2] = y + b;
      out[o + 3] = 255;
      o += 4;
    }
  }
  return out;
}
