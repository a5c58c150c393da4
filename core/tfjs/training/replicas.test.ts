import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { meanInOrder, replicaSeed } from './replicas.ts';

describe('replica reduction', () => {
  it('meanInOrder: the float32 mean, N equal values give that value exactly, lengths must match', () => {
    const x = Float32Array.from([0.1, -3.7, 1e-30, 12345.678]);
    for (const n of [1, 2, 3, 7]) assert.deepEqual(meanInOrder(Array.from({ length: n }, () => x)), x);
    assert.deepEqual(meanInOrder([Float32Array.from([1, 2]), Float32Array.from([2, 5])]), Float32Array.from([1.5, 3.5]));
    assert.throws(() => meanInOrder([new Float32Array(2), new Float32Array(3)]), /3 values where 2 were expected/);
    assert.throws(() => meanInOrder([]), /nothing to average/);
  });

  it('replicaSeed: replica 0 keeps the step seed; the others are distinct per step and replica, never a step seed', () => {
    assert.equal(replicaSeed(3_000_010, 0), 3_000_010);
    const seen = new Set<number>();
    for (const step of [1, 2, 3, 2 ** 45 + 7, 2 ** 45 + 8])
      for (let r = 1; r < 8; r++) {
        const s = replicaSeed(step, r);
        assert.ok(s < 0 && Number.isSafeInteger(s), `${s}`);
        seen.add(s);
      }
    assert.equal(seen.size, 5 * 7);
  });
});
