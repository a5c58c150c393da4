/**
 * One writer per folder (a training run per model directory, a build per data set): an exclusive
 * lock file (`<dir>/.s3dg-lock`, created with O_EXCL) naming the process that holds it. A second
 * run refuses, saying who holds it; a lock left by a process that died (kill -9) on this host is
 * taken over.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.s3dg-lock';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** Whether process `pid` runs on this host (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null; // being written, or damaged
  }
}

/**
 * Takes the lock on `dir` (creating the folder) and returns its release. Throws, naming the
 * holder and `rule` (e.g. "one training run per model directory"), when another live run has it.
 * The lock is also released when the process exits.
 */
export function lockFolder(dir: string, rule: string, log: (message: string) => void): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(2).join(' ') };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock ${dir}: ${(e as Error).message}`);
      const owner = readOwner(path);
      const stale = owner !== null && owner.host === me.host && !alive(owner.pid);
      if (!stale || attempt > 0) {
        const who = owner ? `process ${owner.pid} on ${owner.host} since ${owner.started} (${owner.command})` : 'another process';
        throw new Error(
          `${dir} is in use by ${who}: ${rule}. Wait for it to end, or use another folder; ` + `if that process is gone, delete ${path}.`,
        );
      }
      log(`${dir}: taking over the lock of process ${owner.pid}, which ended without releasing it`);
      unlinkSync(path);
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    const owner = readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host) unlinkSync(path);
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

/** `<name>.tmp-<pid>-<time>`: a temporary of nodePlatform.writeFileAtomic. */
const TEMPORARY = /\.tmp-(\d+)-\d+$/;

/**
 * Removes temporaries that runs on this host left in `dir` when they died mid-write (kill -9, a
 * full disk): only names our atomic writes use, only of processes that are gone.
 */
export function removeStaleTemporaries(dir: string, log: (message: string) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    unlinkSync(join(dir, name));
    log(`removed ${join(dir, name)}, left by process ${m[1]} which ended mid-write`);
  }
}
