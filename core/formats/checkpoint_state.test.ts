import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { formatCheckpointState, latestCheckpoint, parseCheckpointState } from './checkpoint_state.ts';
import { FIXTURES_SKIP, fixture, TFX_DIR } from '../../test/shared_fixtures.ts';

test('parses the Estimator checkpoint file and writes it back identically', { skip: FIXTURES_SKIP }, async () => {
  const text = await readFile(fixture(`${TFX_DIR}checkpoint`), 'utf8');
  const state = parseCheckpointState(text);
  assert.deepEqual(state, {
    modelCheckpointPath: 'model.ckpt-1000',
    allModelCheckpointPaths: ['model.ckpt-0', 'model.ckpt-999', 'model.ckpt-1000'],
    allModelCheckpointTimestamps: [],
  });
  assert.equal(formatCheckpointState(state), text);
});

test('latestCheckpoint resolves the prefix against the model directory', { skip: FIXTURES_SKIP }, async () => {
  const dir = fixture(TFX_DIR);
  const platform = {
    readFile: async (p: string) => new Uint8Array(await readFile(p)),
    exists: async (p: string) =>
      readFile(p).then(
        () => true,
        () => false,
      ),
    join: (...parts: string[]) => path.join(...parts),
  };
  assert.equal(await latestCheckpoint(dir, platform), path.join(dir, 'model.ckpt-1000'));
  assert.equal(await latestCheckpoint('/nonexistent-dir', platform), undefined);
});

test('timestamps, escapes and absolute paths round trip; bad text names the line', () => {
  const state = {
    modelCheckpointPath: '/abs/dir "q"/model.ckpt-5',
    allModelCheckpointPaths: ['/abs/dir "q"/model.ckpt-5', 'tab\there é'],
    allModelCheckpointTimestamps: [1646034739.25, 1646034800.5],
    lastPreservedTimestamp: 1646034700.125,
  };
  const text = formatCheckpointState(state);
  assert.match(text, /\\"q\\"/);
  assert.match(text, /\\303\\251/);
  assert.deepEqual(parseCheckpointState(text), state);
  assert.throws(
    () => parseCheckpointState('model_checkpoint_path: "a"\nbogus_field: "b"\n', 'dir/checkpoint'),
    /dir\/checkpoint: line 2: bogus_field: unknown field/,
  );
  assert.throws(
    () => parseCheckpointState('model_checkpoint_path "a"\n', 'dir/checkpoint'),
    /dir\/checkpoint: line 1: expected 'field: value'/,
  );
  assert.throws(() => parseCheckpointState('all_model_checkpoint_timestamps: abc\n'), /expected a number/);
});
