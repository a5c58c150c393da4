/**
 * Parsing the label files `s3dg dataset` reads: a class-names file (one name per line, line k
 * = class k) and a labels table, CSV or JSON, keyed by video file name.
 *
 * CSV, chosen by the header:
 *   video,start,end,class   labelled time ranges in seconds; a row with an empty class lists
 *                           a video that has no positive range
 *   video,classes           whole-video labels, classes separated by ';' (may be empty)
 * JSON: { "<video>": ["class", …] | [{ "start": s, "end": e, "class": c }, …], … }
 * A class is written by name or by 0-based index. CSV fields are plain (no quoting), so names
 * containing commas need the JSON form. Errors name the file, the line and the value.
 */
import type { LabelRange, VideoLabels } from './clip_labels.ts';

/** Class names from a names file; blank lines and lines starting with '#' are skipped. */
export function parseClassNames(text: string, source: string): string[] {
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  if (names.length === 0) throw new Error(`${source}: no class names (expected one per line)`);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const before = seen.get(n);
    if (before !== undefined) throw new Error(`${source}: class '${n}' is listed twice (classes ${before} and ${i})`);
    seen.set(n, i);
  });
  return names;
}

function classIndex(value: string | number, classNames: readonly string[], where: string): number {
  const text = String(value).trim();
  const byName = classNames.indexOf(text);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(text) && Number(text) < classNames.length) return Number(text);
  const known = classNames.length > 8 ? `${classNames.slice(0, 8).join(', ')}, …` : classNames.join(', ');
  throw new Error(`${where}: unknown class '${text}' (known: ${known}; or an index 0–${classNames.length - 1})`);
}

function seconds(value: unknown, what: string, where: string): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(n) || n < 0)
    throw new Error(`${where}: ${what} must be a number of seconds ≥ 0, got '${String(value)}'`);
  return n;
}

function range(start: unknown, end: unknown, cls: string | number, classNames: readonly string[], where: string): LabelRange {
  const r = { start: seconds(start, 'start', where), end: seconds(end, 'end', where), classIndex: classIndex(cls, classNames, where) };
  if (r.end <= r.start) throw new Error(`${where}: end ${r.end} is not after start ${r.start}`);
  return r;
}

function multiHot(classes: Array<string | number>, classNames: readonly string[], where: string): Uint8Array {
  const label = new Uint8Array(classNames.length);
  for (const c of classes) label[classIndex(c, classNames, where)] = 1;
  return label;
}

function parseCsv(text: string, source: string, classNames: readonly string[]): Map<string, VideoLabels> {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const ranges = header.join(',') === 'video,start,end,class';
  if (!ranges && header.join(',') !== 'video,classes') {
    throw new Error(`${source}: line 1: header must be 'video,start,end,class' or 'video,classes', got '${lines[0]}'`);
  }
  const out = new Map<string, VideoLabels>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const where = `${source}: line ${i + 2}`;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== header.length)
      throw new Error(
        `${where}: expected ${header.length} comma-separated values, got ${cells.length} ` +
          '(CSV fields are not quoted here: use the JSON form for names with commas)',
      );
    const video = cells[0];
    if (!video) throw new Error(`${where}: empty video name`);
    if (ranges) {
      const entry = out.get(video) ?? { kind: 'ranges', ranges: [] };
      if (entry.kind !== 'ranges') throw new Error(`${where}: mixed label forms for ${video}`);
      if (cells[3] !== '') entry.ranges.push(range(cells[1], cells[2], cells[3], classNames, where));
      out.set(video, entry);
    } else {
      if (out.has(video)) throw new Error(`${where}: ${video} is listed twice`);
      const classes = cells[1] === '' ? [] : cells[1].split(';');
      out.set(video, { kind: 'clip', label: multiHot(classes, classNames, where) });
    }
  });
  return out;
}

type JsonRange = { start: unknown; end: unknown; class: string | number };

function parseJson(text: string, source: string, classNames: readonly string[]): Map<string, VideoLabels> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${source}: expected an object keyed by video file name`);
  const out = new Map<string, VideoLabels>();
  for (const [video, value] of Object.entries(parsed as Record<string, unknown>)) {
    const where = `${source}: "${video}"`;
    if (!Array.isArray(value)) throw new Error(`${where}: expected a list of class names or of {start, end, class} ranges`);
    if (value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      out.set(video, { kind: 'clip', label: multiHot(value as Array<string | number>, classNames, where) });
    } else if (value.every((v) => typeof v === 'object' && v !== null && 'class' in v)) {
      out.set(video, {
        kind: 'ranges',
        ranges: (value as JsonRange[]).map((r, i) => range(r.start, r.end, r.class, classNames, `${where}[${i}]`)),
      });
    } else {
      throw new Error(`${where}: mix of class names and ranges, or a range without "class"`);
    }
  }
  return out;
}

/** Parses a CSV or JSON labels table (JSON when the text starts with '{'). */
export function parseLabelTable(text: string, source: string, classNames: readonly string[]): Map<string, VideoLabels> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') throw new Error(`${source}: empty labels file`);
  return trimmed.startsWith('{') ? parseJson(trimmed, source, classNames) : parseCsv(trimmed, source, classNames);
}
