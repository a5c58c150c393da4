/**
 * YUV 4:2:0 frames (I420 or NV12, as WebCodecs decodes H.264/VP8/VP9) to RGBA with the matrix
 * and range ffmpeg's swscale uses when the CLI decodes: the stream's tagged matrix (BT.709
 * when tagged so, else BT.601) and range (limited unless tagged full), chroma taken from the
 * co-sited 2×2 block. The browser's own canvas conversion picks other defaults (several
 * levels off in green), which would feed the model different pixels than training used.
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

/** Converts a 4:2:0 frame; `format` 'I420' has U and V planes, 'NV12' one interleaved UV plane. */
export function yuv420ToRgba(data: Uint8Array, planes: Plane[], format: 'I420' | 'NV12', width: number, height: number, color: YuvColor): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * height * 4);
  const c = COEFFS[color.matrix];
  const ys = color.fullRange ? 1 : 255 / 219;
  const cs = color.fullRange ? 1 : 255 / 224;
  const y0 = color.fullRange ? 0 : 16;
  const [py, pu] = planes;
  const pv = format === 'I420' ? planes[2] : null;
  for (let row = 0; row < height; row++) {
    const yRow = py.offset + row * py.stride;
    const cRow = row >> 1;
    for (let col = 0; col < width; col++) {
      const y = (data[yRow + col] - y0) * ys;
      let u: number;
      let v: number;
      if (pv) {
        u = data[pu.offset + cRow * pu.stride + (col >> 1)];
        v = data[pv.offset + cRow * pv.stride + (col >> 1)];
      } else {
        const at = pu.offset + cRow * pu.stride + (col >> 1) * 2;
        u = data[at];
        v = data[at + 1];
      }
      u = (u - 128) * cs;
      v = (v - 128) * cs;
      const o = (row * width + col) * 4;
      out[o] = y + c.rv * v;
      out[o + 1] = y - c.gu * u - c.gv * v;
      out[o + 2] = y + c.bu * u;
      out[o + 3] = 255;
    }
  }
  return out;
}
