/**
 * Generic stages for async-iterable pipelines, in the spirit of tf.data: interleave, ordered
 * concurrent map and prefetch. They know nothing about clips or tensors. (The training shuffle
 * buffer lives in record_stream.ts, where its state can be saved.)
 */

/**
 * Reads up to `cycleLength` inputs at once, taking one item from each in turn (tf.data
 * `interleave` with block_length 1); when one ends, the next input opens in its slot.
 */
export async function* interleave<S, T>(
  inputs: readonly S[],
  open: (input: S) => AsyncIterable<T>,
  cycleLength: number,
): AsyncGenerator<T> {
  const slots: AsyncIterator<T>[] = [];
  let next = 0;
  const openNext = () => open(inputs[next++])[Symbol.asyncIterator]();
  try {
    while (slots.length < cycleLength && next < inputs.length) slots.push(openNext());
    while (slots.length > 0) {
      for (let i = 0; i < slots.length; ) {
        const r = await slots[i].next();
        if (!r.done) {
          yield r.value;
          i++;
        } else if (next < inputs.length) {
          slots[i] = openNext();
        } else {
          slots.splice(i, 1);
        }
      }
    }
  } finally {
    await Promise.all(slots.map((it) => it.return?.()));
  }
}

/**
 * Applies `fn` to each item with up to `concurrency` calls in flight (e.g. one per worker
 * thread), emitting results in input order.
 */
export async function* mapOrdered<T, U>(input: AsyncIterable<T>, fn: (item: T) => U | Promise<U>, concurrency: number): AsyncGenerator<U> {
  const it = input[Symbol.asyncIterator]();
  const pending: Promise<U>[] = [];
  let ended = false;
  try {
    for (;;) {
      while (!ended && pending.length < concurrency) {
        let r: IteratorResult<T>;
        try {
          r = await it.next();
        } catch (e) {
          // Hand out the results before the failure first, then the failure.
          const failed = Promise.reject(e);
          failed.catch(() => undefined);
          pending.push(failed);
          ended = true;
          break;
        }
        if (r.done) {
          ended = true;
          break;
        }
        const p = Promise.resolve(r.value).then(fn);
        p.catch(() => undefined); // surfaced when awaited below, in order
        pending.push(p);
      }
      const head = pending.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}

/**
 * How far a prefetch reads ahead: a fixed number of items, or `auto` (tf.data's AUTOTUNE):
 * start at one and read one more ahead each time the consumer finds nothing ready, up to `max`.
 */
export type PrefetchDepth = number | { auto: true; max: number; onGrow?: (depth: number) => void };

/**
 * Keeps `depth` items requested ahead of the one the consumer holds, so the producer keeps
 * working (decoding, preprocessing, waiting on workers) while the consumer computes.
 */
export async function* prefetch<T>(input: AsyncIterable<T>, depth: PrefetchDepth): AsyncGenerator<T> {
  const it = input[Symbol.asyncIterator]();
  const ahead: { result: Promise<IteratorResult<T>>; ready: boolean }[] = [];
  const auto = typeof depth === 'number' ? null : depth;
  let want = auto ? 1 : Math.max(1, depth as number);
  const max = auto ? Math.max(1, auto.max) : want;
  let ended = false;
  const refill = () => {
    while (ahead.length < want) {
      const entry = { result: it.next(), ready: false };
      const settle = () => {
        entry.ready = true;
      };
      entry.result.then(settle, settle); // a rejection is surfaced when awaited below
      ahead.push(entry);
    }
  };
  try {
    refill();
    for (;;) {
      const head = ahead.shift();
      if (!head) return;
      // The consumer waits: reading further ahead would have hidden it.
      if (auto && !head.ready && want < max) auto.onGrow?.(++want);
      const r = await head.result;
      if (r.done) {
        ended = true;
        return;
      }
      refill(); // before handing the item out, so work continues while the consumer holds it
      yield r.value;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}
