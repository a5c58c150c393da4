import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { OPTION_FLAGS, toFlagVocabulary } from './flag_names.ts';
import { defineEstimator } from './commands/estimator.ts';
import { defineVariables } from './commands/variables.ts';
import { defineDataset } from './commands/dataset.ts';
import { defineInspect } from './commands/inspect.ts';
import { defineDemo } from './commands/demo.ts';
import { defineExportWeb } from './commands/export.ts';
import { definePredict } from './commands/predict.ts';

test('option names in backticks become flags: snake_case, or the exceptions', () => {
  assert.equal(toFlagVocabulary('`learningRate` must be greater than zero, got 0'), '--learning_rate must be greater than zero, got 0');
  assert.equal(toFlagVocabulary('`batchSize` must be a positive integer, got 0'), '--batch_size must be a positive integer, got 0');
  assert.equal(
    toFlagVocabulary('S3D-G config: `inputChannels` must be a positive integer, got 0'),
    'S3D-G config: --channels must be a positive integer, got 0',
  );
  assert.equal(toFlagVocabulary('`metricGroups`: cannot read group "x"'), '--metric_weights: cannot read group "x"');
  assert.equal(toFlagVocabulary('`gatingStartAt` must be one of …'), '--gating_startat must be one of …');
  assert.equal(toFlagVocabulary('choose another `out` or remove it'), 'choose another --out or remove it');
  assert.equal(
    toFlagVocabulary(
      '(check `numClasses`, `depthMultiplier`, `minDepth`, `inputChannels`, `firstTemporalKernelSize`, `temporalConvStartAt`, `finalEndpoint`)',
    ),
    '(check --num_classes, --depth_multiplier, --min_depth, --channels, --first_temporal_kernel_size, --temporal_conv_startat, --final_endpoint)',
  );
  assert.equal(
    toFlagVocabulary('`checkpoint` x: no checkpoint there; `variablesToWarmStart`: bad'),
    '--checkpoint_path x: no checkpoint there; --variables_to_warm_start: bad',
  );
  assert.equal(
    toFlagVocabulary("'feature' holds 60 bytes, but `clipLength` 2 `frameHeight` 3 `frameWidth` 4 `channels` 3 `numClasses` 5 expect 72"),
    "'feature' holds 60 bytes, but --clip_length 2 --frame_height 3 --frame_width 4 --channels 3 --num_classes 5 expect 72",
  );
});

test('only backticked option names change: plain words, bare names, paths, flags and unknown names stay', () => {
  const plain =
    'resize: 3 channels from 4-byte pixels; crop x=0 y=0 at stride 2, fps 15, labels ok, the out folder, seed 0, momentum, InceptionV1/Logits';
  assert.equal(toFlagVocabulary(plain), plain);
  const bare = 'no manifest.json with classNames there; /runs/batchSize/model.ckpt-7; numClasses is 0';
  assert.equal(toFlagVocabulary(bare), bare);
  assert.equal(toFlagVocabulary('--channels must be 3 (RGB) or 1 (grey)'), '--channels must be 3 (RGB) or 1 (grey)');
  assert.equal(
    toFlagVocabulary('`dropoutKeepProb` must be in (0, 1]; `constructor`; `toString`'),
    '`dropoutKeepProb` must be in (0, 1]; `constructor`; `toString`',
  );
  assert.equal(
    toFlagVocabulary('`channels` 3, `stride` 8, `fps` null, `crop` null, `labels` a.csv → b.csv'),
    '--channels 3, --stride 8, --fps null, --crop null, --labels a.csv → b.csv',
  );
  assert.equal(toFlagVocabulary('`learning_rate` `` `Learning rate`'), '`learning_rate` `` `Learning rate`');
});

test('the table is the real flags: every flag has an entry, every entry is a flag', () => {
  const program = new Command('s3dg');
  for (const define of [defineEstimator, defineVariables, defineDataset, defineInspect, defineDemo, defineExportWeb, definePredict])
    define(program);
  const real = new Set(program.commands.flatMap((c) => c.options.map((o) => o.long!.slice(2))).filter((f) => !f.startsWith('no-')));
  const mapped = new Set(OPTION_FLAGS.values());
  assert.deepEqual(
    [...real].filter((f) => !mapped.has(f)),
    [],
    'flags without an option name',
  );
  assert.deepEqual(
    [...mapped].filter((f) => !real.has(f)),
    [],
    'option names mapped to no flag',
  );
});
