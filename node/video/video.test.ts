import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeVideo, probeWithFfprobe } from './probe.ts';
import { probeWithFfmpeg } from './probe_ffmpeg.ts';
import { BUNDLED_FFMPEG_PACKAGE, ffmpegBinary, findFfmpeg } from './ffmpeg_binary.ts';
import { decodeFrames, decodeVideo } from './decode.ts';
import { ModelFrameMaker } from '../../core/data/model_frame.ts';
import { rawFormatOf } from './raw_format.ts';
import { encodeVideo } from './encode.ts';
import { FfmpegNotFoundError, VideoToolError } from './ffmpeg_process.ts';
import { BUNDLED_FFMPEG, FFMPEG_COMPARE_SKIP, SYSTEM_FFMPEG } from '../../test/ffmpeg_builds.ts';

const dir = mkdtempSync(join(tmpdir(), 's3dg-video-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The ffmpeg the code runs (the system's, else the bundled one) makes the test videos too. */
const FFMPEG = ffmpegBinary().ffmpeg;

/** Mean and max absolute difference between two byte arrays of equal length. */
function diff(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  assert.equal(a.length, b.length, 'byte lengths');
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

/** Smooth test frames: a horizontal gradient in red, vertical in green, blue = 20·frame. */
function gradientFrames(n: number, width: number, height: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let f = 0; f < n; f++) {
    const frame = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        frame[i] = Math.round((255 * x) / (width - 1));
        frame[i + 1] = Math.round((255 * y) / (height - 1));
        frame[i + 2] = 20 * f;
      }
    }
    frames.push(frame);
  }
  return frames;
}

for (const codec of ['h264', 'vp9'] as const) {
  test(`encode → probe → decode round trip, ${codec}, 10 frames of 64×48 at 5 fps`, async () => {
    const file = join(dir, `round.${codec === 'h264' ? 'mp4' : 'webm'}`);
    const frames = gradientFrames(10, 64, 48);
    assert.equal(await encodeVideo(file, frames, { width: 64, height: 48, fps: 5, codec }), 10);
    assert.ok(!readdirSync(dir).some((n) => n.includes('.partial-')), 'no temporary file left');
    const info = await probeVideo(file);
    assert.deepEqual([info.width, info.height, info.fps, info.frameCount, info.codec], [64, 48, 5, 10, codec]);
    assert.ok(Math.abs(info.durationSeconds - 2) < 0.05, `duration ${info.durationSeconds}`);
    const video = await decodeVideo(file);
    assert.equal(video.frameCount, 10);
    const d = diff(video.frames, Buffer.concat(frames));
    assert.ok(d.mean < 3, `mean abs error ${d.mean}`);
  });
}

for (const [codec, size, ext] of [
  ['libx264', '160x120', 'mp4'],
  ['libvpx-vp9', '161x121', 'webm'],
] as const) {
  test(`ffmpeg testsrc ${size} at 7 fps as ${ext} decodes to the source frames within codec tolerance`, async () => {
    const file = join(dir, `testsrc-${size}.${ext}`);
    const raw = join(dir, `testsrc-${size}.yuv`);
    const src = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=7`, '-t', '2'];
    execFileSync(FFMPEG, [...src, '-c:v', codec, '-crf', '10', '-b:v', '0', '-pix_fmt', 'yuv420p', file]);
    // Reference: the same frames through yuv420p without a codec, made RGB by our own 4:2:0
    // conversion (swscale's rgb24 would interpolate chroma at odd heights: ~6 off on average).
    // This isolates what the codec adds.
    execFileSync(FFMPEG, [...src, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
    const [w, h] = size.split('x').map(Number);
    const info = await probeVideo(file);
    assert.deepEqual([info.width, info.height, info.fps, info.frameCount, info.pixelFormat], [w, h, 7, 14, 'yuv420p']);
    const video = await decodeVideo(file);
    assert.deepEqual([video.frameCount, video.width, video.height], [14, w, h]);
    const format = rawFormatOf(info);
    const yuv = readFileSync(raw);
    const reference = new Uint8Array(video.frames.length);
    for (let f = 0; f < 14; f++) {
      const rgba = format.toRgb(new Uint8Array(yuv.buffer, yuv.byteOffset + f * format.frameBytes, format.frameBytes));
      for (let p = 0; p < w * h; p++) reference.set(rgba.subarray(p * 4, p * 4 + 3), (f * w * h + p) * 3);
    }
    const d = diff(video.frames, reference);
    assert.ok(d.mean < 2, `mean abs error ${d.mean}`);
  });
}

test('decode with frame rate change, crop and resize gives the requested frames', async () => {
  const file = join(dir, 'round.mp4'); // 10 frames 64×48 at 5 fps from the first test
  const frames: Uint8Array[] = [];
  for await (const f of decodeFrames(file, { fps: 10, crop: { x: 32, y: 0, width: 32, height: 24 }, width: 16, height: 12 }))
    frames.push(f);
  assert.equal(frames.length, 20); // 2 s at 10 fps: each frame twice
  assert.equal(frames[0].length, 16 * 12 * 3);
  // Right half of the red gradient: the left column ≈ 255·32/63 + a little, the right ≈ 255.
  const red = (f: Uint8Array, x: number, y: number) => f[(y * 16 + x) * 3];
  assert.ok(Math.abs(red(frames[0], 0, 6) - 133) < 12, `left red ${red(frames[0], 0, 6)}`);
  assert.ok(red(frames[0], 15, 6) > 240, `right red ${red(frames[0], 15, 6)}`);
  assert.ok(Math.abs(frames[0][(6 * 16 + 8) * 3 + 2] - 0) < 8 && Math.abs(frames[19][(6 * 16 + 8) * 3 + 2] - 180) < 8, 'blue follows time');
  // Grey output has one channel.
  const grey = await decodeVideo(file, { channels: 1, width: 8, height: 6 });
  assert.equal(grey.frames.length, 10 * 8 * 6);
});

test("crop, resize and grey are core's ModelFrameMaker on the native RGB frames (as in the web app)", async () => {
  const file = join(dir, 'testsrc-161x121.webm'); // odd size, from the testsrc test
  const native = await decodeVideo(file);
  const crop = { x: 11, y: 3, width: 140, height: 111 };
  for (const channels of [3, 1] as const) {
    const maker = new ModelFrameMaker({ width: 161, height: 121, pixelStride: 3 }, { frameHeight: 24, frameWidth: 32, channels, crop });
    const frames: Uint8Array[] = [];
    for await (const f of decodeFrames(file, { crop, width: 32, height: 24, channels })) frames.push(f);
    assert.equal(frames.length, native.frameCount);
    frames.forEach((f, i) => assert.deepEqual(f, maker.make(native.frames, i * 161 * 121 * 3), `frame ${i}, ${channels} channel(s)`));
  }
  await assert.rejects(
    decodeVideo(file, { crop: { x: 100, y: 0, width: 100, height: 50 } }),
    (e: Error) =>
      e instanceof VideoToolError && e.message === `${file}: crop x=100 y=0 width=100 height=50 does not fit in a 161×121 frame`,
  );
});

for (const pixFmt of ['yuvj420p', 'yuv444p']) {
  test(`${pixFmt} video (full range / not 4:2:0) decodes like ffmpeg's own rgb24 output`, async () => {
    const file = join(dir, `testsrc-${pixFmt}.mp4`);
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=5',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-crf',
      '10',
      '-pix_fmt',
      pixFmt,
      file,
    ]);
    const info = await probeVideo(file);
    assert.equal(info.pixelFormat, pixFmt);
    const video = await decodeVideo(file);
    const want = execFileSync(FFMPEG, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    const d = diff(video.frames, new Uint8Array(want));
    assert.ok(d.max <= 3, `max abs difference ${d.max}`);
  });
}

test('a rotated video (portrait phone footage) decodes at its displayed size', async () => {
  const file = join(dir, 'rotated.mp4');
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-i', join(dir, 'round.mp4'), '-c', 'copy', '-metadata:s:v', 'rotate=90', file]);
  const info = await probeVideo(file);
  assert.deepEqual([info.width, info.height], [48, 64]);
  const video = await decodeVideo(file);
  assert.deepEqual([video.frameCount, video.width, video.height], [10, 48, 64]);
  // Rotated a quarter turn, the red gradient (along the source's width) runs down the frame.
  const red = (x: number, y: number) => video.frames[(y * 48 + x) * 3];
  assert.ok(
    Math.abs(red(24, 0) - red(24, 63)) > 200 && Math.abs(red(0, 32) - red(47, 32)) < 20,
    `red ${red(24, 0)} ${red(24, 63)} ${red(0, 32)} ${red(47, 32)}`,
  );
});

test('a corrupt video fails with an error naming the file', async () => {
  const file = join(dir, 'corrupt.mp4');
  writeFileSync(file, Buffer.from('this is not a video at all, just text'.repeat(50)));
  await assert.rejects(probeVideo(file), (e: Error) => e instanceof VideoToolError && e.message.startsWith(file));
  await assert.rejects(decodeVideo(file, { width: 8, height: 8 }), (e: Error) => e instanceof VideoToolError && e.message.startsWith(file));
});

test('odd sizes are refused for H.264 with a clear message', async () => {
  await assert.rejects(encodeVideo(join(dir, 'odd.mp4'), [], { width: 161, height: 121, fps: 7 }), /even width and height, got 161×121/);
});

test('no ffmpeg on PATH: the bundled one on linux x64, else the install hint; a wrong S3DG_FFMPEG is named', async () => {
  const noPath = { PATH: join(dir, 'no-such-bin') };
  const bundled = findFfmpeg({ env: noPath, platform: 'linux', arch: 'x64' });
  assert.deepEqual([bundled.source, bundled.ffprobe], [BUNDLED_FFMPEG_PACKAGE, null]);
  assert.match(bundled.ffmpeg, /node_modules\/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
  assert.throws(
    () => findFfmpeg({ env: noPath, platform: 'darwin', arch: 'arm64' }),
    (e: Error) =>
      e instanceof FfmpegNotFoundError &&
      e.message ===
        'ffmpeg not found on PATH: install it (brew install ffmpeg; @ffmpeg-installer/linux-x64 covers linux x64 only), or set S3DG_FFMPEG to its path',
  );
  const system = findFfmpeg({ env: { PATH: process.env.PATH }, platform: 'linux', arch: 'x64' });
  const forced = findFfmpeg({ env: { S3DG_FFMPEG: bundled.ffmpeg, PATH: process.env.PATH }, platform: 'linux', arch: 'x64' });
  assert.deepEqual(forced, { ffmpeg: bundled.ffmpeg, ffprobe: null, source: 'S3DG_FFMPEG' });
  assert.ok(system.source === 'PATH' || system.source === BUNDLED_FFMPEG_PACKAGE);
  const saved = process.env.S3DG_FFMPEG;
  process.env.S3DG_FFMPEG = join(dir, 'no-such-ffmpeg');
  try {
    for (const run of [probeVideo(join(dir, 'round.mp4')), decodeVideo(join(dir, 'round.mp4'), { width: 8, height: 8 })]) {
      await assert.rejects(
        run,
        (e: Error) =>
          e instanceof FfmpegNotFoundError && e.message === `S3DG_FFMPEG=${join(dir, 'no-such-ffmpeg')}: no executable file there`,
      );
    }
  } finally {
    if (saved === undefined) delete process.env.S3DG_FFMPEG;
    else process.env.S3DG_FFMPEG = saved;
  }
});

test('videoClips cuts a video into network-ready clips with their times', async () => {
  const { videoClips } = await import('./video_clips.ts');
  const file = join(dir, 'round.webm'); // 10 frames 64×48 at 5 fps (VP9 round-trip test)
  const clips = [];
  for await (const c of videoClips(file, { clipLength: 4, stride: 3, height: 24, width: 32 })) clips.push(c);
  // starts 0, 3, 6 (frames 6–9); 9 would need frames up to 12.
  assert.deepEqual(
    clips.map((c) => [c.start, c.startSeconds, c.endSeconds]),
    [
      [0, 0, 0.8],
      [3, 0.6, 1.4],
      [6, 1.2, 2],
    ],
  );
  assert.equal(clips[0].clip.length, 4 * 24 * 32 * 3);
  assert.ok(clips.every((c) => c.clip.every((v) => v >= -1 && v <= 1)));
  // Blue grows by 20 per frame: frame 6 of the source ≈ 120 → (120/255)·2 − 1 ≈ −0.06.
  const blue = clips[2].clip[(12 * 32 + 16) * 3 + 2];
  assert.ok(Math.abs(blue - ((120 / 255) * 2 - 1)) < 0.06, `blue ${blue}`);
});

test('stopping a decode early ends ffmpeg at once', async () => {
  const file = join(dir, 'long.mp4');
  execFileSync(FFMPEG, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=25',
    '-t',
    '60',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  const t0 = performance.now();
  let frames = 0;
  for await (const _ of decodeFrames(file)) if (++frames === 3) break;
  assert.equal(frames, 3);
  assert.ok(performance.now() - t0 < 3000, 'took longer than decoding a few frames should');
  const left = execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((l) => l.includes(file));
  assert.deepEqual(left, []);
});

/** The test videos made above, plus VP8, NTSC-rate (30000/1001) VP9 and cut-off H.264 ones. */
function comparisonVideos(): string[] {
  const make = (file: string, args: string[]) =>
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=96x72:rate=30000/1001',
      '-t',
      '1.5',
      ...args,
      join(dir, file),
    ]);
  make('vp8.webm', ['-c:v', 'libvpx', '-b:v', '500k']);
  make('ntsc.webm', ['-c:v', 'libvpx-vp9', '-crf', '20', '-b:v', '0']);
  // Cut off after its header (faststart puts it first): the header's duration and count stand.
  const whole20s = [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x48:rate=8',
    '-t',
    '20',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
  ];
  execFileSync(FFMPEG, [...whole20s, '-movflags', '+faststart', join(dir, 'whole.mp4')]);
  const whole = readFileSync(join(dir, 'whole.mp4'));
  writeFileSync(join(dir, 'cut.mp4'), whole.subarray(0, Math.floor(whole.length * 0.4)));
  return readdirSync(dir)
    .filter((n) => /\.(mp4|webm)$/.test(n) && n !== 'corrupt.mp4')
    .sort()
    .map((n) => join(dir, n));
}

test("probing with ffmpeg alone (no ffprobe) gives ffprobe's answers, with the system's ffmpeg and the bundled one", {
  skip: FFMPEG_COMPARE_SKIP,
}, async () => {
  const videos = comparisonVideos();
  assert.ok(videos.length >= 10, `${videos.length} videos`);
  let worstDuration = 0;
  for (const file of videos) {
    for (const countFrames of [true, false]) {
      const want = await probeWithFfprobe(file, { countFrames }, SYSTEM_FFMPEG!.ffprobe!);
      for (const [name, ffmpeg] of [
        ['system', SYSTEM_FFMPEG!.ffmpeg],
        ['bundled', BUNDLED_FFMPEG!],
      ]) {
        const got = await probeWithFfmpeg(file, { countFrames }, ffmpeg);
        // WebM: ffprobe gives the container's duration, we the last packet's end (its times are whole milliseconds).
        const off = Math.abs(got.durationSeconds - want.durationSeconds);
        worstDuration = Math.max(worstDuration, off);
        assert.ok(
          off <= (file.endsWith('.webm') ? 0.001 : 0),
          `${file}, ${name} ffmpeg: duration ${got.durationSeconds} ≠ ${want.durationSeconds}`,
        );
        assert.deepEqual({ ...got, durationSeconds: want.durationSeconds }, want, `${file}, ${name} ffmpeg, countFrames ${countFrames}`);
      }
    }
  }
  assert.ok(worstDuration > 0, 'the 7 fps webm shows the millisecond difference (else the check above is too loose)');
  await assert.rejects(
    probeWithFfmpeg(join(dir, 'corrupt.mp4'), {}, BUNDLED_FFMPEG!),
    (e: Error) => e instanceof VideoToolError && e.message.startsWith(dir),
  );
});

test("decoding with the bundled ffmpeg (S3DG_FFMPEG) gives the system ffmpeg's frames, byte for byte", {
  skip: FFMPEG_COMPARE_SKIP,
}, async () => {
  const videos = comparisonVideos().filter((f) => !f.endsWith('long.mp4'));
  const decodeAll = async () => {
    const out: Uint8Array[] = [];
    for (const file of videos) {
      out.push((await decodeVideo(file)).frames);
      out.push((await decodeVideo(file, { fps: 3, width: 32, height: 24, channels: 1 })).frames);
    }
    return out;
  };
  const system = await decodeAll();
  const saved = process.env.S3DG_FFMPEG;
  process.env.S3DG_FFMPEG = BUNDLED_FFMPEG!;
  try {
    assert.equal(ffmpegBinary().ffmpeg, BUNDLED_FFMPEG);
    const bundled = await decodeAll();
    system.forEach((frames, i) =>
      assert.deepEqual(diff(bundled[i], frames), { mean: 0, max: 0 }, `${videos[i >> 1]} (${i % 2 ? 'fps 3, resized, grey' : 'native'})`),
    );
  } finally {
    if (saved === undefined) delete process.env.S3DG_FFMPEG;
    else process.env.S3DG_FFMPEG = saved;
  }
});
