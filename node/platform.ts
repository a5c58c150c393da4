import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Platform } from '../core/index.ts';

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
    await fs.mkdir(path.dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}-${Date.now()}`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, p);
  },
  async appendFile(p, data) {
    await fs.appendFile(p, data);
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
