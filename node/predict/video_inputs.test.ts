import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandVideoInputs } from './video_inputs.ts';

const root = mkdtempSync(join(tmpdir(), 's3dg-inputs-'));
after(() => rmSync(root, { recursive: true, force: true }));
for (const f of ['a/x.mp4', 'a/y.MOV', 'a/notes.txt', 'a/deep/z.webm', 'a/.hidden/h.mp4', 'b/x.mp4']) {
  mkdirSync(join(root, f, '..'), { recursive: true });
  writeFileSync(join(root, f), 'v');
}

test('folders are searched recursively for videos (hidden entries left out); names are relative to the folder', async () => {
  const v = await expandVideoInputs([join(root, 'a')]);
  assert.deepEqual(
    v.map((x) => x.name),
    ['deep/z.webm', 'x.mp4', 'y.MOV'],
  );
  assert.equal(v[1].path, join(root, 'a', 'x.mp4'));
});

test('globs: * within a name, ** across folders, named relative to their fixed part', async () => {
  assert.deepEqual(
    (await expandVideoInputs([join(root, 'a', '*.mp4')])).map((x) => x.name),
    ['x.mp4'],
  );
  assert.deepEqual(
    (await expandVideoInputs([join(root, '**', '*.webm')])).map((x) => x.name),
    ['a/deep/z.webm'],
  );
  assert.deepEqual(
    (await expandVideoInputs([join(root, '*', 'x.mp4')])).map((x) => x.name),
    ['a/x.mp4', 'b/x.mp4'],
  );
});

test('a file is named by its base name; the same file twice is scanned once; colliding names are refused', async () => {
  const file = join(root, 'a', 'x.mp4');
  assert.deepEqual(await expandVideoInputs([file, file]), [{ path: file, name: 'x.mp4' }]);
  await assert.rejects(expandVideoInputs([file, join(root, 'b', 'x.mp4')]), /are both named x\.mp4 under their input roots/);
  await assert.rejects(expandVideoInputs([join(root, 'nope')]), /nope: no such file or folder/);
  await assert.rejects(expandVideoInputs([join(root, 'a', 'deep', '*.mkv')]), /matches no video files/);
  mkdirSync(join(root, 'empty'), { recursive: true });
  await assert.rejects(expandVideoInputs([join(root, 'empty')]), /empty: no video files in this folder/);
  await assert.rejects(expandVideoInputs([]), /at least one video/);
});
