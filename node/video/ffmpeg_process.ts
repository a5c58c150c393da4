/**
 * Running the system `ffmpeg` and `ffprobe` as child processes. A missing binary becomes one
 * clear message instead of a spawn ENOENT; a failing run becomes an error that names the file
 * and quotes the last lines ffmpeg printed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** The external tools we call. */
export type FfmpegTool = 'ffmpeg' | 'ffprobe';

/** Thrown when ffmpeg/ffprobe is not installed (or not on PATH). */
export class FfmpegNotFoundError extends Error {
  override name = 'FfmpegNotFoundError';
  constructor(tool: FfmpegTool) {
    super(`${tool} not found: install it (apt-get install -y ffmpeg)`);
  }
}

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

/** Starts `tool args…`; `file` names the video in errors. */
export function startTool(tool: FfmpegTool, args: string[], file: string): ToolProcess {
  const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-8192);
  });
  // A process that exits early closes its stdin; writes after that must not crash us.
  child.stdin.on('error', () => undefined);
  const done = new Promise<string>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new FfmpegNotFoundError(tool) : new VideoToolError(file, `${tool} failed to start: ${e.message}`));
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

/** Runs a tool to completion and returns its stdout as text. */
export async function runToolText(tool: FfmpegTool, args: string[], file: string): Promise<string> {
  const proc = startTool(tool, args, file);
  proc.child.stdin.end();
  let out = '';
  proc.child.stdout.setEncoding('utf8');
  proc.child.stdout.on('data', (s: string) => {
    out += s;
  });
  await proc.done;
  return out;
}
