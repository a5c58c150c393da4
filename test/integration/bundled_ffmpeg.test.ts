/**
 * `s3dg dataset` on a machine without ffmpeg: run with a PATH that holds only `node`, the CLI
 * falls back to the static ffmpeg of @ffmpeg-installer/linux-x64 (no ffprobe), says so once,
 * and writes the very shards the system's ffmpeg + ffprobe write.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCrossingScenes } from '../../node/demo/scenes.ts';
import { BUNDLED_FFMPEG_PACKAGE } from '../../node/video/ffmpeg_binary.ts';
import type { DatasetManifest } from '../../core/index.ts';
import { BUNDLED_FFMPEG, FFMPEG_COMPARE_SKIP, SYSTEM_FFMPEG } from '../ffmpeg_builds.ts';

const root = mkdtempSync(join(tmpdir(), 's3dg-bundled-ffmpeg-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir` (relative path → bytes), the manifest without its timestamps. */
function outputOf(dir: string): Map<string, Buffer | DatasetManifest> {
  const files = new Map<string, Buffer | DatasetManifest>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!name.endsWith('.tfrecord') && name !== 'manifest.json') continue;
    if (name === 'manifest.json') {
      const manifest = JSON.parse(readFileSync(join(dir, name), 'utf8')) as DatasetManifest;
      files.set(name, { ...manifest, updated: '' });
    } else files.set(name, readFileSync(join(dir, name)));
  }
  return files;
}

test('s3dg dataset with no ffmpeg on PATH uses the bundled one and writes the same shards as the system ffmpeg', {
  skip: FFMPEG_COMPARE_SKIP,
}, async () => {
  // H.264 mp4 (the demo's codec) and VP9 webm, from the demo's renderer.
  const mp4 = await writeCrossingScenes({
    outDir: join(root, 'mp4'),
    videos: 2,
    seed: 5,
    width: 48,
    height: 40,
    fps: 8,
    durationSeconds: 3,
  });
  const webm = await writeCrossingScenes({
    outDir: join(root, 'webm'),
    videos: 2,
    seed: 6,
    width: 49,
    height: 41,
    fps: 8,
    durationSeconds: 3,
    codec: 'vp9',
  });
  // A PATH with node and nothing else: no ffmpeg, no ffprobe.
  const bare = join(root, 'bin');
  mkdirSync(bare);
  symlinkSync(process.execPath, join(bare, 'node'));
  const cli = join(import.meta.dirname, '../../node/cli.ts');
  const build = (set: typeof mp4, out: string, path: string, extra: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
    delete env.S3DG_FFMPEG;
    const args = ['--videos', set.videosDir, '--labels', set.labelsFile, '--class_names', set.classNamesFile, '--out', out];
    args.push(
      '--clip_length',
      '8',
      '--frame_height',
      '24',
      '--frame_width',
      '32',
      '--stride',
      '4',
      '--eval_fraction',
      '0.5',
      '--no-progress',
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'dataset', ...args, ...extra], {
      encoding: 'utf8',
      env,
      cwd: join(import.meta.dirname, '../..'),
    });
    assert.equal(run.status, 0, run.stderr);
    return run.stderr;
  };
  for (const [name, set, extra] of [
    ['mp4', mp4, []],
    ['webm, 5 fps, crop, grey', webm, ['--fps', '5', '--crop', '3,2,40,30', '--channels', '1']],
  ] as const) {
    const systemLog = build(set, join(root, `${name}-system`), process.env.PATH ?? '', [...extra]);
    const bundledLog = build(set, join(root, `${name}-bundled`), bare, [...extra]);
    assert.match(
      systemLog,
      new RegExp(`^ffmpeg: ${SYSTEM_FFMPEG!.ffmpeg} \\(version .*, on PATH, ffprobe ${SYSTEM_FFMPEG!.ffprobe}\\)$`, 'm'),
    );
    const said = bundledLog.split('\n').filter((l) => l.startsWith('ffmpeg: '));
    assert.deepEqual(said, [
      `ffmpeg: ${BUNDLED_FFMPEG} (version N-47683-g0e8eb07980-static, from ${BUNDLED_FFMPEG_PACKAGE}, no ffprobe: probing with ffmpeg)`,
    ]);
    const want = outputOf(join(root, `${name}-system`));
    const got = outputOf(join(root, `${name}-bundled`));
    assert.ok([...want.keys()].filter((k) => k.endsWith('.tfrecord')).length >= 2, `${name}: shards written`);
    assert.deepEqual([...got.keys()], [...want.keys()], name);
    for (const [file, bytes] of want) assert.deepEqual(got.get(file), bytes, `${name}: ${file}`);
  }
});
