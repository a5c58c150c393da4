#!/usr/bin/env node
/**
 * The `s3dg` command. Flags become the same options objects the library takes; each command
 * lives in node/commands/ and imports heavy modules (tfjs, backends) only when it runs.
 * This is the only file that prints errors or sets the exit code; core's messages name options
 * (`learningRate`), which it prints as the flags they come from (--learning_rate).
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.ts';
import { toFlagVocabulary } from './flag_names.ts';
import { defineVariables } from './commands/variables.ts';
import { defineDataset } from './commands/dataset.ts';
import { defineInspect } from './commands/inspect.ts';
import { defineEstimator } from './commands/estimator.ts';
import { defineDemo } from './commands/demo.ts';
import { defineExportOnnx, defineExportWeb } from './commands/export.ts';
import { definePredict } from './commands/predict.ts';
import { expandShortAliases } from './commands/estimator_flags.ts';
import { showDefaultCommandOptions } from './root_help.ts';

const program = new Command('s3dg')
  .description(
    'Train, evaluate, serve and share S3D-G video classifiers.\n' +
      'Without a command, s3dg is the original s3dg_estimator.py (`s3dg --mode train_and_eval --model_dir DIR …`), with the options below.',
  )
  .showHelpAfterError()
  .exitOverride();

defineEstimator(program);
defineVariables(program);
defineDataset(program);
defineInspect(program);
defineDemo(program);
defineExportWeb(program);
defineExportOnnx(program);
definePredict(program);

// `s3dg --help` lists the default command's flags too, as `vite --help` does.
showDefaultCommandOptions(program, 'estimator');

// A reader that stops early (`s3dg inspect … | head`) closes our stdout: end quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  fail(`cannot write the output: ${e.message}`, 1);
});

function fail(message: string, code: number): never {
  process.stderr.write(`s3dg: ${toFlagVocabulary(message)}\n`);
  process.exit(code);
}

try {
  await program.parseAsync(expandShortAliases(process.argv));
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) process.exit(0);
    process.exit(2); // commander already printed the message
  }
  if (e instanceof UsageError) fail(e.message, 2);
  if (process.env.S3DG_DEBUG) console.error(e);
  fail((e as Error).message, 1);
}
