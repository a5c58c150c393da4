/** Checks on folders the user names for us to write into. */
import { statSync } from 'node:fs';
import { UsageError } from './errors.ts';

/** Throws when `path` (given by `flag`) exists and is not a folder; a missing one is made later. */
export function checkFolder(flag: string, path: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return;
  }
  if (!isDir) throw new UsageError(`${flag} ${path} is a file, not a folder`);
}
