/**
 * Paths of the TF-written fixtures (checkpoints, SavedModels, event files and TFRecords that
 * TensorFlow, TF Serving, TFX and PyTorch wrote; never copied into the repo). They sit in
 * `../shared/fixtures` beside the repository, or wherever `S3DG_FIXTURES` points; the README's
 * "Test fixtures" section lists their upstream repositories. A clone without them skips the
 * tests that read them, each with {@link FIXTURES_SKIP} as the reason.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixtures folder: `S3DG_FIXTURES`, else `../shared/fixtures` beside the repository (resolved from this file). */
export const FIXTURES_DIR = process.env.S3DG_FIXTURES
  ? resolve(process.env.S3DG_FIXTURES)
  : fileURLToPath(new URL('../../shared/fixtures/', import.meta.url));

/** Why the fixture tests cannot run here (false when they can): pass as `test`'s or `describe`'s skip option. */
export const FIXTURES_SKIP: string | false = existsSync(FIXTURES_DIR)
  ? false
  : `no TF-written fixtures at ${FIXTURES_DIR} (README "Test fixtures": fetch them, or set S3DG_FIXTURES)`;

/** Absolute path of a file under the fixtures folder. */
export function fixture(relative: string): string {
  return join(FIXTURES_DIR, relative);
}

/** The TFX Estimator model_dir (checkpoint, events, export). */
export const TFX_DIR = 'tfx-estimator/tfx/components/testdata/trainer/current/Format-Serving/';
/** TF Serving's half_plus_two family of SavedModels. */
export const SERVING_DIR = 'tf-serving-testdata/tensorflow_serving/servables/tensorflow/testdata/';
/** tfjs-node's TF2 SavedModels. */
export const TFJS_DIR = 'tfjs-saved-models/tfjs-node/test_objects/saved_model/';
