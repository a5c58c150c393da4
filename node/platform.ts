import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Platform } from '../core/index.ts';

/** A write failure naming the file (Node's ENOSPC names none); keeps `code` for callers that sort errors by it. */
function writeError(p: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'no space left on the device' : code === 'EDQUOT' ? 'disk quota exceeded' : (e as Error).message;
  return Object.assign(new Error(`cannot write ${p}: ${why}`), { code });
}

/** The Node host: files through node:fs, logs to stderr so stdout stays machine-readable. */
export const nodePlatform: Platform = {
  async readFile(p) {
    try {
      const buf = await fs.readFile(p);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw new Error(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  },
  async writeFileAtomic(p, data) {
    const tmp = `${p}.tmp-${process.pid}-${Date.now()}`;
    try {
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, p);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      throw writeError(p, e);
    }
  },
  async appendFile(p, data) {
    try {
      await fs.appendFile(p, data);
    } catch (e) {
      throw writeError(p, e);
    }
  },
  async listDir(p) {
    try {
      return (await fs.readdir(p)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },
  async exists(p) {
    try {
      await fs.stat(p);
      return true;
    } catch {
      return false;
    }
  },
  async makeDir(p) {
    await fs.mkdir(p, { recursive: true });
  },
  async remove(p) {
    await fs.rm(p, { recursive: true, force: true });
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
  join: (...parts) => path.join(...parts),
  wallTime: () => Date.now() / 1000,
  log: (message) => process.stderr.write(message + '\n'),
};
