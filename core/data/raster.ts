/**
 * Minimal drawing on RGB24 frames (Uint8Array [H, W, 3]) for the synthetic scenes: filled
 * rectangles, discs and thick line segments, clipped to the frame. Coordinates in pixels.
 */

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** A frame being drawn on. */
export interface Canvas {
  width: number;
  height: number;
  /** [height, width, 3] RGB24. */
  pixels: Uint8Array;
}

/** A new canvas filled with `color`. */
export function makeCanvas(width: number, height: number, color: Rgb): Canvas {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    pixels[i] = color[0];
    pixels[i + 1] = color[1];
    pixels[i + 2] = color[2];
  }
  return { width, height, pixels };
}

/** Fills the rectangle [x0, x1) × [y0, y1) (rounded to whole pixels). */
export function fillRect(c: Canvas, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const xa = Math.max(0, Math.round(x0));
  const xb = Math.min(c.width, Math.round(x1));
  const ya = Math.max(0, Math.round(y0));
  const yb = Math.min(c.height, Math.round(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = (y * c.width + x) * 3;
      c.pixels[i] = color[0];
      c.pixels[i + 1] = color[1];
      c.pixels[i + 2] = color[2];
    }
  }
}

/** Fills the disc of radius r around (cx, cy). */
export function fillDisc(c: Canvas, cx: number, cy: number, r: number, color: Rgb): void {
  const r2 = r * r;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(c.height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(c.width - 1, Math.ceil(cx + r)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy > r2) continue;
      const i = (y * c.width + x) * 3;
      c.pixels[i] = color[0];
      c.pixels[i + 1] = color[1];
      c.pixels[i + 2] = color[2];
    }
  }
}

/**
 * Draws a segment from (x0, y0) to (x1, y1) of the given thickness; `colorAt(s)` picks the
 * colour at fraction s ∈ [0, 1] along it (for striped barrier arms).
 */
export function drawSegment(
  c: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  thickness: number,
  colorAt: (s: number) => Rgb,
): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(length * 2));
  const half = thickness / 2;
  for (let i = 0; i <= steps; i++) {
    const s = i / steps;
    const x = x0 + (x1 - x0) * s;
    const y = y0 + (y1 - y0) * s;
    fillRect(c, x - half, y - half, x + half, y + half, colorAt(s));
  }
}
