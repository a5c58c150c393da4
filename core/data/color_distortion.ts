/**
 * Training-time colour distortion of a float clip, as TF-slim's inception `distort_color`
 * (non-fast mode) applied to a whole video tensor: one random brightness, saturation, hue and
 * contrast for the entire clip, applied in one of four orderings, then clipped to [0, 1].
 *
 * tfjs has no RGBToHSV/AdjustHue kernels, so these run on typed arrays in place. Hue and
 * saturation are done in closed form on (max, min, chroma), which is what TF's AdjustHue and
 * AdjustSaturation kernels compute through HSV, without leaving RGB.
 *
 * Layout everywhere: Float32Array [T, H, W, C] (frames, rows, columns, channels), values ~[0, 1].
 */
import type { Rng } from './rng.ts';

/** The four colour operations, by the names `distort_color` uses. */
export type ColorOp = 'brightness' | 'saturation' | 'hue' | 'contrast';

/** The orderings of TF-slim's `distort_color`, indexed by `color_ordering` (0–3). */
export const COLOR_ORDERINGS: readonly (readonly ColorOp[])[] = [
  ['brightness', 'saturation', 'hue', 'contrast'],
  ['saturation', 'brightness', 'contrast', 'hue'],
  ['contrast', 'hue', 'brightness', 'saturation'],
  ['hue', 'saturation', 'contrast', 'brightness'],
];

/** Parameters of one clip's distortion; the same for every frame of the clip. */
export interface ColorDistortion {
  /** Index into COLOR_ORDERINGS. */
  ordering: number;
  /** Added to every value; random_brightness(max_delta = 8/255). */
  brightnessDelta: number;
  /** Multiplies HSV saturation; random_saturation(0.9, 1.1). */
  saturationFactor: number;
  /** Added to HSV hue, in turns (1 = 360°); random_hue(max_delta = 0.05). */
  hueDelta: number;
  /** Scales distance from the per-frame, per-channel mean; random_contrast(0.9, 1.1). */
  contrastFactor: number;
}

/** Ranges of the random parameters; the defaults are the original project's. */
export interface ColorDistortionRanges {
  maxBrightnessDelta: number;
  saturation: [number, number];
  maxHueDelta: number;
  contrast: [number, number];
}

export const DEFAULT_DISTORTION_RANGES: ColorDistortionRanges = {
  maxBrightnessDelta: 8 / 255,
  saturation: [0.9, 1.1],
  maxHueDelta: 0.05,
  contrast: [0.9, 1.1],
};

/** Draws an ordering uniformly from 0–3 and each parameter uniformly from its range. */
export function sampleColorDistortion(rng: Rng, ranges: ColorDistortionRanges = DEFAULT_DISTORTION_RANGES): ColorDistortion {
  return {
    ordering: rng.int(COLOR_ORDERINGS.length),
    brightnessDelta: rng.uniform(-ranges.maxBrightnessDelta, ranges.maxBrightnessDelta),
    saturationFactor: rng.uniform(ranges.saturation[0], ranges.saturation[1]),
    hueDelta: rng.uniform(-ranges.maxHueDelta, ranges.maxHueDelta),
    contrastFactor: rng.uniform(ranges.contrast[0], ranges.contrast[1]),
  };
}

/** x += delta for every value (tf.image.adjust_brightness). */
export function adjustBrightness(x: Float32Array, delta: number): void {
  for (let i = 0; i < x.length; i++) x[i] += delta;
}

/**
 * tf.image.adjust_contrast on each frame: per frame and channel, (x - mean)·factor + mean,
 * the mean taken over the frame's H·W pixels. `pixelsPerFrame` = H·W.
 */
export function adjustContrast(x: Float32Array, pixelsPerFrame: number, channels: number, factor: number): void {
  const frameSize = pixelsPerFrame * channels;
  const frames = x.length / frameSize;
  for (let f = 0; f < frames; f++) {
    const start = f * frameSize;
    const end = start + frameSize;
    if (channels === 3) {
      // The common RGB case in one read pass and one write pass.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let i = start; i < end; i += 3) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
      }
      const o0 = (s0 / pixelsPerFrame) * (1 - factor);
      const o1 = (s1 / pixelsPerFrame) * (1 - factor);
      const o2 = (s2 / pixelsPerFrame) * (1 - factor);
      for (let i = start; i < end; i += 3) {
        x[i] = x[i] * factor + o0;
        x[i + 1] = x[i + 1] * factor + o1;
        x[i + 2] = x[i + 2] * factor + o2;
      }
      continue;
    }
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let i = start + c; i < end; i += channels) sum += x[i];
      const offset = (sum / pixelsPerFrame) * (1 - factor);
      for (let i = start + c; i < end; i += channels) x[i] = x[i] * factor + offset;
    }
  }
}

/**
 * tf.image.adjust_saturation on RGB triples: S' = clip(S·factor, 0, 1) with H and V kept.
 * Solving HSV→RGB for the new S gives rgb' = V − (S'/S)(V − rgb). As in TF, a pixel whose
 * V ≤ 0 has S = 0 and comes back grey at V. `addFirst` is added to every value before (a
 * brightness change folded into this pass).
 */
export function adjustSaturation(x: Float32Array, factor: number, addFirst = 0): void {
  for (let i = 0; i < x.length; i += 3) {
    const r = x[i] + addFirst;
    const g = x[i + 1] + addFirst;
    const b = x[i + 2] + addFirst;
    const v = r > g ? Math.max(r, b) : Math.max(g, b);
    const min = r < g ? Math.min(r, b) : Math.min(g, b);
    const chroma = v - min;
    if (v <= 0) {
      x[i] = v;
      x[i + 1] = v;
      x[i + 2] = v;
      continue;
    }
    if (chroma <= 0) {
      x[i] = r;
      x[i + 1] = g;
      x[i + 2] = b;
      continue;
    }
    const s = chroma / v;
    let sNew = s * factor;
    if (sNew > 1) sNew = 1;
    else if (sNew < 0) sNew = 0;
    const k = sNew / s;
    x[i] = v - k * (v - r);
    x[i + 1] = v - k * (v - g);
    x[i + 2] = v - k * (v - b);
  }
}

/** Hue in sextants (0–6 = one turn, may be slightly negative) of a pixel with chroma > 0. */
function hueSextant(r: number, g: number, b: number, max: number, chroma: number): number {
  if (r === max) return (g - b) / chroma;
  if (g === max) return 2 + (b - r) / chroma;
  return 4 + (r - g) / chroma;
}

/** Writes the pixel at i with hue h (sextants, any real) and the given max and min (HSV → RGB). */
function writeHue(x: Float32Array, i: number, h: number, max: number, min: number): void {
  h %= 6;
  if (h < 0) h += 6;
  let sextant = Math.floor(h);
  if (sextant > 5) sextant = 5; // h rounded up to 6.0 in float
  const frac = h - sextant;
  const mid = min + (max - min) * ((sextant & 1) === 0 ? frac : 1 - frac);
  switch (sextant) {
    case 0:
      x[i] = max;
      x[i + 1] = mid;
      x[i + 2] = min;
      break;
    case 1:
      x[i] = mid;
      x[i + 1] = max;
      x[i + 2] = min;
      break;
    case 2:
      x[i] = min;
      x[i + 1] = max;
      x[i + 2] = mid;
      break;
    case 3:
      x[i] = min;
      x[i + 1] = mid;
      x[i + 2] = max;
      break;
    case 4:
      x[i] = mid;
      x[i + 1] = min;
      x[i + 2] = max;
      break;
    default:
      x[i] = max;
      x[i + 1] = min;
      x[i + 2] = mid;
      break;
  }
}

/**
 * tf.image.adjust_hue on RGB triples: hue (in turns) += delta, wrapped to [0, 1), with the
 * pixel's max and min kept. Works on the hue sextant h ∈ [0, 6) as TF's kernel does.
 * `addFirst` is added to every value before (a brightness change folded into this pass).
 */
export function adjustHue(x: Float32Array, delta: number, addFirst = 0): void {
  const shift = delta * 6;
  for (let i = 0; i < x.length; i += 3) {
    const r = x[i] + addFirst;
    const g = x[i + 1] + addFirst;
    const b = x[i + 2] + addFirst;
    const max = r > g ? Math.max(r, b) : Math.max(g, b);
    const min = r < g ? Math.min(r, b) : Math.min(g, b);
    const chroma = max - min;
    if (chroma <= 0) {
      x[i] = r;
      x[i + 1] = g;
      x[i + 2] = b;
      continue;
    }
    writeHue(x, i, hueSextant(r, g, b, max, chroma) + shift, max, min);
  }
}

/**
 * Saturation and hue in one pass. The two commute (hue rotation keeps max and min, so V and S;
 * saturation keeps the hue), so this equals adjustSaturation then adjustHue in either order,
 * as orderings 0 and 3 have them, at the cost of one pass.
 */
export function adjustSaturationAndHue(x: Float32Array, factor: number, delta: number, addFirst = 0): void {
  const shift = delta * 6;
  for (let i = 0; i < x.length; i += 3) {
    const r = x[i] + addFirst;
    const g = x[i + 1] + addFirst;
    const b = x[i + 2] + addFirst;
    const v = r > g ? Math.max(r, b) : Math.max(g, b);
    const min = r < g ? Math.min(r, b) : Math.min(g, b);
    const chroma = v - min;
    if (v <= 0) {
      x[i] = v;
      x[i + 1] = v;
      x[i + 2] = v;
      continue;
    }
    if (chroma <= 0) {
      x[i] = r;
      x[i + 1] = g;
      x[i + 2] = b;
      continue;
    }
    let sNew = (chroma / v) * factor;
    if (sNew > 1) sNew = 1;
    else if (sNew < 0) sNew = 0;
    const c2 = sNew * v;
    writeHue(x, i, hueSextant(r, g, b, v, chroma) + shift, v, v - c2);
  }
}

/** Clamps every value to [low, high] (tf.clip_by_value). */
export function clipValues(x: Float32Array, low: number, high: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < low) x[i] = low;
    else if (v > high) x[i] = high;
  }
}

/**
 * Clamps to [0, 1] after adding `addFirst`, then maps to the requested output range:
 * 'unit' keeps [0, 1], 'symmetric' gives x·2 − 1 in [-1, 1]. One pass.
 */
function clipAndScale(x: Float32Array, addFirst: number, range: 'unit' | 'symmetric'): void {
  const scale = range === 'unit' ? 1 : 2;
  const shift = range === 'unit' ? 0 : -1;
  for (let i = 0; i < x.length; i++) {
    let v = x[i] + addFirst;
    if (v < 0) v = 0;
    else if (v > 1) v = 1;
    x[i] = v * scale + shift;
  }
}

/**
 * Applies `d` to a clip in place: the four operations in the order `COLOR_ORDERINGS[d.ordering]`,
 * then a clip to [0, 1], and with `range` 'symmetric' the scaling to [-1, 1] in the same pass.
 * Brightness costs no pass of its own: it commutes with contrast ((x+δ−(m+δ))f+m+δ), so it
 * is carried to the next hue/saturation pass or the final clip and added there; adjacent
 * saturation and hue share one pass (see adjustSaturationAndHue).
 * Hue and saturation need RGB; with `channels` ≠ 3 only brightness and contrast are applied.
 * `pixelsPerFrame` = H·W.
 */
export function distortColor(
  x: Float32Array,
  pixelsPerFrame: number,
  channels: number,
  d: ColorDistortion,
  range: 'unit' | 'symmetric' = 'unit',
): void {
  const ops = COLOR_ORDERINGS[d.ordering];
  if (!ops) throw new RangeError(`color ordering must be 0–3, got ${d.ordering}`);
  let pendingBrightness = 0;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    const next = ops[k + 1];
    if (channels === 3 && ((op === 'saturation' && next === 'hue') || (op === 'hue' && next === 'saturation'))) {
      adjustSaturationAndHue(x, d.saturationFactor, d.hueDelta, pendingBrightness);
      pendingBrightness = 0;
      k++;
    } else if (op === 'brightness') pendingBrightness += d.brightnessDelta;
    else if (op === 'contrast') adjustContrast(x, pixelsPerFrame, channels, d.contrastFactor);
    else if (channels !== 3) continue;
    else if (op === 'saturation') {
      adjustSaturation(x, d.saturationFactor, pendingBrightness);
      pendingBrightness = 0;
    } else {
      adjustHue(x, d.hueDelta, pendingBrightness);
      pendingBrightness = 0;
    }
  }
  clipAndScale(x, pendingBrightness, range);
}
