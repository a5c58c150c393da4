/**
 * The shape of one training example: a clip of `clipLength` frames of `frameHeight`×`frameWidth`
 * pixels with `channels` colour channels, stored as uint8 [T, H, W, C], and a multi-hot label of
 * `numClasses` uint8 bytes. (The CLI takes them as the original trainer's flags, --clip_length,
 * --frame_height, --frame_width, --channels and --num_classes.)
 */
export interface ClipSpec {
  /** T, frames per clip (the CLI's default 64). */
  clipLength: number;
  /** H in pixels (the CLI's default 224). */
  frameHeight: number;
  /** W in pixels (the CLI's default 224). */
  frameWidth: number;
  /** C, 3 for RGB. */
  channels: number;
  /** K, label bytes per example. */
  numClasses: number;
}

/** Number of values in one clip: T·H·W·C. */
export function clipSize(spec: ClipSpec): number {
  return spec.clipLength * spec.frameHeight * spec.frameWidth * spec.channels;
}

const SPEC_OPTIONS: ReadonlyArray<keyof ClipSpec> = ['clipLength', 'frameHeight', 'frameWidth', 'channels', 'numClasses'];

/**
 * The spec as option-value pairs for error messages, options in backticks as in every core
 * message (`` `clipLength` 64 `frameHeight` 224 … ``), so users know which setting to change.
 */
export function describeSpec(spec: ClipSpec): string {
  return SPEC_OPTIONS.map((key) => `\`${key}\` ${spec[key]}`).join(' ');
}

/** Throws a RangeError naming the option when a field is not a positive integer. */
export function checkSpec(spec: ClipSpec): void {
  for (const key of SPEC_OPTIONS) {
    const v = spec[key];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`\`${key}\` must be a positive integer, got ${v}`);
  }
}
