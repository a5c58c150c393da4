/**
 * Paths of the TF-written fixtures in ../shared/fixtures (never copied into the repo), for
 * the tests beside the code. Resolved from this file, so tests run from any directory.
 */
const ROOT = new URL('../../shared/fixtures/', import.meta.url);

/** Absolute path of a file under shared/fixtures. */
export function fixture(relative: string): string {
  return decodeURIComponent(new URL(relative, ROOT).pathname);
}

/** The TFX Estimator model_dir (checkpoint, events, export). */
export const TFX_DIR = 'tfx-estimator/tfx/components/testdata/trainer/current/Format-Serving/';
/** TF Serving's half_plus_two family of SavedModels. */
export const SERVING_DIR = 'tf-serving-testdata/tensorflow_serving/servables/tensorflow/testdata/';
/** tfjs-node's TF2 SavedModels. */
export const TFJS_DIR = 'tfjs-saved-models/tfjs-node/test_objects/saved_model/';
