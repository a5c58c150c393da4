import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interleave, mapOrdered, prefetch } from './async_stages.ts';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('interleave takes one item from each open input in turn, refilling from the rest', async () => {
  const inputs = [['a1', 'a2', 'a3'], ['b1'], ['c1', 'c2']];
  assert.deepEqual(await collect(interleave(inputs, from, 2)), ['a1', 'b1', 'a2', 'c1', 'a3', 'c2']);
  assert.deepEqual(await collect(interleave(inputs, from, 1)), ['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
});

test('mapOrdered keeps input order while calls overlap', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const out = await collect(
    mapOrdered(
      from([30, 5, 20, 1, 10]),
      async (ms) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(ms);
        inFlight--;
        return ms * 2;
      },
      3,
    ),
  );
  assert.deepEqual(out, [60, 10, 40, 2, 20]);
  assert.equal(maxInFlight, 3);
});

test('prefetch keeps the producer working ahead of a slow consumer', async () => {
  let produced = 0;
  async function* producer() {
    for (let i = 0; i < 10; i++) {
      produced++;
      yield i;
    }
  }
  const it = prefetch(producer(), 3);
  assert.deepEqual(await it.next(), { value: 0, done: false });
  await sleep(10); // the consumer "computes"
  assert.ok(produced >= 4, `produced ${produced}`);
  assert.deepEqual(await collect(it), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('prefetch and mapOrdered pass errors on in order', async () => {
  async function* failing() {
    yield 1;
    throw new Error('bad record 2');
  }
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const x of prefetch(
      mapOrdered(failing(), (x) => x, 2),
      2,
    ))
      seen.push(x);
  }, /bad record 2/);
  assert.deepEqual(seen, [1]);
});

test('automatic prefetch (AUTOTUNE) reads further ahead only while the consumer waits, up to its maximum', async () => {
  // A slow producer and a fast consumer: every wait adds one, until the maximum.
  async function* slow() {
    for (let i = 0; i < 12; i++) {
      await sleep(3);
      yield i;
    }
  }
  const grown: number[] = [];
  assert.deepEqual(await collect(prefetch(slow(), { auto: true, max: 4, onGrow: (d) => grown.push(d) })), [...Array(12).keys()]);
  assert.deepEqual(grown, [2, 3, 4]);
  // A producer that is always ready ahead of a slow consumer: one wait at the start, then none.
  const steady: number[] = [];
  const it = prefetch(from([...Array(8).keys()]), { auto: true, max: 4, onGrow: (d) => steady.push(d) });
  const seen: number[] = [];
  for await (const x of it) {
    seen.push(x);
    await sleep(2);
  }
  assert.deepEqual(seen, [...Array(8).keys()]);
  assert.ok(steady.length <= 1, `grew to ${steady} with the input always ready`);
});
