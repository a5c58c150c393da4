/**
 * The original project's record format: a tf.Example with two bytes features, `feature` =
 * uint8 clip [clipLength, frameHeight, frameWidth, channels] (RGB) and `label` = uint8
 * [numClasses] (0/1, byte k = class k). Reading checks every record against the ClipSpec, so a
 * data set built with other settings fails up front with a message that says which option.
 */
import { decodeExample, encodeExample, singleBytes } from '../formats/example.ts';
import { readTFRecords } from '../formats/tfrecord_reader.ts';
import { clipSize, describeSpec } from './clip_spec.ts';
import type { ClipSpec } from './clip_spec.ts';

/** A named stream of TFRecord file bytes; `open` is called once per pass (epoch). */
export interface RecordSource {
  /** File path or URL, used in error messages and in batch `sources`. */
  name: string;
  open(): AsyncIterable<Uint8Array>;
}

/** Where a record came from: file and 0-based record index within it. */
export interface RecordRef {
  file: string;
  index: number;
}

/** One decoded example: clip bytes [T, H, W, C] and label bytes [K]. */
export interface ClipRecord {
  clip: Uint8Array;
  label: Uint8Array;
  ref: RecordRef;
}

/** A record whose sizes do not match the ClipSpec; names the file, record and options. */
export class RecordShapeError extends Error {
  override name = 'RecordShapeError';
  constructor(
    readonly ref: RecordRef,
    problem: string,
  ) {
    super(`${ref.file} record ${ref.index}: ${problem}`);
  }
}

/** tf.Example bytes for one clip, byte-compatible with the original data sets. */
export function encodeClipExample(clip: Uint8Array, label: Uint8Array): Uint8Array {
  return encodeExample({ feature: clip, label });
}

/** Which single option change would make `bytes` fit (several may; the user knows which is right). */
function shapeHint(bytes: number, spec: ClipSpec): string {
  const { clipLength: t, frameHeight: h, frameWidth: w, channels: c } = spec;
  const fits: string[] = [];
  const tryOption = (option: keyof ClipSpec, rest: number) => {
    if (bytes % rest === 0) fits.push(`\`${option}\` ${bytes / rest}`);
  };
  tryOption('clipLength', h * w * c);
  tryOption('frameHeight', t * w * c);
  tryOption('frameWidth', t * h * c);
  tryOption('channels', t * h * w);
  const side = Math.sqrt(bytes / (t * c));
  if (Number.isInteger(side) && side !== h && side !== w) fits.push(`\`frameHeight\` ${side} \`frameWidth\` ${side}`);
  return fits.length > 0 ? ` (it would fit ${fits.join(', or ')})` : '';
}

/** Decodes and checks one record; throws RecordShapeError when a size disagrees with `spec`. */
export function decodeClipExample(bytes: Uint8Array, spec: ClipSpec, ref: RecordRef): ClipRecord {
  const where = `${ref.file} record ${ref.index}`;
  const example = decodeExample(bytes, where);
  const clip = singleBytes(example, 'feature', where);
  const label = singleBytes(example, 'label', where);
  const expected = clipSize(spec);
  if (clip.length !== expected) {
    const { clipLength: t, frameHeight: h, frameWidth: w, channels: c } = spec;
    throw new RecordShapeError(
      ref,
      `'feature' holds ${clip.length} bytes, but ${describeSpec(spec)} expect ${t}×${h}×${w}×${c} = ${expected}${shapeHint(clip.length, spec)}; ` +
        `build the data set with these settings or pass the settings it was built with (see its manifest.json)`,
    );
  }
  if (label.length !== spec.numClasses) {
    throw new RecordShapeError(
      ref,
      `'label' holds ${label.length} bytes, but \`numClasses\` is ${spec.numClasses}; pass \`numClasses\` ${label.length} ` +
        `or rebuild the data set with ${spec.numClasses} classes`,
    );
  }
  return { clip, label, ref };
}

/** Streams the checked records of one source. */
export async function* readClipRecords(
  source: RecordSource,
  spec: ClipSpec,
  compression: 'NONE' | 'GZIP' = 'NONE',
): AsyncGenerator<ClipRecord> {
  let index = 0;
  for await (const bytes of readTFRecords(source.open(), { source: source.name, compression })) {
    yield decodeClipExample(bytes, spec, { file: source.name, index });
    index++;
  }
}

/**
 * Checks the first record of every source against `spec` (cheap: only one record per file is
 * read), so a trainer can refuse mismatched data before building a model. A file with no
 * records is an error too: an empty shard usually means a failed build.
 */
export async function checkFirstRecords(
  sources: readonly RecordSource[],
  spec: ClipSpec,
  compression: 'NONE' | 'GZIP' = 'NONE',
): Promise<void> {
  for (const source of sources) {
    const it = readClipRecords(source, spec, compression);
    try {
      const first = await it.next();
      if (first.done) throw new Error(`${source.name}: holds no records`);
    } finally {
      await it.return(undefined);
    }
  }
}
