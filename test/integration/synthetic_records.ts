/**
 * Tiny data sets in the original record format for integration tests: clips whose labels depend
 * on what they show (a bright square moving left→right or right→left, overall brightness), so a
 * model can learn them, written as real TFRecord files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTFRecords } from '../../core/formats/tfrecord_writer.ts';
import { encodeClipExample } from '../../core/data/clip_records.ts';
import { Rng } from '../../core/data/rng.ts';
import type { ClipSpec } from '../../core/data/clip_spec.ts';

/** Classes: 0 = moves right, 1 = moves left, 2 = bright scene. */
export function syntheticClip(spec: ClipSpec, rng: Rng): { clip: Uint8Array; label: Uint8Array } {
  const { clipLength: t, frameHeight: h, frameWidth: w, channels: c } = spec;
  const clip = new Uint8Array(t * h * w * c);
  const right = rng.next() < 0.5;
  const bright = rng.next() < 0.5;
  const base = bright ? 140 : 30;
  const size = Math.max(2, Math.floor(h / 4));
  const y0 = Math.floor(rng.next() * (h - size));
  for (let f = 0; f < t; f++) {
    const progress = f / Math.max(1, t - 1);
    const x0 = Math.round((right ? progress : 1 - progress) * (w - size));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inside = y >= y0 && y < y0 + size && x >= x0 && x < x0 + size;
        for (let ch = 0; ch < c; ch++) clip[((f * h + y) * w + x) * c + ch] = inside ? 250 : base + Math.floor(rng.next() * 20);
      }
    }
  }
  const label = new Uint8Array(spec.numClasses);
  label[right ? 0 : 1] = 1;
  if (bright && spec.numClasses > 2) label[2] = 1;
  return { clip, label };
}

/** Writes `count` clips into `dir/part-<i>.tfrecord` files of `perFile` records. */
export function writeSyntheticSubset(dir: string, spec: ClipSpec, count: number, seed: number, perFile = 8): string[] {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const files: string[] = [];
  for (let start = 0, part = 0; start < count; start += perFile, part++) {
    const records: Uint8Array[] = [];
    for (let i = start; i < Math.min(count, start + perFile); i++) {
      const { clip, label } = syntheticClip(spec, rng);
      records.push(encodeClipExample(clip, label));
    }
    const path = join(dir, `part-${part}.tfrecord`);
    writeFileSync(path, encodeTFRecords(records));
    files.push(path);
  }
  return files;
}
