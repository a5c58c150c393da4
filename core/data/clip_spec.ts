/**
 * The shape of one training example, as the original trainer's flags give it: a clip of
 * `clipLength` frames of `frameHeight`×`frameWidth` pixels with `channels` colour channels,
 * stored as uint8 [T, H, W, C], and a multi-hot label of `numClasses` uint8 bytes.
 */
export interface ClipSpec {
  /** T, frames per clip (--clip_length, default 64). */
  clipLength: number;
  /** H in pixels (--frame_height, default 224). */
  frameHeight: number;
  /** W in pixels (--frame_width, default 224). */
  frameWidth: number;
  /** C, 3 for RGB (--channels). */
  channels: number;
  /** K, label bytes per example (--num_classes). */
  numClasses: number;
}

/** Number of values in one clip: T·H·W·C. */
export function clipSize(spec: ClipSpec): number {
  return spec.clipLength * spec.frameHeight * spec.frameWidth * spec.channels;
}

/** Human-readable flags, used in error messages so users know which flag to change. */
export function describeSpec(spec: ClipSpec): string {
  return (
    `--clip_length ${spec.clipLength} --frame_height ${spec.frameHeight} --frame_width ${spec.frameWidth} ` +
    `--channels ${spec.channels} --num_classes ${spec.numClasses}`
  );
}

/** Throws a RangeError naming the flag when a field is not a positive integer. */
export function checkSpec(spec: ClipSpec): void {
  const flags: Array<[keyof ClipSpec, string]> = [
    ['clipLength', '--clip_length'],
    ['frameHeight', '--frame_height'],
    ['frameWidth', '--frame_width'],
    ['channels', '--channels'],
    ['numClasses', '--num_classes'],
  ];
  for (const [key, flag] of flags) {
    const v = spec[key];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${flag} must be a positive integer, got ${v}`);
  }
}
