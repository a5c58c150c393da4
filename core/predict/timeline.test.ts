import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimelineJson, timelineCsv, timelineJson, windowCount, windowSpan, type Timeline } from './timeline.ts';

test('windowSpan: frames [start, start + clipLength) and their seconds at the decoded fps', () => {
  assert.deepEqual(windowSpan(6, 4, 3), { startFrame: 6, endFrame: 10, startSeconds: 2, endSeconds: 10 / 3 });
});

test('windowCount follows clip_windows.ts: full windows only, one padded window for a short video', () => {
  assert.equal(windowCount(0, 4, 2), 0);
  assert.equal(windowCount(3, 4, 2), 1);
  assert.equal(windowCount(4, 4, 2), 1);
  assert.equal(windowCount(9, 4, 2), 3);
  assert.equal(windowCount(14, 4, 2), 6);
});

test('CSV and JSON hold every window and class; class names with commas are quoted; JSON reads back', () => {
  const t: Timeline = {
    video: 'cam/a.mp4',
    fps: 7,
    clipLength: 4,
    stride: 3,
    classNames: ['gate down', 'train, passing'],
    windows: [
      { ...windowSpan(0, 4, 7), probabilities: Float32Array.of(0.25, 0.75), padded: false },
      { ...windowSpan(3, 4, 7), probabilities: Float32Array.of(0.1, 0.9), padded: false },
    ],
  };
  const lines = timelineCsv(t).trimEnd().split('\n');
  assert.equal(lines[0], 'start_seconds,end_seconds,start_frame,end_frame,padded,gate down,"train, passing"');
  assert.equal(lines[1], '0,0.571429,0,4,0,0.25,0.75');
  const row = lines[2].split(',').map(Number);
  assert.deepEqual(row.slice(0, 5), [0.428571, 1, 3, 7, 0]);
  assert.equal(row[5], Math.fround(0.1));
  const back = parseTimelineJson(timelineJson(t));
  assert.equal(back.windows.length, 2);
  assert.deepEqual(back.windows[1].probabilities, [Math.fround(0.1), Math.fround(0.9)]);
  assert.equal(back.classNames[1], 'train, passing');
  assert.throws(() => parseTimelineJson('{"format":"x"}', 'x.json'), /x\.json: not an s3dg timeline/);
});
