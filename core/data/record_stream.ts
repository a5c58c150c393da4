/**
 * The training record stream — epochs of a seeded file order, files interleaved, then a shuffle
 * buffer — written as an explicit state machine so that every record leaves with the stream's
 * position after it. A run that saves the position of its last consumed batch with a checkpoint
 * continues, after an interruption, with exactly the records (and random draws) an uninterrupted
 * run would have seen.
 *
 * It draws from its generator in the same order as `interleave` + `shuffleBuffer`
 * (async_stages.ts) composed per epoch, so both give the same stream for the same seed.
 */
import { readClipRecords } from './clip_records.ts';
import type { ClipRecord, RecordSource } from './clip_records.ts';
import type { ClipSpec } from './clip_spec.ts';
import { Rng } from './rng.ts';

/** A record by place: index into the stream's sources, and record index within that file. */
export interface RecordPlace {
  source: number;
  index: number;
}

/** Everything the stream needs to continue after some record; plain JSON. */
export interface StreamPosition {
  /** 0-based epoch being read. */
  epoch: number;
  /** This epoch's file order, as indices into the sources. */
  order: number[];
  /** Files of `order` opened so far. */
  opened: number;
  /** Files being read, in cycle order: which source, and how many of its records were read. */
  slots: RecordPlace[];
  /** The slot read next. */
  cursor: number;
  /** Records in the shuffle buffer, in buffer order. */
  buffer: RecordPlace[];
  /** This epoch's files are exhausted: `buffer` (already shuffled) is emitted front to back. */
  draining: boolean;
  /** Records emitted in this epoch. */
  emitted: number;
  /** State of the generator that orders files and draws from the buffer. */
  rng: number;
}

export interface RecordStreamOptions {
  sources: readonly RecordSource[];
  spec: ClipSpec;
  compression?: 'NONE' | 'GZIP';
  /** Files read at once, so the buffer mixes videos. */
  cycleLength: number;
  /** Records held by the shuffle buffer. */
  bufferSize: number;
  /** Passes over the data (Infinity: repeat forever). */
  epochs: number;
  /** The generator, advanced in place; ignored when resuming (the position holds its state). */
  rng: Rng;
  /** Continue after this position instead of starting at epoch 0. */
  from?: StreamPosition;
}

/** One record of the stream and the stream's position right after it. */
export interface PlacedRecord {
  record: ClipRecord;
  epoch: number;
  position: StreamPosition;
}

interface Slot {
  source: number;
  read: number;
  records: AsyncIterator<ClipRecord>;
}

interface Buffered {
  place: RecordPlace;
  record: ClipRecord;
}

/** Reads the records at `places` (any order), each file once, as far as its highest index. */
async function readPlaces(options: RecordStreamOptions, places: readonly RecordPlace[]): Promise<ClipRecord[]> {
  const found = new Map<string, ClipRecord>();
  const bySource = new Map<number, number>();
  for (const p of places) bySource.set(p.source, Math.max(bySource.get(p.source) ?? -1, p.index));
  for (const [source, last] of bySource) {
    const wanted = new Set(places.filter((p) => p.source === source).map((p) => p.index));
    let index = 0;
    for await (const record of readClipRecords(options.sources[source], options.spec, options.compression)) {
      if (wanted.has(index)) found.set(`${source}:${index}`, record);
      if (++index > last) break;
    }
    if (index <= last)
      throw new Error(`${options.sources[source].name}: holds ${index} records, but the saved input position needs record ${last}`);
  }
  return places.map((p) => found.get(`${p.source}:${p.index}`)!);
}

/** The stream; see the module comment. Throws when an epoch finds no records at all. */
export async function* recordStream(options: RecordStreamOptions): AsyncGenerator<PlacedRecord> {
  const n = options.sources.length;
  const from = options.from;
  if (from) checkPosition(from, n);
  const rng = from ? Rng.fromState(from.rng) : options.rng;
  let epoch = from?.epoch ?? 0;
  let order = from?.order.slice() ?? [];
  let opened = from?.opened ?? 0;
  let cursor = from?.cursor ?? 0;
  let draining = from?.draining ?? false;
  let emitted = from?.emitted ?? 0;
  const slots: Slot[] = [];
  let buffer: Buffered[] = [];
  let started = from !== undefined;

  const open = (source: number, skip = 0): Slot => {
    const records = readClipRecords(options.sources[source], options.spec, options.compression)[Symbol.asyncIterator]();
    return { source, read: skip, records };
  };
  const position = (): StreamPosition => ({
    epoch,
    order: order.slice(),
    opened,
    slots: slots.map((s) => ({ source: s.source, index: s.read })),
    cursor,
    buffer: buffer.map((b) => b.place),
    draining,
    emitted,
    rng: rng.state,
  });
  /** The next record of the interleaved files, or null when this epoch's files are exhausted. */
  const pull = async (): Promise<Buffered | null> => {
    while (slots.length > 0) {
      if (cursor >= slots.length) cursor = 0;
      const slot = slots[cursor];
      const r = await slot.records.next();
      if (!r.done) {
        cursor++;
        return { place: { source: slot.source, index: slot.read++ }, record: r.value };
      }
      if (opened < order.length) slots[cursor] = open(order[opened++]);
      else slots.splice(cursor, 1);
    }
    return null;
  };

  try {
    if (from) {
      for (const s of from.slots) {
        const slot = open(s.source);
        for (let i = 0; i < s.index; i++) {
          const r = await slot.records.next();
          if (r.done)
            throw new Error(`${options.sources[s.source].name}: holds ${i} records, but the saved input position read ${s.index}`);
        }
        slot.read = s.index;
        slots.push(slot);
      }
      const records = await readPlaces(options, from.buffer);
      buffer = from.buffer.map((place, i) => ({ place, record: records[i] }));
    }
    while (epoch < options.epochs) {
      if (!started) {
        order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
        opened = 0;
        cursor = 0;
        emitted = 0;
        draining = false;
        buffer = [];
        while (slots.length < options.cycleLength && opened < n) slots.push(open(order[opened++]));
        started = true;
      }
      while (!draining) {
        const next = await pull();
        if (next === null) {
          draining = true;
          buffer = rng.shuffle(buffer);
          break;
        }
        if (buffer.length < options.bufferSize) {
          buffer.push(next);
          continue;
        }
        const j = rng.int(options.bufferSize);
        const out = buffer[j];
        buffer[j] = next;
        emitted++;
        yield { record: out.record, epoch, position: position() };
      }
      while (buffer.length > 0) {
        const out = buffer.shift()!;
        emitted++;
        yield { record: out.record, epoch, position: position() };
      }
      if (emitted === 0) throw new Error(`no records in ${options.sources.map((s) => s.name).join(', ') || 'an empty source list'}`);
      epoch++;
      started = false;
    }
  } finally {
    await Promise.all(slots.map((s) => s.records.return?.()));
  }
}

/** A position must fit the sources it is resumed on (the caller checks they are the same files). */
function checkPosition(p: StreamPosition, sources: number): void {
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < sources;
  const ok =
    Number.isInteger(p.epoch) &&
    p.order.length === sources &&
    p.order.every(inRange) &&
    p.opened >= 0 &&
    p.opened <= sources &&
    [...p.slots, ...p.buffer].every((s) => inRange(s.source) && Number.isInteger(s.index) && s.index >= 0) &&
    Number.isInteger(p.rng);
  if (!ok) throw new Error('the saved input position does not fit these input files');
}
