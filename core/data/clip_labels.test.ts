import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipLabel, frameTimes, labelsFromNpy } from './clip_labels.ts';
import { parseClassNames, parseLabelTable } from './label_files.ts';
import { FIXTURES_SKIP, fixture } from '../../test/shared_fixtures.ts';

const names = ['gates_lowering', 'gates_raising', 'train'];

test('time ranges label a clip when they cover at least the given fraction of its frames', () => {
  const labels = parseLabelTable('video,start,end,class\na.mp4,1.0,2.0,gates_lowering\na.mp4,0,10,2\nb.mp4,,,\n', 'l.csv', names);
  assert.deepEqual(labels.get('b.mp4'), { kind: 'ranges', ranges: [] });
  // 10 fps, clip of 10 frames starting at frame 5: times 0.55 … 1.45 → half inside [1, 2).
  const times = frameTimes(5, 10, 10);
  assert.deepEqual(Array.from(clipLabel(labels.get('a.mp4')!, times, 3, 0.5)), [1, 0, 1]);
  assert.deepEqual(Array.from(clipLabel(labels.get('a.mp4')!, times, 3, 0.6)), [0, 0, 1]);
  assert.deepEqual(Array.from(clipLabel(labels.get('b.mp4')!, times, 3)), [0, 0, 0]);
});

test('whole-video labels from CSV and JSON, classes by name or index', () => {
  const csv = parseLabelTable('video,classes\nx.webm,gates_raising;2\ny.webm,\n', 'c.csv', names);
  assert.deepEqual(Array.from(clipLabel(csv.get('x.webm')!, [0.1], 3)), [0, 1, 1]);
  assert.deepEqual(Array.from(clipLabel(csv.get('y.webm')!, [0.1], 3)), [0, 0, 0]);
  const json = parseLabelTable('{"x.mp4": ["train"], "z.mp4": [{"start": 0, "end": 1.5, "class": "gates_lowering"}]}', 'j.json', names);
  assert.deepEqual(Array.from(clipLabel(json.get('x.mp4')!, [5], 3)), [0, 0, 1]);
  assert.deepEqual(Array.from(clipLabel(json.get('z.mp4')!, frameTimes(0, 4, 2), 3)), [1, 0, 0]); // 0.25,0.75,1.25 in; 1.75 out
});

test('per-frame .npy labels [N,K] are looked up at the source frame rate', () => {
  // 4 source frames at 2 fps; class 1 on in frames 2 and 3.
  const frames = labelsFromNpy({ shape: [4, 3], dtype: '|u1', data: Float64Array.of(0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1) }, 3, 2, 'v.npy');
  // Decoded at 4 fps: 8 frame centres 0.125 … 1.875 → source frames 0,0,0,0,1,1,1,1 … first clip of 4: frames 0-3.
  assert.deepEqual(Array.from(clipLabel(frames, frameTimes(0, 4, 4), 3)), [0, 0, 1]);
  assert.deepEqual(Array.from(clipLabel(frames, frameTimes(4, 4, 4), 3)), [0, 1, 1]);
  const clip = labelsFromNpy({ shape: [3], dtype: '<f4', data: Float64Array.of(0.9, 0.1, 1) }, 3, 30, 'c.npy');
  assert.deepEqual(Array.from(clipLabel(clip, [100], 3)), [1, 0, 1]);
  assert.throws(
    () => labelsFromNpy({ shape: [5, 4], dtype: '|u1', data: new Float64Array(20) }, 3, 30, 'w.npy'),
    /w\.npy: label array has shape \(5, 4\), expected \(3,\) or \(frames, 3\)/,
  );
});

test('label-file mistakes name the file, line and value', () => {
  assert.throws(
    () => parseLabelTable('video,start,end,class\na.mp4,1,2,gates_up\n', 'l.csv', names),
    /l\.csv: line 2: unknown class 'gates_up' \(known: gates_lowering, gates_raising, train/,
  );
  assert.throws(
    () => parseLabelTable('video,start,end,class\na.mp4,3,2,train\n', 'l.csv', names),
    /l\.csv: line 2: end 2 is not after start 3/,
  );
  assert.throws(() => parseLabelTable('name,label\n', 'l.csv', names), /l\.csv: line 1: header must be/);
  assert.throws(() => parseLabelTable('{"a.mp4": "train"}', 'j.json', names), /j\.json: "a\.mp4": expected a list/);
  assert.throws(() => parseClassNames('a\nb\na\n', 'names.txt'), /names\.txt: class 'a' is listed twice/);
  assert.deepEqual(parseClassNames('# comment\na\n\nb\n', 'n.txt'), ['a', 'b']);
});

test("the original project's class lists (57, 96, 204 names) parse with label byte k = line k", { skip: FIXTURES_SKIP }, async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = fixture('fra-class-names');
  for (const n of [57, 96, 204]) {
    const names = parseClassNames(readFileSync(join(dir, `class_names_${n}.txt`), 'utf8'), `class_names_${n}.txt`);
    assert.equal(names.length, n);
  }
  const names96 = parseClassNames(readFileSync(join(dir, 'class_names_96.txt'), 'utf8'), 'class_names_96.txt');
  assert.deepEqual(names96.slice(0, 5), ['anomaly', 'gates_up', 'gates_down', 'gates_ascending', 'gates_descending']);
  // A time-range table in those names: gates_descending (class 4) for the first second.
  const table = parseLabelTable('video,start,end,class\ncam1.avi,0,1,gates_descending\n', 'l.csv', names96);
  const label = clipLabel(table.get('cam1.avi')!, frameTimes(0, 8, 8), 96);
  assert.deepEqual(
    [...label.keys()].filter((k) => label[k] === 1),
    [4],
  );
});
