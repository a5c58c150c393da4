/**
 * Files that are not (playable) videos, picked as clips, say so in plain words: a text file, a
 * PNG renamed .mp4, an mp4 cut off inside its header, an mp4 with sound only, and a real video in a codec this browser
 * cannot play (MPEG-4 Part 2 in mp4). No decoder internals, no stack; the page keeps working.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { readMessage, uploadClip } from './app_driver.ts';
import { ffmpegBinary } from '../../node/video/ffmpeg_binary.ts';

/** Words that belong to decoders, demuxers and stacks, not to a message for people. */
const INTERNALS = /DEMUXER|FFmpeg|PIPELINE|Error:|MediaError|mediabunny|WebCodecs|VideoDecoder|\bat \S+:\d+|undefined|null/;

describe('non-video files say so in plain words', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  const files: Record<string, string> = {};

  before(async () => {
    clips = await makeClips();
    const dir = await mkdtemp(join(tmpdir(), 's3dg-non-video-'));
    const ffmpeg = ffmpegBinary(() => undefined).ffmpeg;
    files.text = join(dir, 'notes.txt');
    await writeFile(files.text, 'shopping list: milk, bread\n');
    const png = join(dir, 'frame.png');
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=32x32', '-frames:v', '1', png]);
    files.png = join(dir, 'holiday.mp4');
    await writeFile(files.png, await readFile(png));
    files.headerOnly = join(dir, 'cut.mp4');
    await writeFile(files.headerOnly, (await readFile(clips.mp4)).subarray(0, 300));
    files.mpeg4 = join(dir, 'old-camera.mp4');
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x64:d=1:r=8', '-c:v', 'mpeg4', files.mpeg4]);
    files.audio = join(dir, 'sound.mp4');
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', files.audio]);
    s = await openApp('index.html?backend=wasm');
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
  });

  const plain = async (file: string, expected: RegExp) => {
    assert.equal(await uploadClip(s.page, file), 'clipError');
    const message = await readMessage(s.page);
    assert.match(message, expected);
    assert.doesNotMatch(message, INTERNALS);
    assert.ok(!message.includes('\n'), `one line: ${message}`);
  };

  test('a text file', async () => {
    await plain(files.text, /^notes\.txt is not a video this browser can play \(it is a text file\)/);
  });

  test('a text file named .mp4', async () => {
    await plain(clips.notVideo, /^notes\.mp4 is not a video this browser can play \(it is a text file\)/);
  });

  test('a PNG image named .mp4', async () => {
    await plain(files.png, /^holiday\.mp4 is not a video this browser can play \(it is a PNG image\)/);
  });

  test('an mp4 cut off inside its header', async () => {
    await plain(
      files.headerOnly,
      /^cut\.mp4 is not a video this browser can play \(it looks like an MP4 file that is cut short or damaged\)/,
    );
  });

  test('a video in a codec this browser cannot play names the container and codec', async () => {
    await plain(
      files.mpeg4,
      /^old-camera\.mp4 is an MP4 video in the MPEG-4 Part 2 codec, which this browser cannot play; convert it to H\.264/,
    );
  });

  test('an mp4 with sound only', async () => {
    await plain(files.audio, /^sound\.mp4 is not a video this browser can play \(it is an MP4 file with sound but no picture\)$/);
  });

  test('afterwards a good clip still predicts', async () => {
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted', await readMessage(s.page));
    assert.equal(await readMessage(s.page), '');
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
