/**
 * Running `ffmpeg` and `ffprobe` (as ffmpeg_binary.ts finds them) as child processes. A missing
 * binary becomes one clear message instead of a spawn ENOENT; a failing run becomes an error
 * that names the file and quotes the last lines ffmpeg printed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FfmpegNotFoundError, ffmpegBinary } from './ffmpeg_binary.ts';

export { FfmpegNotFoundError };

/** The external tools we call. */
export type FfmpegTool = 'ffmpeg' | 'ffprobe';

/** Thrown when ffmpeg/ffprobe exits with an error for a given file. */
export class VideoToolError extends Error {
  override name = 'VideoToolError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** A started tool with stdin/stdout piped, plus a promise for its exit and collected stderr. */
export interface ToolProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves with the stderr text on exit code 0; rejects with VideoToolError/FfmpegNotFoundError. */
  done: Promise<string>;
}

/** Keeps only the end of what a tool prints: its last lines say what went wrong. */
function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** The path of `tool` in use; ffprobe may be missing (probe.ts then asks ffmpeg). */
function toolPath(tool: FfmpegTool): string {
  const binary = ffmpegBinary();
  if (tool === 'ffmpeg') return binary.ffmpeg;
  if (!binary.ffprobe) throw new FfmpegNotFoundError(`ffprobe not found beside ${binary.ffmpeg}`);
  return binary.ffprobe;
}

/** How to start a tool. */
export interface ToolOptions {
  /** The executable to run instead of the one in use. */
  binary?: string;
  /** Characters of stderr kept (its end); default 8192, enough for an error's last lines. */
  stderrLimit?: number;
}

/** Starts `tool args…`; `file` names the video in errors. */
export function startTool(tool: FfmpegTool, args: string[], file: string, options: ToolOptions = {}): ToolProcess {
  const executable = options.binary ?? toolPath(tool);
  const limit = options.stderrLimit ?? 8192;
  const child = spawn(executable, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-limit);
  });
  // A process that exits early closes its stdin; writes after that must not crash us.
  child.stdin.on('error', () => undefined);
  const done = new Promise<string>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new FfmpegNotFoundError(`${tool} not found: ${executable} is gone`)
          : new VideoToolError(file, `${tool} failed to start: ${e.message}`),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stderr);
      else
        reject(
          new VideoToolError(
            file,
            `${tool} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${tail(stderr) || 'no message'}`,
          ),
        );
    });
  });
  // Callers await `done` only after reading the output; mark it handled so an early failure
  // (e.g. a missing binary) is not reported as an unhandled rejection in the meantime.
  done.catch(() => undefined);
  return { child, done };
}

/** Runs a tool to completion and returns its stdout and stderr as text. */
export async function runToolText(
  tool: FfmpegTool,
  args: string[],
  file: string,
  options: ToolOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const proc = startTool(tool, args, file, options);
  proc.child.stdin.end();
  let stdout = '';
  proc.child.stdout.setEncoding('utf8');
  proc.child.stdout.on('data', (s: string) => {
    stdout += s;
  });
  const stderr = await proc.done;
  return { stdout, stderr };
}
