/**
 * Flag values as numbers: every command parses its flags' text here, so a bad value is refused
 * the same way everywhere — a UsageError (exit code 2) naming the flag, what it must be and what
 * it got, e.g. `--batch_size must be a positive integer, got "abc"`.
 */
import type { CropBox } from '../core/index.ts';
import { UsageError } from './errors.ts';

function refuse(flag: string, mustBe: string, text: string): never {
  throw new UsageError(`${flag} must be ${mustBe}, got ${JSON.stringify(text)}`);
}

/** Number('') and Number(' ') are 0: blank text is no number. */
function finiteOrNaN(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** A parser that accepts the numbers `ok` admits and refuses the rest as not being `mustBe`. */
function numberParser(ok: (n: number) => boolean, mustBe: string): (flag: string, text: string) => number {
  return (flag, text) => {
    const n = finiteOrNaN(text);
    if (!ok(n)) refuse(flag, mustBe, text);
    return n;
  };
}

/** Any finite number. */
export const parseNumber = numberParser(Number.isFinite, 'a number');
/** A number greater than zero. */
export const parsePositiveNumber = numberParser((n) => Number.isFinite(n) && n > 0, 'a positive number');
/** A number of zero or more. */
export const parseNonNegativeNumber = numberParser((n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0');
/** Any integer. */
export const parseInteger = numberParser(Number.isInteger, 'an integer');
/** An integer of zero or more (seeds, counts that may be zero, pixel offsets). */
export const parseNonNegativeInteger = numberParser((n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0');
/** An integer of one or more (sizes, lengths, counts). */
export const parsePositiveInteger = numberParser((n) => Number.isInteger(n) && n > 0, 'a positive integer');

/**
 * A switch that may also take a value, as the original's `--add_image_summaries True`:
 * `true` (the bare switch), or True/False, true/false, 1/0. Anything else is refused (argparse's
 * `type=bool` read every non-empty text, "False" included, as true).
 */
export function parseBooleanFlag(flag: string, value: string | boolean): boolean {
  if (typeof value === 'boolean') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return refuse(flag, 'True or False', value);
}

/** The sub-intervals of [0, 1] flags use; the bracket says whether the end itself is allowed. */
export type FractionInterval = '[0, 1]' | '(0, 1]' | '[0, 1)' | '(0, 1)';

/** A number within `interval` (shares, probabilities, decay rates). */
export function parseFraction(flag: string, text: string, interval: FractionInterval): number {
  const n = finiteOrNaN(text);
  const aboveLow = interval.startsWith('[') ? n >= 0 : n > 0;
  const belowHigh = interval.endsWith(']') ? n <= 1 : n < 1;
  if (!(aboveLow && belowHigh)) refuse(flag, `a number in ${interval}`, text);
  return n;
}

/** `x,y,width,height` in whole source pixels, width and height at least 1. */
export function parseCropBox(flag: string, text: string): CropBox {
  const parts = text.split(',').map(finiteOrNaN);
  if (parts.length !== 4 || !parts.every((n, i) => Number.isInteger(n) && n >= (i < 2 ? 0 : 1))) {
    refuse(flag, 'x,y,width,height in whole source pixels (width and height > 0)', text);
  }
  const [x, y, width, height] = parts;
  return { x, y, width, height };
}
