import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COLOR_ORDERINGS,
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  adjustSaturationAndHue,
  clipValues,
  distortColor,
  sampleColorDistortion,
} from './color_distortion.ts';
import type { ColorDistortion } from './color_distortion.ts';
import { Rng } from './rng.ts';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

// Textbook HSV conversions (Wikipedia's formulas), written independently of the module's closed form.
function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const c = v - Math.min(r, g, b);
  const s = v > 0 ? c / v : 0;
  let h = 0;
  if (c > 0) {
    if (v === r) h = ((g - b) / c + 6) % 6;
    else if (v === g) h = (b - r) / c + 2;
    else h = (r - g) / c + 4;
  }
  return [h / 6, s, v];
}
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

test('adjustBrightness adds the delta to every value of a [1,1,2,3] clip', () => {
  const x = Float32Array.of(0.1, 0.2, 0.3, 0.9, 0.95, 1);
  adjustBrightness(x, 0.05);
  close(x, [0.15, 0.25, 0.35, 0.95, 1.0, 1.05]);
});

test('adjustContrast uses a separate mean per frame and channel ([2,1,2,3] clip)', () => {
  // frame 0: pixels (0.2,0.4,0.6) and (0.4,0.8,0.2): means (0.3,0.6,0.4)
  // frame 1: pixels (0,0,0) and (1,1,1): means 0.5
  const x = Float32Array.of(0.2, 0.4, 0.6, 0.4, 0.8, 0.2, 0, 0, 0, 1, 1, 1);
  adjustContrast(x, 2, 3, 2);
  close(x, [0.1, 0.2, 0.8, 0.5, 1.0, 0.0, -0.5, -0.5, -0.5, 1.5, 1.5, 1.5]);
});

test('adjustSaturation halves and clamps HSV saturation (hand computation)', () => {
  // (0.8,0.4,0.2): V=0.8, S=0.75, H=1/18. S·0.5=0.375 → C=0.3, m=0.5 → (0.8, 0.6, 0.5).
  const half = Float32Array.of(0.8, 0.4, 0.2);
  adjustSaturation(half, 0.5);
  close(half, [0.8, 0.6, 0.5]);
  // S·2 = 1.5 clamps to 1 → C=0.8, m=0 → (0.8, 0.8/3, 0).
  const doubled = Float32Array.of(0.8, 0.4, 0.2);
  adjustSaturation(doubled, 2);
  close(doubled, [0.8, 0.8 / 3, 0]);
  // Grey pixels stay; a pixel with V ≤ 0 has S = 0 in TF and comes back grey at V.
  const grey = Float32Array.of(0.5, 0.5, 0.5, -0.01, -0.02, -0.03);
  adjustSaturation(grey, 1.1);
  close(grey, [0.5, 0.5, 0.5, -0.01, -0.01, -0.01]);
});

test('adjustHue rotates hue with wrap-around (hand computation)', () => {
  const x = Float32Array.of(1, 0, 0, 1, 0, 0, 0.2, 0.2, 0.2);
  adjustHue(x.subarray(0, 3), 1 / 3); // red → green
  adjustHue(x.subarray(3, 6), -0.05); // hue 0.95: sextant 5, fraction 0.7 → blue = 0.3
  adjustHue(x.subarray(6, 9), 0.2); // grey has no hue
  close(x, [0, 1, 0, 1, 0, 0.3, 0.2, 0.2, 0.2], 1e-6);
});

test('adjustHue and adjustSaturation agree with a textbook HSV round trip on 500 random pixels', () => {
  const rng = new Rng(7);
  const n = 500;
  const px = new Float32Array(n * 3);
  for (let i = 0; i < px.length; i++) px[i] = rng.next();
  for (const [delta, factor] of [
    [0.05, 1.1],
    [-0.05, 0.9],
    [0.4, 1.0],
  ]) {
    const hue = px.slice();
    const sat = px.slice();
    adjustHue(hue, delta);
    adjustSaturation(sat, factor);
    const hueRef: number[] = [];
    const satRef: number[] = [];
    for (let i = 0; i < n; i++) {
      const [h, s, v] = rgbToHsv(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
      hueRef.push(...hsvToRgb((((h + delta) % 1) + 1) % 1, s, v));
      satRef.push(...hsvToRgb(h, Math.min(1, Math.max(0, s * factor)), v));
    }
    close(hue, hueRef, 1e-5);
    close(sat, satRef, 1e-5);
  }
});

test('adjustSaturationAndHue equals saturation then hue and hue then saturation (300 pixels, some out of [0,1])', () => {
  const rng = new Rng(21);
  const px = Float32Array.from({ length: 900 }, () => rng.uniform(-0.1, 1.1));
  for (const [factor, delta, add] of [
    [1.08, 0.04, 0],
    [0.91, -0.05, 0.02],
    [1.1, 0.3, -0.03],
  ]) {
    const fused = px.slice();
    adjustSaturationAndHue(fused, factor, delta, add);
    const sh = px.slice();
    adjustSaturation(sh, factor, add);
    adjustHue(sh, delta);
    const hs = px.slice();
    adjustHue(hs, delta, add);
    adjustSaturation(hs, factor);
    close(fused, sh, 2e-6);
    close(fused, hs, 2e-6);
  }
});

test('COLOR_ORDERINGS are the four orderings of TF-slim distort_color', () => {
  assert.deepEqual(COLOR_ORDERINGS, [
    ['brightness', 'saturation', 'hue', 'contrast'],
    ['saturation', 'brightness', 'contrast', 'hue'],
    ['contrast', 'hue', 'brightness', 'saturation'],
    ['hue', 'saturation', 'contrast', 'brightness'],
  ]);
});

test('distortColor applies the operations in the chosen ordering, then clips to [0,1] ([2,2,2,3] clip)', () => {
  const rng = new Rng(3);
  const clip = new Float32Array(2 * 2 * 2 * 3);
  for (let i = 0; i < clip.length; i++) clip[i] = rng.next();
  const base = { brightnessDelta: 0.03, saturationFactor: 1.08, hueDelta: -0.04, contrastFactor: 0.92 };
  const results: Float32Array[] = [];
  for (let ordering = 0; ordering < 4; ordering++) {
    const d: ColorDistortion = { ordering, ...base };
    const got = clip.slice();
    distortColor(got, 4, 3, d);
    const want = clip.slice();
    for (const op of COLOR_ORDERINGS[ordering]) {
      if (op === 'brightness') adjustBrightness(want, d.brightnessDelta);
      if (op === 'saturation') adjustSaturation(want, d.saturationFactor);
      if (op === 'hue') adjustHue(want, d.hueDelta);
      if (op === 'contrast') adjustContrast(want, 4, 3, d.contrastFactor);
    }
    clipValues(want, 0, 1);
    close(got, want, 2e-6); // brightness is folded into other passes: same values up to float rounding
    results.push(got);
  }
  // The orderings do not commute: at least two of them give different clips.
  assert.ok(results.some((r) => r.some((v, i) => Math.abs(v - results[0][i]) > 1e-4)));
});

test('distortColor clips values pushed outside [0,1]', () => {
  const x = Float32Array.of(0.99, 0.5, 0.01);
  distortColor(x, 1, 3, { ordering: 0, brightnessDelta: 0.05, saturationFactor: 1, hueDelta: 0, contrastFactor: 1 });
  close(x, [1, 0.55, 0.06]);
  const y = Float32Array.of(0.02, 0.5, 0.9);
  // ordering 3 ends with brightness: (-0.03, 0.45, 0.85), then the clip → (0, 0.45, 0.85)
  distortColor(y, 1, 3, { ordering: 3, brightnessDelta: -0.05, saturationFactor: 1, hueDelta: 0, contrastFactor: 1 });
  close(y, [0, 0.45, 0.85]);
  // ordering 0 runs saturation after brightness: as in TF, S = 0.88/0.85 > 1 is clamped to 1,
  // which moves the negative value to 0 and scales the middle one: 0.85 − (0.85/0.88)·0.40.
  const z = Float32Array.of(0.02, 0.5, 0.9);
  distortColor(z, 1, 3, { ordering: 0, brightnessDelta: -0.05, saturationFactor: 1, hueDelta: 0, contrastFactor: 1 });
  close(z, [0, 0.85 - (0.85 / 0.88) * 0.4, 0.85]);
});

test('sampleColorDistortion stays in the original ranges and is reproducible from a seed', () => {
  const a = new Rng(11);
  const b = new Rng(11);
  const seen = new Set<number>();
  for (let i = 0; i < 400; i++) {
    const d = sampleColorDistortion(a);
    assert.deepEqual(sampleColorDistortion(b), d);
    seen.add(d.ordering);
    assert.ok(Math.abs(d.brightnessDelta) <= 8 / 255);
    assert.ok(d.saturationFactor >= 0.9 && d.saturationFactor < 1.1);
    assert.ok(Math.abs(d.hueDelta) <= 0.05);
    assert.ok(d.contrastFactor >= 0.9 && d.contrastFactor < 1.1);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});
