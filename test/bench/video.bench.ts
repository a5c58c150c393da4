/**
 * End-to-end video throughput of `s3dg predict`'s path: a 1080p H.264 file (made here with
 * ffmpeg) → ffmpeg decode → core's 4:2:0 → RGB, crop and antialiased resize to 224² → windows →
 * the engine (full S3D-G, 400 classes, random weights), in video-seconds per wall-second, beside
 * the same run's decode-and-frames alone (what bounds the engine's rate from above).
 * Run: npx tsx test/bench/video.bench.ts [--seconds 8] [--clip_length 64] [--stride 64] [--engine tfjs] [--threads N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../../core/model/config.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { setupBackend } from '../../node/backend.ts';
import { chooseEngine, type EngineChoice } from '../../node/predict/choose_engine.ts';
import type { PredictModel } from '../../node/predict/model_source.ts';
import { planVideo, scanVideo } from '../../node/predict/scan_video.ts';
import { videoClips } from '../../node/video/video_clips.ts';
import { ffmpegBinary } from '../../node/video/ffmpeg_binary.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    clip_length: { type: 'string', default: '64' },
    stride: { type: 'string', default: '64' },
    engine: { type: 'string', default: 'tfjs' },
    threads: { type: 'string' },
  },
});
const seconds = Number(flags.seconds);
const clipLength = Number(flags.clip_length);
const stride = Number(flags.stride);
const threads = flags.threads ? Number(flags.threads) : availableParallelism();
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

const dir = mkdtempSync(join(tmpdir(), 's3dg-video-bench-'));
const video = { path: join(dir, 'footage-1080p.mp4'), name: 'footage-1080p.mp4' };
try {
  progress(`encoding ${seconds} s of 1920×1080 H.264 at 25 fps`);
  execFileSync(ffmpegBinary().ffmpeg, [
    ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=25`, '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', video.path],
  ]);
  const clip = { clipLength, frameHeight: 224, frameWidth: 224, channels: 3 as const, fps: null, crop: null };

  // Reference: decode + model frames + windows, no model (timed again at the end: load drifts).
  let windows = 0;
  const decodeOnly = async (): Promise<number> => {
    const start = performance.now();
    windows = 0;
    for await (const _ of videoClips(video.path, { clipLength, stride, height: 224, width: 224 })) windows++;
    return (performance.now() - start) / 1000;
  };
  const line = (what: string, wall: number) =>
    `${what}: ${(seconds / wall).toFixed(3)} video-s per wall-s (${windows} windows of ${clipLength}×224² every ${stride} frames, ${wall.toFixed(1)} s)`;
  const decodeSeconds = await decodeOnly();
  console.log(line('1080p H.264 → 224² decode + frames + windows (no model)', decodeSeconds));

  await setupBackend('cpu');
  const config = resolveConfig({ numClasses: 400 });
  const runnable = new TfjsModel(config);
  const model: PredictModel = {
    kind: 'checkpoint',
    description: 'S3D-G, 400 classes, random weights',
    config,
    weights: await runnable.namedWeights(),
    classNames: Array.from({ length: 400 }, (_, k) => `class_${k}`),
    clip,
  };
  runnable.dispose();
  for (const choice of flags.engine.split(',') as EngineChoice[]) {
    const { engine, reason } = await chooseEngine(choice, model, { threads });
    progress(`engine ${engine.description} (${reason})`);
    try {
      // One window per thread first: the first pass per shape sets up kernels.
      const warm = new Float32Array(clipLength * 224 * 224 * 3);
      await Promise.all(Array.from({ length: threads }, () => engine.predict(warm, [1, clipLength, 224, 224, 3])));
      const t0 = performance.now();
      const plan = await planVideo(video, clip);
      const t = await scanVideo(video, plan, {
        engine,
        clip,
        classNames: model.classNames,
        stride,
        inFlight: 2 * threads + 1,
        stopRequested: () => false,
      });
      const wall = (performance.now() - t0) / 1000;
      if (t?.windows.length !== windows) throw new Error(`scanned ${t?.windows.length} windows, expected ${windows}`);
      console.log(line(`1080p H.264 → 224² end to end, ${engine.description}`, wall));
      const rss = process.resourceUsage().maxRSS / 1024;
      console.log(
        `  = ${((decodeSeconds / wall) * 100).toFixed(0)}% of the decode-only rate; ${(windows / wall).toFixed(3)} windows/s; process max RSS so far ${rss.toFixed(0)} MB (main thread and workers)`,
      );
    } finally {
      await engine.close();
    }
  }
  console.log(line('1080p H.264 → 224² decode + frames + windows (no model), again', await decodeOnly()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
