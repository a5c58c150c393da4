/**
 * The two ffmpeg builds the tests compare: the system's (ffmpeg + ffprobe on PATH) and the static
 * one the optional `@ffmpeg-installer/linux-x64` ships (no ffprobe), and why a comparison skips.
 */
import { BUNDLED_FFMPEG_PACKAGE, findFfmpeg } from '../node/video/ffmpeg_binary.ts';

/** ffmpeg and ffprobe found on PATH, or null. */
export const SYSTEM_FFMPEG = (() => {
  try {
    return findFfmpeg({ env: { PATH: process.env.PATH }, platform: process.platform, arch: process.arch });
  } catch {
    return null;
  }
})();

/** Path of the bundled static ffmpeg, or null where the package is not installed. */
export const BUNDLED_FFMPEG = (() => {
  try {
    return findFfmpeg({ env: { PATH: '' }, platform: process.platform, arch: process.arch }).ffmpeg;
  } catch {
    return null;
  }
})();

/** Why system-vs-bundled comparisons cannot run here, or false when they can. */
export const FFMPEG_COMPARE_SKIP: string | false = !BUNDLED_FFMPEG
  ? `${BUNDLED_FFMPEG_PACKAGE} is not installed here`
  : SYSTEM_FFMPEG?.source !== 'PATH' || !SYSTEM_FFMPEG.ffprobe
    ? 'no system ffmpeg and ffprobe on PATH to compare with'
    : false;
