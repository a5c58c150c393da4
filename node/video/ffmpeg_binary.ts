/**
 * Which ffmpeg runs: the file `S3DG_FFMPEG` names, else `ffmpeg` on PATH, else the static build
 * in the optional dependency @ffmpeg-installer/linux-x64 (npm installs it on linux x64 only), so
 * `npm ci && npm start` works on a machine without ffmpeg. ffprobe is used where it sits beside
 * the chosen ffmpeg, or on PATH with a PATH ffmpeg; the bundled build has none, and probe.ts
 * then asks ffmpeg itself. The first use logs the binary's path and version once.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** The npm package that ships ffmpeg for linux x64 (an optional dependency). */
export const BUNDLED_FFMPEG_PACKAGE = '@ffmpeg-installer/linux-x64';

/** Where the ffmpeg in use came from. */
export type FfmpegSource = 'S3DG_FFMPEG' | 'PATH' | typeof BUNDLED_FFMPEG_PACKAGE;

/** Thrown when no ffmpeg can be found (or the one `S3DG_FFMPEG` names is not there). */
export class FfmpegNotFoundError extends Error {
  override name = 'FfmpegNotFoundError';
}

/** The ffmpeg (and ffprobe, when there is one) that the video code runs. */
export interface FfmpegBinary {
  ffmpeg: string;
  /** Absolute path of ffprobe, or null when there is none to go with this ffmpeg. */
  ffprobe: string | null;
  source: FfmpegSource;
  /** As `ffmpeg -version` spells it: "5.1.9-0+deb12u1", "N-47683-g0e8eb07980-static". */
  version: string;
  /** The option for frame timing: `-fps_mode` from ffmpeg 5.1 on, `-vsync` before. */
  fpsModeOption: '-fps_mode' | '-vsync';
}

/** The parts of the process's surroundings the search depends on (a parameter, so tests can vary them). */
export interface FfmpegSearchContext {
  env: { S3DG_FFMPEG?: string; PATH?: string };
  platform: NodeJS.Platform;
  arch: string;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exeName(tool: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${tool}.exe` : tool;
}

/** The first executable `tool` in the PATH folders, or null. */
function onPath(tool: string, context: FfmpegSearchContext): string | null {
  for (const folder of (context.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const file = resolve(folder, exeName(tool, context.platform));
    if (isExecutableFile(file)) return file;
  }
  return null;
}

/** The bundled ffmpeg's path, or null where the package is not installed or does not apply. */
function bundledFfmpeg(context: FfmpegSearchContext): string | null {
  if (context.platform !== 'linux' || context.arch !== 'x64') return null;
  try {
    const manifest = createRequire(import.meta.url).resolve(`${BUNDLED_FFMPEG_PACKAGE}/package.json`);
    const file = join(dirname(manifest), 'ffmpeg');
    return isExecutableFile(file) ? file : null;
  } catch {
    return null;
  }
}

/** How to get ffmpeg on this platform, for the not-found message. */
function installHint(context: FfmpegSearchContext): string {
  if (context.platform === 'linux' && context.arch === 'x64') {
    return `install it (apt-get install -y ffmpeg), or the optional dependency ${BUNDLED_FFMPEG_PACKAGE} (npm ci installs it)`;
  }
  const how: Partial<Record<NodeJS.Platform, string>> = {
    darwin: 'brew install ffmpeg',
    win32: 'winget install ffmpeg',
    linux: 'apt-get install -y ffmpeg',
  };
  return `install it (${how[context.platform] ?? 'see https://ffmpeg.org/download.html'}; ${BUNDLED_FFMPEG_PACKAGE} covers linux x64 only)`;
}

/** Finds ffmpeg and its ffprobe without running them; throws FfmpegNotFoundError when there is none. */
export function findFfmpeg(context: FfmpegSearchContext): Pick<FfmpegBinary, 'ffmpeg' | 'ffprobe' | 'source'> {
  const beside = (ffmpeg: string) => {
    const file = join(dirname(ffmpeg), exeName('ffprobe', context.platform));
    return isExecutableFile(file) ? file : null;
  };
  const forced = context.env.S3DG_FFMPEG;
  if (forced) {
    const file = isAbsolute(forced) ? forced : resolve(forced);
    if (!isExecutableFile(file)) throw new FfmpegNotFoundError(`S3DG_FFMPEG=${forced}: no executable file there`);
    return { ffmpeg: file, ffprobe: beside(file), source: 'S3DG_FFMPEG' };
  }
  const system = onPath('ffmpeg', context);
  if (system) return { ffmpeg: system, ffprobe: beside(system) ?? onPath('ffprobe', context), source: 'PATH' };
  const bundled = bundledFfmpeg(context);
  if (bundled) return { ffmpeg: bundled, ffprobe: null, source: BUNDLED_FFMPEG_PACKAGE };
  throw new FfmpegNotFoundError(`ffmpeg not found on PATH: ${installHint(context)}, or set S3DG_FFMPEG to its path`);
}

/** Version and capabilities from `ffmpeg -version` (its libavutil line dates the command-line options). */
function versionOf(ffmpeg: string): Pick<FfmpegBinary, 'version' | 'fpsModeOption'> {
  const run = spawnSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    throw new FfmpegNotFoundError(`${ffmpeg}: cannot run it (${run.error?.message ?? `exit code ${run.status}: ${run.stderr.trim()}`})`);
  }
  const version = /^ffmpeg version (\S+)/m.exec(run.stdout)?.[1];
  if (!version) throw new FfmpegNotFoundError(`${ffmpeg}: not ffmpeg (\`-version\` does not print "ffmpeg version …")`);
  const avutil = /^libavutil\s+(\d+)\.\s*(\d+)\./m.exec(run.stdout);
  // -fps_mode arrived with ffmpeg 5.1 (libavutil 57.28); -vsync is deprecated from then on.
  const [major, minor] = avutil ? [Number(avutil[1]), Number(avutil[2])] : [0, 0];
  const fpsModeOption = major > 57 || (major === 57 && minor >= 28) ? '-fps_mode' : '-vsync';
  return { version, fpsModeOption };
}

const found = new Map<string, FfmpegBinary>();

/**
 * The ffmpeg in use, found on first call (and again when S3DG_FFMPEG or PATH change), logging
 * its path and version once per binary. Throws FfmpegNotFoundError when there is none.
 */
export function ffmpegBinary(log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): FfmpegBinary {
  const context: FfmpegSearchContext = { env: process.env, platform: process.platform, arch: process.arch };
  const key = `${context.env.S3DG_FFMPEG ?? ''}\0${context.env.PATH ?? ''}`;
  let binary = found.get(key);
  if (!binary) {
    const where = findFfmpeg(context);
    const known = [...found.values()].find((b) => b.ffmpeg === where.ffmpeg && b.ffprobe === where.ffprobe);
    binary = known ?? { ...where, ...versionOf(where.ffmpeg) };
    if (!known) {
      const from = binary.source === 'PATH' ? 'on PATH' : binary.source === 'S3DG_FFMPEG' ? 'from S3DG_FFMPEG' : `from ${binary.source}`;
      const probe = binary.ffprobe ? `, ffprobe ${binary.ffprobe}` : ', no ffprobe: probing with ffmpeg';
      log(`ffmpeg: ${binary.ffmpeg} (version ${binary.version}, ${from}${probe})`);
    }
    found.set(key, binary);
  }
  return binary;
}
