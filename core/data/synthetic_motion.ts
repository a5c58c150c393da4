/**
 * A second synthetic task, standing in for Kinetics pretraining: short clips of a few shapes
 * on a noisy background, all moving the same way; the class is the direction and speed of the
 * motion (8 classes, one per clip). Like the crossing task it needs time: any single frame is
 * a still of shapes. Deterministic from a seed.
 */
import { fillDisc, fillRect, makeCanvas } from './raster.ts';
import type { Rgb } from './raster.ts';
import { Rng } from './rng.ts';
import type { SceneSize } from './synthetic_crossing.ts';

const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
const SPEEDS = ['slow', 'fast'] as const;

/** Label index order: left_slow, left_fast, right_slow, … */
export const MOTION_CLASSES: readonly string[] = DIRECTIONS.flatMap((d) => SPEEDS.map((s) => `${d}_${s}`));

/** One rendered motion clip: frames [H, W, 3] RGB24 and its class index. */
export interface MotionVideo {
  frames: Uint8Array[];
  classIndex: number;
}

/** Renders a motion clip; `classIndex` is drawn from the seed unless given. */
export function renderMotion(seed: number, size: SceneSize, classIndex?: number): MotionVideo {
  const rng = new Rng(seed);
  const cls = classIndex ?? rng.int(MOTION_CLASSES.length);
  const direction = DIRECTIONS[Math.floor(cls / SPEEDS.length)];
  const fast = SPEEDS[cls % SPEEDS.length] === 'fast';
  const { width: w, height: h, fps } = size;
  // Pixels per second: slow crosses a third of the frame per second, fast a whole frame.
  const speed = (fast ? 1.0 : 0.33) * w;
  const [vx, vy] = direction === 'left' ? [-speed, 0] : direction === 'right' ? [speed, 0] : direction === 'up' ? [0, -speed] : [0, speed];
  const shapes = Array.from({ length: 2 + rng.int(3) }, () => ({
    x: rng.uniform(0, w),
    y: rng.uniform(0, h),
    r: rng.uniform(0.06, 0.14) * w,
    square: rng.next() < 0.5,
    color: [rng.int(256), rng.int(256), rng.int(256)] as Rgb,
  }));
  const background: Rgb = [rng.int(80), rng.int(80), rng.int(80)];
  const count = Math.round(size.durationSeconds * fps);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / fps;
    const canvas = makeCanvas(w, h, background);
    for (const s of shapes) {
      // Shapes wrap around the edges, so every frame shows them all.
      const x = (((s.x + vx * t) % w) + w) % w;
      const y = (((s.y + vy * t) % h) + h) % h;
      for (const [ox, oy] of [
        [0, 0],
        [-w, 0],
        [w, 0],
        [0, -h],
        [0, h],
      ]) {
        if (s.square) fillRect(canvas, x + ox - s.r, y + oy - s.r, x + ox + s.r, y + oy + s.r, s.color);
        else fillDisc(canvas, x + ox, y + oy, s.r, s.color);
      }
    }
    frames.push(canvas.pixels);
  }
  return { frames, classIndex: cls };
}
