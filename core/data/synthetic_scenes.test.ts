import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROSSING_CLASSES, SCENE_EVENT_CLASSES, framesToRanges, renderCrossing, renderSceneEvents } from './synthetic_crossing.ts';
import { MOTION_CLASSES, renderMotion } from './synthetic_motion.ts';

const size = { width: 32, height: 32, fps: 8, durationSeconds: 6 };

test('crossing scenes: deterministic from the seed, 48 frames of 32×32×3', () => {
  const a = renderCrossing(3, size);
  const b = renderCrossing(3, size);
  const c = renderCrossing(4, size);
  assert.equal(a.frames.length, 48);
  assert.equal(a.frames[0].length, 32 * 32 * 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.frames, c.frames);
});

test('crossing labels are consistent and every class occurs across 40 seeds', () => {
  const seen = new Set<number>();
  for (let seed = 0; seed < 40; seed++) {
    const { ranges } = renderCrossing(seed, size);
    const on = (k: number, t: number) => ranges.some((r) => r.classIndex === k && t >= r.start && t < r.end);
    for (let i = 0; i < 48; i++) {
      const t = (i + 0.5) / 8;
      assert.ok(!(on(0, t) && on(1, t)), `seed ${seed} frame ${i}: lowering and raising at once`);
      assert.ok(!(on(2, t) && on(3, t)), `seed ${seed} frame ${i}: train both ways`);
      // A pedestrian counts only while the gates are down, never while they move.
      assert.ok(!(on(4, t) && (on(0, t) || on(1, t))), `seed ${seed} frame ${i}: pedestrian label while gates move`);
    }
    ranges.forEach((r) => seen.add(r.classIndex));
  }
  assert.deepEqual(
    [...seen].sort(),
    CROSSING_CLASSES.map((_, k) => k),
  );
});

test('scene-event labels (pretraining vocabulary): same frames as the crossing video, consistent labels, every class across 40 seeds', () => {
  const seen = new Set<number>();
  for (let seed = 0; seed < 40; seed++) {
    const crossing = renderCrossing(seed, size);
    const events = renderSceneEvents(seed, size);
    assert.deepEqual(events.frames, crossing.frames);
    const on = (ranges: typeof events.ranges, k: number, t: number) => ranges.some((r) => r.classIndex === k && t >= r.start && t < r.end);
    for (let i = 0; i < 48; i++) {
      const t = (i + 0.5) / 8;
      // Lowering turns both bars anticlockwise on screen, raising clockwise.
      const ev = (name: (typeof SCENE_EVENT_CLASSES)[number]) => on(events.ranges, SCENE_EVENT_CLASSES.indexOf(name), t);
      assert.equal(ev('bars_turning_anticlockwise'), on(crossing.ranges, 0, t));
      assert.equal(ev('bars_turning_clockwise'), on(crossing.ranges, 1, t));
      assert.equal(ev('object_moving_right'), on(crossing.ranges, 2, t));
      assert.equal(ev('object_moving_left'), on(crossing.ranges, 3, t));
      assert.ok(!ev('bars_across_road') || !ev('bars_turning_clockwise'), 'bars across the road while turning');
      if (on(crossing.ranges, 4, t)) assert.ok(ev('bars_across_road') && ev('person_on_track'), `seed ${seed} frame ${i}`);
    }
    events.ranges.forEach((r) => seen.add(r.classIndex));
  }
  assert.deepEqual(
    [...seen].sort(),
    SCENE_EVENT_CLASSES.map((_, k) => k),
  );
});

test('framesToRanges merges runs of frames into [start, end) seconds', () => {
  const labels = [
    [1, 0],
    [1, 1],
    [0, 1],
    [1, 0],
  ].map((l) => Uint8Array.from(l));
  assert.deepEqual(framesToRanges(labels, 4), [
    { start: 0, end: 0.5, classIndex: 0 },
    { start: 0.75, end: 1, classIndex: 0 },
    { start: 0.25, end: 0.75, classIndex: 1 },
  ]);
});

test('motion clips: shapes move by the class velocity (right_fast at 8 fps moves 32 px/s → 4 px per frame)', () => {
  const k = MOTION_CLASSES.indexOf('right_fast');
  const v = renderMotion(1, { width: 32, height: 32, fps: 8, durationSeconds: 2 }, k);
  assert.equal(v.classIndex, k);
  assert.equal(v.frames.length, 16);
  // Frame 1 equals frame 0 shifted right by 4 pixels (with wrap-around), row by row.
  const shifted = new Uint8Array(v.frames[0].length);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) shifted[(y * 32 + ((x + 4) % 32)) * 3 + c] = v.frames[0][(y * 32 + x) * 3 + c];
  const differing = shifted.reduce((n, x, i) => n + (x !== v.frames[1][i] ? 1 : 0), 0);
  assert.ok(differing < 0.03 * shifted.length, `${differing} values differ`); // rounding at shape edges only
  assert.equal(MOTION_CLASSES.length, 8);
});
