/**
 * TensorBoard event-file writer. Events are serialized, TFRecord-framed and buffered; the
 * buffer goes to the caller's `append` function every `flushEvery` events or `flushSeconds`
 * seconds (a timer flushes a quiet buffer too), so a crash loses at most a few seconds.
 * Summaries are written TF1-style (simple_value, HistogramProto, PNG Summary.Image), which
 * TensorBoard 2.x reads natively; text goes out as a `text`-plugin string tensor.
 */
import { encode as encodePng } from 'fast-png';
import { EventCodec, SessionStatus } from './proto/summary.ts';
import type { EventProto, SummaryValueProto } from './proto/summary.ts';
import { toInt64Wire } from './proto/int64.ts';
import { DataType } from './proto/tensor.ts';
import { frameTFRecord } from './tfrecord_writer.ts';
import { histogramOf } from './histogram.ts';

/** The file_version string of every event file TF and TensorBoard write. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

/**
 * TF's event file name: `events.out.tfevents.<unix seconds, 10 digits>.<hostname><suffix>`.
 * Pass the same `startSeconds` to the writer so the first event's wall_time matches.
 */
export function eventFileName(startSeconds: number, hostname: string, suffix = ''): string {
  return `events.out.tfevents.${String(Math.floor(startSeconds)).padStart(10, '0')}.${hostname}${suffix}`;
}

/** How an EventWriter gets its bytes out and when. */
export interface EventWriterOptions {
  /** Appends bytes to the event file (e.g. `(b) => platform.appendFile(path, b)`). */
  append: (bytes: Uint8Array) => Promise<void>;
  /** Whole seconds for the file_version event; the same number as in the file name. Default: now. */
  startSeconds?: number;
  /** Seconds since the epoch for each event's wall_time. Default: Date.now() / 1000. */
  wallTime?: () => number;
  /** Flush after this many buffered events (default 20). */
  flushEvery?: number;
  /** Flush a non-empty buffer at most this many seconds after its first event (default 2). */
  flushSeconds?: number;
}

/** An image for {@link EventWriter.image}: 8-bit pixels, row-major [height, width, channels]. */
export interface SummaryImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

type TimerHost = { setTimeout(cb: () => void, ms: number): { unref?: () => void } | number };

/** Writes one event file through an append function. Call `close()` (or `flush()`) at the end. */
export class EventWriter {
  private buffer: Uint8Array[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private timerPending = false;
  private closed = false;
  private readonly now: () => number;
  private readonly flushEvery: number;
  private readonly flushMs: number;

  constructor(private readonly options: EventWriterOptions) {
    this.now = options.wallTime ?? (() => Date.now() / 1000);
    this.flushEvery = options.flushEvery ?? 20;
    this.flushMs = (options.flushSeconds ?? 2) * 1000;
    const start = Math.floor(options.startSeconds ?? this.now());
    this.write({ wallTime: start, fileVersion: EVENT_FILE_VERSION });
    void this.flush().catch(() => undefined); // the header goes out at once; errors resurface later
  }

  /** Adds any Event; `wallTime` defaults to now. The other helpers all go through here. */
  write(event: EventProto): void {
    if (this.closed) throw new Error('event writer is closed');
    if (this.failure) throw this.failure;
    this.buffer.push(frameTFRecord(EventCodec.encode({ ...event, wallTime: event.wallTime ?? this.now() })));
    if (this.buffer.length >= this.flushEvery) void this.flush().catch(() => undefined);
    else this.armTimer();
  }

  private armTimer(): void {
    if (this.timerPending) return;
    this.timerPending = true;
    const handle = (globalThis as unknown as TimerHost).setTimeout(() => {
      this.timerPending = false;
      void this.flush().catch(() => undefined);
    }, this.flushMs);
    if (typeof handle === 'object') handle.unref?.(); // never keep a Node process alive
  }

  private summary(step: number, value: SummaryValueProto): void {
    this.write({ step: toInt64Wire(step), summary: { value: [value] } });
  }

  /** A scalar (TF1 simple_value, float32) under `tag` at `step`. */
  scalar(tag: string, value: number, step: number): void {
    this.summary(step, { tag, simpleValue: value });
  }

  /** A histogram of `values` with TF's default buckets. */
  histogram(tag: string, values: ArrayLike<number>, step: number): void {
    this.summary(step, { tag, histo: histogramOf(values) });
  }

  /** An image, PNG-encoded (TF1 Summary.Image; colorspace = channels). */
  image(tag: string, image: SummaryImage, step: number): void {
    const { width, height, channels, data } = image;
    if (data.length !== width * height * channels) {
      throw new Error(`image '${tag}': ${data.length} bytes for ${height}x${width}x${channels}`);
    }
    const png = encodePng({ width, height, channels, data, depth: 8 });
    this.summary(step, { tag, image: { height, width, colorspace: channels, encodedImageString: png } });
  }

  /** Markdown text for TensorBoard's text plugin (a DT_STRING scalar tensor). */
  text(tag: string, text: string, step: number): void {
    this.summary(step, {
      tag,
      metadata: { pluginData: { pluginName: 'text' }, dataClass: 2 },
      tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [new TextEncoder().encode(text)] },
    });
  }

  /** A serialized GraphDef (shown in TensorBoard's graph tab). */
  graphDef(bytes: Uint8Array): void {
    this.write({ graphDef: bytes });
  }

  /** A SessionLog START / STOP / CHECKPOINT marker, as Estimator writes them. */
  sessionLog(status: 'START' | 'STOP' | 'CHECKPOINT', step: number, checkpointPath?: string): void {
    this.write({ step: toInt64Wire(step), sessionLog: { status: SessionStatus[status], checkpointPath } });
  }

  /** Sends buffered events to `append`, in order; rejects if an earlier append failed. */
  flush(): Promise<void> {
    const pending = this.buffer;
    this.buffer = [];
    if (pending.length > 0) {
      const bytes = new Uint8Array(pending.reduce((n, b) => n + b.byteLength, 0));
      let at = 0;
      for (const b of pending) {
        bytes.set(b, at);
        at += b.byteLength;
      }
      this.chain = this.chain
        .then(() => (this.failure ? undefined : this.options.append(bytes)))
        .catch((e: unknown) => {
          this.failure ??= e;
        });
    }
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** Flushes and refuses further events. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
