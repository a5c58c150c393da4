/**
 * Clips for the browser tests, made on the fly: synthetic level-crossing scenes (the demo's
 * renderer) encoded by ffmpeg as H.264 mp4 and VP9 webm at the demo model's 64×64, odd
 * sizes (97×71 VP9, 90×66 H.264), plus a non-video file and a truncated mp4.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCrossingScenes } from '../../node/demo/scenes.ts';

/** Paths of the test files. */
export interface BrowserClips {
  dir: string;
  mp4: string;
  webm: string;
  /** 97×71 VP9 (odd sizes; H.264 4:2:0 needs even ones). */
  odd: string;
  /** 90×66 H.264: not the model's size, not a multiple of 16. */
  oddMp4: string;
  notVideo: string;
  truncated: string;
}

/** Writes the clips into a fresh temporary folder (deterministic content). */
export async function makeClips(): Promise<BrowserClips> {
  const dir = await mkdtemp(join(tmpdir(), 's3dg-browser-clips-'));
  const base = { fps: 8, durationSeconds: 4, videos: 1, seed: 7 };
  const mp4 = await writeCrossingScenes({ ...base, width: 64, height: 64, outDir: join(dir, 'mp4'), codec: 'h264' });
  const webm = await writeCrossingScenes({ ...base, width: 64, height: 64, outDir: join(dir, 'webm'), codec: 'vp9' });
  const odd = await writeCrossingScenes({ ...base, width: 97, height: 71, outDir: join(dir, 'odd'), codec: 'vp9' });
  const oddMp4 = await writeCrossingScenes({ ...base, width: 90, height: 66, outDir: join(dir, 'odd-mp4'), codec: 'h264' });
  const notVideo = join(dir, 'notes.mp4');
  await writeFile(notVideo, 'these are my notes about the level crossing, not a video\n'.repeat(50));
  const full = await readFile(join(mp4.videosDir, mp4.videos[0]));
  const truncated = join(dir, 'truncated.mp4');
  await writeFile(truncated, full.subarray(0, Math.floor(full.length * 0.5)));
  return {
    dir,
    mp4: join(mp4.videosDir, mp4.videos[0]),
    webm: join(webm.videosDir, webm.videos[0]),
    odd: join(odd.videosDir, odd.videos[0]),
    oddMp4: join(oddMp4.videosDir, oddMp4.videos[0]),
    notVideo,
    truncated,
  };
}
