/**
 * Input pipeline throughput on original-size clips (64×224×224×3, 9.6 MB each): reading and
 * checking records alone, then training batches with preprocessing on the main thread and in
 * 1 or 2 worker threads. Run: npx tsx test/bench/input_pipeline.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTFRecords } from '../../core/formats/tfrecord_writer.ts';
import { encodeClipExample, readClipRecords } from '../../core/data/clip_records.ts';
import { inputPipeline } from '../../core/data/input_pipeline.ts';
import { Rng } from '../../core/data/rng.ts';
import { fileRecordSource } from '../../node/data/tfrecord_files.ts';
import { PreprocessPool } from '../../node/data/preprocess_pool.ts';

const spec = { clipLength: 64, frameHeight: 224, frameWidth: 224, channels: 3, numClasses: 96 };
const size = 64 * 224 * 224 * 3;
const clips = 8;
const dir = mkdtempSync(join(tmpdir(), 's3dg-bench-'));
const rng = new Rng(1);
// Coloured gradients that move over time plus noise: every pixel has a hue, as in real video.
const records = Array.from({ length: clips }, (_, n) => {
  const clip = new Uint8Array(size);
  for (let t = 0, i = 0; t < 64; t++) {
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++, i += 3) {
        clip[i] = (x + 3 * t + n * 17 + rng.int(8)) & 255;
        clip[i + 1] = (2 * y + rng.int(8)) & 255;
        clip[i + 2] = (x + y + rng.int(8)) & 255;
      }
    }
  }
  return encodeClipExample(clip, new Uint8Array(96));
});
const files = [0, 1].map((f) => {
  const path = join(dir, `bench-${f}.tfrecord`);
  writeFileSync(path, encodeTFRecords(records.slice(f * (clips / 2), (f + 1) * (clips / 2))));
  return path;
});

async function timeIt(label: string, run: () => Promise<number>): Promise<void> {
  const t0 = performance.now();
  const n = await run();
  const ms = performance.now() - t0;
  console.log(`${label}: ${(ms / n).toFixed(0)} ms per clip (${n} clips, ${(ms / 1000).toFixed(2)} s)`);
}

await timeIt('read + CRC + decode + size check', async () => {
  let n = 0;
  for (const f of files) for await (const _ of readClipRecords(fileRecordSource(f), spec)) n++;
  return n;
});
for (const workers of [0, 1, 2]) {
  const pool = workers > 0 ? new PreprocessPool(workers, { height: 224, width: 224, channels: 3 }) : null;
  await timeIt(`train batches of 2, preprocessing ${workers === 0 ? 'on the main thread' : `in ${workers} worker(s)`}`, async () => {
    let n = 0;
    const input = inputPipeline({
      sources: files.map((f) => fileRecordSource(f)),
      spec,
      batchSize: 2,
      mode: 'train',
      epochs: 2,
      shuffleBuffer: 4,
      preprocess: pool?.preprocess,
      parallelism: Math.max(1, workers),
    });
    for await (const b of input) n += b.size;
    return n;
  });
  await pool?.close();
}
// A consumer that blocks the main thread for 600 ms per batch, as a synchronous training step
// does: how long does it then wait for each next batch (the time data was not ready)?
{
  const pool = new PreprocessPool(1, { height: 224, width: 224, channels: 3 });
  const input = inputPipeline({
    sources: files.map((f) => fileRecordSource(f)),
    spec,
    batchSize: 2,
    mode: 'train',
    epochs: 3,
    shuffleBuffer: 4,
    preprocess: pool.preprocess,
    parallelism: 2,
  });
  const waits: number[] = [];
  let t = performance.now();
  for await (const _ of input) {
    waits.push(performance.now() - t);
    const busyUntil = performance.now() + 600;
    while (performance.now() < busyUntil); // the "training step"
    await new Promise((r) => setTimeout(r, 0)); // the step's one await (reading the loss)
    t = performance.now();
  }
  await pool.close();
  const steady = waits.slice(2);
  console.log(
    `busy consumer (600 ms/batch of 2): first batch after ${waits[0].toFixed(0)} ms, then mean wait ${(steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(0)} ms per batch (max ${Math.max(...steady).toFixed(0)})`,
  );
}
rmSync(dir, { recursive: true, force: true });
