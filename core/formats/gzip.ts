/**
 * GZIP for TFRecord files (tf.data `compression_type="GZIP"`), through the
 * CompressionStream/DecompressionStream globals that Node ≥ 18 and current browsers provide.
 */
import { FormatError } from './errors.ts';

interface ByteTransformStream {
  readonly writable: { getWriter(): { write(c: Uint8Array): Promise<void>; close(): Promise<void>; abort(r?: unknown): Promise<void> } };
  readonly readable: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(r?: unknown): Promise<void> } };
}
type TransformCtor = new (format: 'gzip') => ByteTransformStream;

function streamCtor(name: 'CompressionStream' | 'DecompressionStream'): TransformCtor {
  const ctor = (globalThis as unknown as Record<string, TransformCtor | undefined>)[name];
  if (!ctor) throw new Error(`this JavaScript host has no ${name}; GZIP TFRecords need Node ≥ 18 or a current browser`);
  return ctor;
}

async function* transform(
  ctor: TransformCtor,
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onError: (e: unknown, consumed: number) => Error,
): AsyncGenerator<Uint8Array> {
  const stream = new ctor('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let consumed = 0;
  // Feed input concurrently with reading, so backpressure cannot deadlock.
  const pump = (async () => {
    for await (const chunk of input) {
      await writer.write(chunk);
      consumed += chunk.byteLength;
    }
    await writer.close();
  })();
  pump.catch((e) => writer.abort(e).catch(() => undefined));
  try {
    for (;;) {
      let step: { done: boolean; value?: Uint8Array };
      try {
        step = await reader.read();
      } catch (e) {
        throw onError(e, consumed);
      }
      if (step.done) break;
      if (step.value && step.value.byteLength > 0) yield step.value;
    }
    await pump;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Decompresses a GZIP stream chunk by chunk; corrupt or truncated data throws a FormatError naming `source`. */
export function gunzipChunks(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  return transform(streamCtor('DecompressionStream'), input, (e, consumed) =>
    e instanceof FormatError ? e : new FormatError(source, `bad GZIP data near compressed byte ${consumed}: ${(e as Error).message}`),
  );
}

/** Compresses chunks into one GZIP stream. */
export function gzipChunks(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  return transform(streamCtor('CompressionStream'), input, (e) => e as Error);
}

/** Collects async chunks into one Uint8Array. */
export async function concatChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of chunks) {
    parts.push(c);
    total += c.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
