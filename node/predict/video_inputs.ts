/**
 * The videos `s3dg predict` was given: files, folders (searched recursively for video files)
 * and globs (`*`, `**`, `?`, for shells and Kubernetes manifests that do not expand them). Each
 * video gets a name relative to its input root (the folder, the glob's fixed part, or the
 * file's own folder): outputs are named after it and shards are assigned by it, so the same
 * layout gives the same names on every machine.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.ts';
import { VIDEO_EXTENSIONS } from '../data/dataset_builder.ts';

/** One video to scan. */
export interface VideoInput {
  /** Path to open. */
  path: string;
  /** Name relative to its input root, with `/` separators (e.g. `cam1/2026-11-30.mp4`). */
  name: string;
}

const MAGIC = /[*?[]/;

function isVideo(name: string): boolean {
  const lower = name.toLowerCase();
  return VIDEO_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

/** Every file under `dir`, recursively, sorted (hidden entries left out). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (p) =>
        !relative(dir, p)
          .split(sep)
          .some((part) => part.startsWith('.')),
    )
    .sort();
}

/** A glob pattern (posix form) as a RegExp: `**` any folders, `*` and `?` within one name, `[…]` a class. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replaceAll('\\', '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The videos a glob matches, named relative to its fixed leading folders. */
async function expandGlob(pattern: string): Promise<VideoInput[]> {
  const parts = posix(pattern).split('/');
  const fixed = parts.findIndex((p) => MAGIC.test(p));
  const root = parts.slice(0, fixed).join('/') || '.';
  const rest = globRegExp(parts.slice(fixed).join('/'));
  const exists = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return [];
  return (await filesUnder(root))
    .map((path) => ({ path, name: posix(relative(root, path)) }))
    .filter((v) => rest.test(v.name) && isVideo(v.name));
}

/**
 * The videos of `args`, in the order given (a folder's and a glob's sorted). Throws a
 * UsageError naming the argument that matches nothing, a folder without videos, or two
 * inputs whose names collide (their outputs would overwrite each other).
 */
export async function expandVideoInputs(args: string[]): Promise<VideoInput[]> {
  if (args.length === 0) throw new UsageError('predict needs at least one video file, folder or glob');
  const out: VideoInput[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => null);
    if (info?.isFile()) {
      out.push({ path: arg, name: basename(arg) });
    } else if (info?.isDirectory()) {
      const videos = (await filesUnder(arg)).filter((p) => isVideo(p));
      if (videos.length === 0) throw new UsageError(`${arg}: no video files in this folder (${VIDEO_EXTENSIONS.join(' ')})`);
      out.push(...videos.map((path) => ({ path, name: posix(relative(arg, path)) })));
    } else if (MAGIC.test(arg)) {
      const videos = await expandGlob(arg);
      if (videos.length === 0) throw new UsageError(`${arg}: the pattern matches no video files`);
      out.push(...videos);
    } else {
      throw new UsageError(`${arg}: no such file or folder`);
    }
  }
  const byName = new Map<string, string>();
  for (const v of out) {
    const other = byName.get(v.name);
    const here = resolve(v.path);
    if (other === here) continue;
    if (other !== undefined) {
      throw new UsageError(`${v.path} and ${other} are both named ${v.name} under their input roots: their outputs would collide`);
    }
    byName.set(v.name, here);
  }
  // The same file given twice is scanned once.
  const seen = new Set<string>();
  return out.filter((v) => !seen.has(v.name) && seen.add(v.name) !== undefined);
}
