import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../test/harness.ts';
import { randomModel, SMALL } from '../../test/export_helpers.ts';
import type { NamedWeights } from '../../core/index.ts';
import { createTfjsEngine } from './tfjs_engine.ts';
import { planVideo, scanVideo } from './scan_video.ts';
import type { PredictEngine } from './engine.ts';
import type { ClipGeometry } from './model_source.ts';
import { ffmpegBinary } from '../video/ffmpeg_binary.ts';

const root = mkdtempSync(join(tmpdir(), 's3dg-scan-'));
const video = { path: join(root, 'v.mp4'), name: 'v.mp4' };
const clip: ClipGeometry = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, fps: null, crop: null };
let weights: NamedWeights;

before(async () => {
  // 5 s at 10 fps: 50 frames, windows of 8 every 2 frames → 22 windows.
  execFileSync(ffmpegBinary().ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=48x32:rate=10',
    '-t',
    '5',
    '-pix_fmt',
    'yuv420p',
    video.path,
  ]);
  await useBackend('cpu');
  const { tfjs } = randomModel();
  weights = await tfjs.namedWeights();
  tfjs.dispose();
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The engine, counting how many windows wait for it at once. */
function counting(engine: PredictEngine): PredictEngine & { most: number; calls: number } {
  let open = 0;
  const wrapped = {
    ...engine,
    most: 0,
    calls: 0,
    predict: async (clips: Float32Array, shape: number[]) => {
      wrapped.calls++;
      wrapped.most = Math.max(wrapped.most, ++open);
      try {
        return await engine.predict(clips, shape);
      } finally {
        open--;
      }
    },
  };
  return wrapped;
}

test('windows overlap decoding but at most `inFlight` wait for the engine; the timeline has every window in order', async () => {
  const engine = counting(await createTfjsEngine({ config: SMALL, weights, threads: 2, backend: 'cpu' }));
  try {
    const plan = await planVideo(video, clip);
    assert.equal(plan.fps, 10);
    let frames = 0;
    const t = await scanVideo(video, plan, {
      engine,
      clip,
      classNames: ['a', 'b', 'c', 'd', 'e'],
      stride: 2,
      inFlight: 3,
      stopRequested: () => false,
      onWindow: (n) => (frames += n),
    });
    assert.ok(t);
    assert.equal(t.windows.length, 22);
    assert.deepEqual(
      t.windows.map((w) => w.startFrame),
      Array.from({ length: 22 }, (_, i) => 2 * i),
    );
    assert.equal(t.windows[21].endSeconds, 5);
    assert.equal(frames, 50);
    assert.equal(engine.most, 3, 'three windows in flight at the most');
  } finally {
    await engine.close();
  }
});

test('a stop request abandons the video: no timeline, the engine closes cleanly', async () => {
  const engine = counting(await createTfjsEngine({ config: SMALL, weights, threads: 1, backend: 'cpu' }));
  const plan = await planVideo(video, clip);
  let answered = 0;
  const t = await scanVideo(video, plan, {
    engine,
    clip,
    classNames: ['a', 'b', 'c', 'd', 'e'],
    stride: 2,
    inFlight: 2,
    stopRequested: () => answered >= 4,
    onWindow: () => answered++,
  });
  assert.equal(t, null);
  assert.ok(engine.calls < 22, `${engine.calls} windows sent`);
  await engine.close();
});
