import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, ramp, useBackend } from '../../../test/harness.ts';
import { tapPatches, tapPatchesBySlices, type TapPatchesAttrs } from './tap_patches.ts';

// x [phases·Ci, N, L] = [2·3, 4, 20]: two phases of 3 channels, 4 images of 20 positions.
const CASES: [string, TapPatchesAttrs][] = [
  ['one phase, three taps, all images', { channels: 3, phases: [0, 0, 0], starts: [0, 1, 5], image: 0, images: 4, offset: 0, length: 12 }],
  [
    'two phases, a chunk of images',
    { channels: 3, phases: [0, 1, 1, 0], starts: [0, 0, 2, 6], image: 1, images: 2, offset: 0, length: 10 },
  ],
  ['a chunk of rows of one image', { channels: 3, phases: [1, 0], starts: [3, 0], image: 2, images: 1, offset: 5, length: 8 }],
];

describe('TapPatches', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const [what, attrs] of CASES) {
      it(`${backend}: ${what} equals the slices it stands for`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const x = ramp([6, 4, 20]) as tf.Tensor3D;
          const ours = tapPatches(x, attrs);
          assert.deepEqual(ours.shape, [attrs.phases.length * attrs.channels, attrs.images * attrs.length]);
          assert.deepEqual(Array.from(ours.dataSync()), Array.from(tapPatchesBySlices(x, attrs).dataSync()));
        });
      });
    }
  }

  it('tap 1 of phase 1, channel 2, image 1: the run it copies', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const x = ramp([6, 4, 20]) as tf.Tensor3D;
      const [, attrs] = CASES[1];
      const rows = tapPatches(x, attrs).arraySync() as number[][];
      // Row t·Ci + c = 1·3 + 2; its second image (image 2 of x) starts at 10 positions in.
      const src = x.arraySync() as number[][][];
      assert.deepEqual(rows[5].slice(10, 20), src[3 + 2][2].slice(0, 10));
    });
  });
});
