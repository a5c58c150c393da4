/**
 * Damage sweeps: every single-byte flip and every truncation of real TF files must end in a
 * FormatError naming the file (or, where the byte is not covered by a checksum, still parse) —
 * never a hang, a crash or an unrelated exception from deep inside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CheckpointReader } from './checkpoint_reader.ts';
import { parseTFRecords } from './tfrecord_reader.ts';
import { EventCodec } from './proto/summary.ts';
import { parseSavedModel } from './saved_model_reader.ts';
import { FormatError } from './errors.ts';
import { FIXTURES_SKIP, fixture, TFX_DIR } from '../../test/shared_fixtures.ts';

const INDEX = fixture(`${TFX_DIR}model.ckpt-1000.index`);

async function outcome(run: () => Promise<unknown>): Promise<'ok' | 'format-error'> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${(e as Error).stack}`);
    return 'format-error';
  }
}

test('every byte flip of a checkpoint index is caught (except the footer padding)', { skip: FIXTURES_SKIP }, async () => {
  const original = new Uint8Array(await readFile(INDEX));
  const data = new Uint8Array(await readFile(`${INDEX.slice(0, -'.index'.length)}.data-00000-of-00001`));
  let caught = 0;
  for (let i = 0; i < original.byteLength; i++) {
    const damaged = original.slice();
    damaged[i] ^= 0x5a;
    const result = await outcome(async () => {
      const reader = await CheckpointReader.open('m', async (p) => (p === 'm.index' ? damaged : data));
      await reader.readAll();
    });
    if (result === 'ok') {
      // Only unused footer bytes (zero padding between the handles and the magic) may change silently.
      assert.ok(i >= original.byteLength - 48 && i < original.byteLength - 8, `flip at ${i} went unnoticed`);
    } else caught++;
  }
  assert.ok(caught > original.byteLength - 48);
});

test('every truncation of a checkpoint index is caught', { skip: FIXTURES_SKIP }, async () => {
  const original = new Uint8Array(await readFile(INDEX));
  for (let n = 0; n < original.byteLength; n += 7) {
    const result = await outcome(() => CheckpointReader.open('m', async () => original.subarray(0, n)));
    assert.equal(result, 'format-error', `truncation to ${n} bytes went unnoticed`);
  }
});

test('byte flips in an event file are caught by the record checksums', { skip: FIXTURES_SKIP }, async () => {
  const original = new Uint8Array(
    await readFile(fixture('torch-tb-events/tests/runs/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0')),
  );
  for (let i = 0; i < original.byteLength; i += 3) {
    const damaged = original.slice();
    damaged[i] ^= 0x01;
    const result = await outcome(async () => {
      for (const r of parseTFRecords(damaged, { source: 'ev' })) EventCodec.decode(r, 'ev');
    });
    assert.equal(result, 'format-error', `flip at ${i} went unnoticed`);
  }
});

test('truncated or garbled saved_model.pb never escapes as anything but a FormatError', { skip: FIXTURES_SKIP }, async () => {
  const pb = new Uint8Array(
    await readFile(fixture('tf-serving-testdata/tensorflow_serving/batching/testdata/matrix_half_plus_two/1/saved_model.pb')),
  );
  for (let n = 0; n < pb.byteLength; n += 5) await outcome(async () => parseSavedModel(pb.subarray(0, n), 'sm'));
  for (let i = 0; i < pb.byteLength; i += 3) {
    const damaged = pb.slice();
    damaged[i] = 0xff;
    await outcome(async () => parseSavedModel(damaged, 'sm'));
  }
});
