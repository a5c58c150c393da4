import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './errors.ts';
import {
  parseBooleanFlag,
  parseCropBox,
  parseFraction,
  parseInteger,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  parseNumber,
  parsePositiveInteger,
  parsePositiveNumber,
} from './flag_values.ts';

/** Asserts a UsageError whose message is exactly `message`. */
function refused(parse: () => unknown, message: string): void {
  assert.throws(parse, (e: unknown) => e instanceof UsageError && e.message === message);
}

test('the message names the flag, what it must be and the text it got', () => {
  refused(() => parsePositiveInteger('--batch_size', 'abc'), '--batch_size must be a positive integer, got "abc"');
  refused(() => parseNumber('--weight_decay', 'x'), '--weight_decay must be a number, got "x"');
  refused(() => parseFraction('--eval_fraction', '1.5', '[0, 1]'), '--eval_fraction must be a number in [0, 1], got "1.5"');
  refused(
    () => parseCropBox('--crop', '1,2,3'),
    '--crop must be x,y,width,height in whole source pixels (width and height > 0), got "1,2,3"',
  );
});

test('blank text is no number (Number("") is 0)', () => {
  for (const text of ['', ' ', '\t']) {
    assert.throws(() => parseNumber('--x', text), UsageError);
    assert.throws(() => parseInteger('--x', text), UsageError);
    assert.throws(() => parseNonNegativeInteger('--x', text), UsageError);
    assert.throws(() => parseFraction('--x', text, '[0, 1]'), UsageError);
  }
});

test('numbers: finite, then the sign each parser asks for', () => {
  assert.equal(parseNumber('--x', '-2.5'), -2.5);
  assert.equal(parseNumber('--x', '1e-7'), 1e-7);
  for (const text of ['NaN', 'Infinity', '1,5', 'fast']) assert.throws(() => parseNumber('--x', text), UsageError);
  assert.equal(parsePositiveNumber('--x', '0.001'), 0.001);
  assert.throws(() => parsePositiveNumber('--x', '0'), /must be a positive number/);
  assert.equal(parseNonNegativeNumber('--x', '0'), 0);
  assert.throws(() => parseNonNegativeNumber('--x', '-1e-9'), /must be a number ≥ 0/);
});

test('integers: whole numbers only, then the lower bound each parser asks for', () => {
  assert.equal(parseInteger('--seed', '-3'), -3);
  assert.equal(parseInteger('--seed', ' 7 '), 7);
  assert.throws(() => parseInteger('--seed', '1.5'), /--seed must be an integer, got "1.5"/);
  assert.equal(parseNonNegativeInteger('--prefetch_size', '0'), 0);
  assert.throws(() => parseNonNegativeInteger('--prefetch_size', '-1'), /must be an integer ≥ 0/);
  assert.equal(parsePositiveInteger('--jobs', '2'), 2);
  assert.throws(() => parsePositiveInteger('--jobs', '0'), /must be a positive integer, got "0"/);
  assert.throws(() => parsePositiveInteger('--jobs', '2.0001'), UsageError);
});

test('fractions: the interval notation says whether 0 and 1 themselves are allowed', () => {
  const accepts = (text: string, interval: Parameters<typeof parseFraction>[2]) => {
    try {
      parseFraction('--f', text, interval);
      return true;
    } catch {
      return false;
    }
  };
  assert.deepEqual(
    ['0', '0.5', '1'].map((t) => accepts(t, '[0, 1]')),
    [true, true, true],
  );
  assert.deepEqual(
    ['0', '0.5', '1'].map((t) => accepts(t, '(0, 1]')),
    [false, true, true],
  );
  assert.deepEqual(
    ['0', '0.5', '1'].map((t) => accepts(t, '[0, 1)')),
    [true, true, false],
  );
  assert.deepEqual(
    ['0', '0.5', '1'].map((t) => accepts(t, '(0, 1)')),
    [false, true, false],
  );
  assert.deepEqual(
    ['-0.1', '1.1', 'half'].map((t) => accepts(t, '[0, 1]')),
    [false, false, false],
  );
  assert.equal(parseFraction('--dropout_rate', '0.2', '[0, 1)'), 0.2);
});

test('crop boxes: four whole numbers, offsets ≥ 0, sizes ≥ 1', () => {
  assert.deepEqual(parseCropBox('--crop', '0,82,1920,920'), { x: 0, y: 82, width: 1920, height: 920 });
  assert.deepEqual(parseCropBox('--crop', '1, 2, 3, 4'), { x: 1, y: 2, width: 3, height: 4 });
  for (const text of ['1,2,3', '1,2,3,4,5', '-1,0,2,2', '0,0,0,2', '0,0,2,0', '0,0,2.5,2', '0,,2,2', 'a,b,c,d']) {
    assert.throws(() => parseCropBox('--crop', text), UsageError, text);
  }
});

test('a switch that takes a value: the bare switch, True/False, true/false, 1/0; other text refused', () => {
  assert.equal(parseBooleanFlag('--add_image_summaries', true), true);
  for (const t of ['True', 'true', 'TRUE', '1']) assert.equal(parseBooleanFlag('--add_image_summaries', t), true);
  for (const f of ['False', 'false', '0']) assert.equal(parseBooleanFlag('--add_image_summaries', f), false);
  refused(() => parseBooleanFlag('--add_image_summaries', 'maybe'), '--add_image_summaries must be True or False, got "maybe"');
});
