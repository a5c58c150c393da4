import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNpy } from './npy.ts';

// Bytes written by NumPy 2.4 np.save (hex), so the reader is checked against the real format.
const u1 =
  '934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000100010100';
const f4 =
  '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000003f';
const f8be =
  '934e554d5059010076007b276465736372273a20273e6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c2032292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3ff8000000000000c000000000000000';
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

test('reads uint8 [2,3], float32 [3] and big-endian float64 [1,2] arrays written by NumPy', () => {
  const a = readNpy(bytes(u1), 'a.npy');
  assert.deepEqual([a.dtype, a.shape, Array.from(a.data)], ['|u1', [2, 3], [0, 1, 0, 1, 1, 0]]);
  const b = readNpy(bytes(f4), 'b.npy');
  assert.deepEqual([b.dtype, b.shape, Array.from(b.data)], ['<f4', [3], [0, 1, 0.5]]);
  const c = readNpy(bytes(f8be), 'c.npy');
  assert.deepEqual([c.dtype, c.shape, Array.from(c.data)], ['>f8', [1, 2], [1.5, -2]]);
});

test('bad files fail with the file name and the reason', () => {
  assert.throws(() => readNpy(new TextEncoder().encode('hello world, not numpy'), 'x.npy'), /^Error: x\.npy: not a \.npy file/);
  const truncated = bytes(u1).subarray(0, bytes(u1).length - 2);
  assert.throws(() => readNpy(truncated, 't.npy'), /t\.npy: holds 4 data bytes, shape \(2, 3\) of \|u1 needs 6/);
  const fortran = bytes(u1.replace(Buffer.from('False').toString('hex'), Buffer.from('True ').toString('hex')));
  assert.throws(() => readNpy(fortran, 'f.npy'), /f\.npy: Fortran-order arrays are not supported/);
});
