/**
 * Splitting the videos among N processes (Kubernetes Indexed Job pods): video → shard by a
 * stable hash of its name relative to its input root, so every pod, given the same inputs,
 * agrees on who scans what without talking to the others, and a rerun picks the same videos.
 */
import { UsageError } from '../errors.ts';

/** This process's part: shard `index` of `count` (0-based, as JOB_COMPLETION_INDEX). */
export interface Shard {
  index: number;
  count: number;
  /** Where the numbers came from, for the log. */
  source: string;
}

/** The environment variables read when `--shard` is not given. */
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const SHARD_COUNT_ENV = 'S3DG_NUM_SHARDS';

function wholeNumber(what: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what}: expected a whole number, got '${text}'`);
  return Number(text);
}

/**
 * The shard from `--shard K/N`, else from JOB_COMPLETION_INDEX with `--num_shards` (or
 * S3DG_NUM_SHARDS) as the count; the whole input (0/1) when none is set. Bad or partial
 * settings are UsageErrors naming the flag or variable.
 */
export function resolveShard(flags: { shard?: string; num_shards?: string }, env: NodeJS.ProcessEnv): Shard {
  let shard: Shard;
  if (flags.shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flags.shard);
    if (!m) throw new UsageError(`--shard ${flags.shard}: expected K/N, e.g. 0/4 (shard K of N, counted from 0)`);
    if (flags.num_shards !== undefined && Number(flags.num_shards) !== Number(m[2])) {
      throw new UsageError(`--shard ${flags.shard} and --num_shards ${flags.num_shards} disagree on the number of shards`);
    }
    shard = { index: Number(m[1]), count: Number(m[2]), source: '--shard' };
  } else {
    const index = env[SHARD_INDEX_ENV];
    const countText = flags.num_shards ?? env[SHARD_COUNT_ENV];
    const countFrom = flags.num_shards !== undefined ? '--num_shards' : SHARD_COUNT_ENV;
    if (index === undefined || index === '') {
      if (flags.num_shards !== undefined) {
        throw new UsageError(`--num_shards ${flags.num_shards} needs a shard index: --shard K/N or ${SHARD_INDEX_ENV}`);
      }
      return { index: 0, count: 1, source: 'no sharding' };
    }
    if (countText === undefined || countText === '') {
      throw new UsageError(`${SHARD_INDEX_ENV}=${index} is set, but not the number of shards: give --num_shards or ${SHARD_COUNT_ENV}`);
    }
    shard = {
      index: wholeNumber(SHARD_INDEX_ENV, index),
      count: wholeNumber(countFrom, countText),
      source: `${SHARD_INDEX_ENV} and ${countFrom}`,
    };
  }
  if (shard.count < 1) throw new UsageError(`${shard.source}: the number of shards must be at least 1, got ${shard.count}`);
  if (shard.index >= shard.count) {
    throw new UsageError(`${shard.source}: shard index ${shard.index} is outside 0…${shard.count - 1}`);
  }
  return shard;
}

/** FNV-1a (32 bits) of the UTF-8 bytes of `text`: small, fast and the same on every platform. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard (0…count−1) that scans the video named `name`. */
export function shardOf(name: string, count: number): number {
  return stableHash(name) % count;
}
