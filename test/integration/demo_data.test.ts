import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDemoData } from '../../node/demo/demo_data.ts';
import { subsetSources } from '../../node/data/tfrecord_files.ts';
import { checkFirstRecords } from '../../core/data/clip_records.ts';

test('demo data: both synthetic tasks rendered, built into train/eval sets, and reused on the second call', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3dg-demo-'));
  const options = { dir, frameSize: 32, clipLength: 8, motionVideos: 8, crossingVideos: 5 };
  const first = await prepareDemoData(options);
  assert.equal(first.motion.classNames.length, 8);
  assert.equal(first.crossing.classNames.length, 5);
  // Motion: 3 s at 8 fps = 24 frames, clips of 8 every 4 → 5 clips per video, 8 videos.
  assert.equal(first.motion.clips.train + first.motion.clips.eval, 40);
  // Crossing: 8 s = 64 frames → 15 clips per video, 5 videos, one of them in eval.
  assert.deepEqual(first.crossing.clips, { train: 60, eval: 15 });
  for (const t of [first.motion, first.crossing]) {
    await checkFirstRecords(await subsetSources(t.trainDir), t.spec);
    await checkFirstRecords(await subsetSources(t.evalDir), t.spec);
  }
  assert.ok(first.seconds.generate > 0 && first.seconds.dataset > 0);
  const second = await prepareDemoData(options);
  assert.deepEqual(second.seconds, { generate: 0, dataset: 0 });
  assert.deepEqual(second.crossing, first.crossing);
});
