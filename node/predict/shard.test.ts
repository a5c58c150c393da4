import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShard, shardOf, stableHash } from './shard.ts';

test('stableHash is FNV-1a over UTF-8 (known values), so every machine assigns alike', () => {
  assert.equal(stableHash(''), 0x811c9dc5);
  assert.equal(stableHash('a'), 0xe40c292c);
  assert.equal(stableHash('foobar'), 0xbf9cf968);
});

test('shardOf puts each name in exactly one of N shards and spreads names over them', () => {
  const names = Array.from({ length: 300 }, (_, i) => `cam${i % 7}/2026-12-${String(i).padStart(3, '0')}.mp4`);
  const counts = [0, 0, 0];
  for (const n of names) {
    const k = shardOf(n, 3);
    assert.ok(k >= 0 && k < 3);
    assert.equal(shardOf(n, 3), k);
    counts[k]++;
  }
  for (const c of counts) assert.ok(c > 60, `shard sizes ${counts}`);
  assert.equal(shardOf('x.mp4', 1), 0);
});

test('--shard K/N, else JOB_COMPLETION_INDEX with --num_shards or S3DG_NUM_SHARDS; none: the whole input', () => {
  assert.deepEqual(resolveShard({ shard: '2/5' }, {}), { index: 2, count: 5, source: '--shard' });
  assert.deepEqual(resolveShard({}, { JOB_COMPLETION_INDEX: '3', S3DG_NUM_SHARDS: '4' }), {
    index: 3,
    count: 4,
    source: 'JOB_COMPLETION_INDEX and S3DG_NUM_SHARDS',
  });
  assert.equal(resolveShard({ num_shards: '8' }, { JOB_COMPLETION_INDEX: '7', S3DG_NUM_SHARDS: '4' }).count, 8);
  assert.deepEqual(resolveShard({}, {}), { index: 0, count: 1, source: 'no sharding' });
  // --shard wins over the environment.
  assert.equal(resolveShard({ shard: '0/2' }, { JOB_COMPLETION_INDEX: '1', S3DG_NUM_SHARDS: '2' }).index, 0);
});

test('bad shard settings name the flag or variable', () => {
  assert.throws(() => resolveShard({ shard: '1of3' }, {}), /--shard 1of3: expected K\/N/);
  assert.throws(() => resolveShard({ shard: '3/3' }, {}), /--shard: shard index 3 is outside 0…2/);
  assert.throws(() => resolveShard({ shard: '0/0' }, {}), /number of shards must be at least 1/);
  assert.throws(() => resolveShard({ shard: '0/3', num_shards: '4' }, {}), /disagree/);
  assert.throws(() => resolveShard({ num_shards: '3' }, {}), /--num_shards 3 needs a shard index/);
  assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '1' }), /JOB_COMPLETION_INDEX=1 is set, but not the number of shards/);
  assert.throws(
    () => resolveShard({}, { JOB_COMPLETION_INDEX: 'x', S3DG_NUM_SHARDS: '2' }),
    /JOB_COMPLETION_INDEX: expected a whole number/,
  );
});
