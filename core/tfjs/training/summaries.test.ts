import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processedFrameTag, processedFrames, variableHistogramTag, zeroFraction } from './summaries.ts';

test('tags as TF1 writes them: numbered image summaries, variable histograms uniquified with _1', () => {
  assert.deepEqual([0, 1, 5].map(processedFrameTag), [
    'processed_video_frame/image/0',
    'processed_video_frame_1/image/0',
    'processed_video_frame_5/image/0',
  ]);
  assert.equal(variableHistogramTag('InceptionV1/Conv2d_1a_7x7/weights'), 'InceptionV1/Conv2d_1a_7x7/weights_1');
  assert.equal(zeroFraction([0, 1, 0, 2]), 0.5);
});

test('one middle frame per clip of a [2,3,1,2,1] batch, scaled as TF scales float images', () => {
  // Clip 0's middle frame holds [-0.5, 0.25] (signed: ×127/0.5 around 128); clip 1's [0.5, 1] (positive: ×255/1).
  const clips = Float32Array.from([9, 9, -0.5, 0.25, 9, 9, 9, 9, 0.5, 1, 9, 9]);
  const images = processedFrames(clips, 2, 3, 1, 2, 1);
  assert.equal(images.length, 2);
  assert.deepEqual(
    images.map((i) => [i.width, i.height, i.channels]),
    [
      [2, 1, 1],
      [2, 1, 1],
    ],
  );
  assert.deepEqual([...images[0].data], [1, 191]);
  assert.deepEqual([...images[1].data], [127, 255]);
});
