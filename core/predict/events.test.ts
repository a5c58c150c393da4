import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classEvents, eventsJson, timelineEvents } from './events.ts';
import { windowSpan, type Timeline, type TimelineWindow } from './timeline.ts';

/** Windows of 4 frames every 2 frames at 2 fps, with class probabilities `rows`. */
function windows(rows: number[][]): TimelineWindow[] {
  return rows.map((p, i) => ({ ...windowSpan(2 * i, 4, 2), probabilities: Float32Array.from(p), padded: false }));
}

test('a run of windows at or over the threshold is one event: first start to last end, peak and mean', () => {
  const w = windows([[0.1], [0.5], [0.9], [0.7], [0.2], [0.6]]);
  const events = classEvents(w, 0, { threshold: 0.5, minEventSeconds: 0 });
  assert.equal(events.length, 2);
  const [a, b] = events;
  // Windows 1–3: frames 2–10 → 1 s to 5 s.
  assert.deepEqual([a.startFrame, a.endFrame, a.startSeconds, a.endSeconds, a.windows], [2, 10, 1, 5, 3]);
  assert.ok(Math.abs(a.peak - 0.9) < 1e-6);
  assert.equal(a.peakSeconds, 2);
  assert.ok(Math.abs(a.mean - (0.5 + 0.9 + 0.7) / 3) < 1e-6);
  // The last window alone: frames 10–14.
  assert.deepEqual([b.startFrame, b.endFrame, b.windows], [10, 14, 1]);
});

test('minEventSeconds drops shorter events; the threshold is per class', () => {
  const w = windows([
    [0.9, 0.1],
    [0.2, 0.8],
    [0.9, 0.8],
    [0.9, 0.3],
  ]);
  const t: Timeline = { video: 'v.mp4', fps: 2, clipLength: 4, stride: 2, classNames: ['gate', 'train'], windows: w };
  // Single windows last 2 s; the run of two lasts 3 s.
  const all = timelineEvents(t, { threshold: 0.5, minEventSeconds: 0 });
  assert.deepEqual(
    all.map((c) => [c.className, c.events.map((e) => [e.startSeconds, e.endSeconds])]),
    [
      [
        'gate',
        [
          [0, 2],
          [2, 5],
        ],
      ],
      ['train', [[1, 4]]],
    ],
  );
  const long = timelineEvents(t, { threshold: 0.5, minEventSeconds: 2.5 });
  assert.deepEqual(
    long.map((c) => c.events.length),
    [1, 1],
  );
  assert.deepEqual(
    timelineEvents(t, { threshold: 0.85, minEventSeconds: 0 }).map((c) => c.events.length),
    [2, 0],
  );
  const json = JSON.parse(eventsJson(t, long, { threshold: 0.5, minEventSeconds: 2.5 }));
  assert.equal(json.format, 's3dg-events');
  assert.equal(json.classes[1].className, 'train');
  assert.equal(json.classes[1].events[0].windows, 2);
});

test('bad options are refused by name', () => {
  const t: Timeline = { video: 'v', fps: 1, clipLength: 1, stride: 1, classNames: ['a'], windows: [] };
  assert.throws(() => timelineEvents(t, { threshold: 0, minEventSeconds: 0 }), /`threshold` must be in \(0, 1\], got 0/);
  assert.throws(() => timelineEvents(t, { threshold: 0.5, minEventSeconds: -1 }), /`minEventSeconds` must be ≥ 0/);
});
