/**
 * The public entry of core's backend-neutral half, for node/ and web/: the S3D-G architecture
 * and its weights, data (clips, labels, frames, synthetic scenes), TensorFlow's file formats,
 * export (SavedModel, web model), metrics. The tfjs runtime (running and training a model) is
 * `core/tfjs/index.ts`.
 */
export type { Platform } from './platform.ts';

// The model, its options and its weights.
export {
  BASE_ENDPOINTS,
  DEFAULT_CONFIG,
  PRESETS,
  STARTAT_ENDPOINTS,
  resolveConfig,
  type BaseEndpoint,
  type S3DGConfig,
} from './model/config.ts';
export { S3DG } from './model/s3dg.ts';
export { batchBytes, countPass, trainingStepBytes } from './model/pass_cost.ts';
export type { VariableSpec } from './model/variables.ts';
export { checkNamedWeights, WeightsMismatchError, type NamedWeight, type NamedWeights } from './model/named_weights.ts';
export { readCheckpointWeights, readNetWeights, resolveCheckpoint } from './model/checkpoint_weights.ts';
export { readSavedModelWeights } from './model/saved_model_weights.ts';
export { parseVariableSelection, type VariablePredicate } from './model/variable_selection.ts';

// Data: records, labels, frames, the input pipeline.
export { checkFirstRecords, encodeClipExample, type RecordSource } from './data/clip_records.ts';
export { checkSpec, type ClipSpec } from './data/clip_spec.ts';
export { clipLabel, frameTimes, labelsFromNpy, type VideoLabels } from './data/clip_labels.ts';
export { clipWindows } from './data/clip_windows.ts';
export { sampleColorDistortion, type ColorDistortion } from './data/color_distortion.ts';
export {
  parseManifest,
  settingsDifferences,
  summarizeSplits,
  type ClipSettings,
  type DatasetManifest,
  type SplitName,
  type VideoEntry,
} from './data/dataset_manifest.ts';
export {
  inputPipeline,
  prefetchDepth,
  InputPositionMismatch,
  type ClipBatch,
  type ClipPreprocessor,
  type InputPipelineOptions,
  type InputPosition,
} from './data/input_pipeline.ts';
export { parseClassNames, parseLabelTable } from './data/label_files.ts';
export { ModelFrameMaker } from './data/model_frame.ts';
export { readNpy } from './data/npy.ts';
export { predictBatches } from './data/predict_input.ts';
export { preprocessClip } from './data/preprocess.ts';
export { checkCrop, type CropBox, type FrameShape } from './data/resize_bilinear.ts';
export { Rng } from './data/rng.ts';
export { CROSSING_CLASSES, SCENE_EVENT_CLASSES, renderCrossing, renderSceneEvents, type SceneSize } from './data/synthetic_crossing.ts';
export { MOTION_CLASSES, renderMotion } from './data/synthetic_motion.ts';
export { colorOf, yuv420ToRgba, type Plane } from './data/yuv_to_rgb.ts';

// TensorFlow's files.
export {
  inspectPath,
  type FeatureSummary,
  type Inspection,
  type MetaGraphSummary,
  type RecordSummary,
  type TensorSummary,
} from './formats/inspect.ts';
export type { JsonValue } from './formats/json_values.ts';
export type { Signature } from './formats/saved_model_reader.ts';
export { frameTFRecord } from './formats/tfrecord_writer.ts';

// Export: SavedModel and the web model.
export { exportSavedModel } from './export/saved_model_export.ts';
export { exportOnnxModel } from './export/onnx/onnx_export.ts';
export { buildOnnxModel, ONNX_INPUT, ONNX_OUTPUTS } from './export/onnx/onnx_model.ts';
export type { ClipGeometry } from './export/serving_graph.ts';
export { buildServingGraph } from './export/serving_graph.ts';
export { exportWebModel } from './export/web_export.ts';
export { parseWebModelJson, type S3DGWebMetadata, type WebModelJson, type WebPreprocessing } from './export/web_model_format.ts';
export { readWebModel } from './export/web_model_reader.ts';
export { buildWebModel } from './export/web_model_writer.ts';

// Predicting on videos: timelines of windows and the events in them.
export {
  checkEventOptions,
  classEvents,
  DEFAULT_EVENT_OPTIONS,
  eventsJson,
  timelineEvents,
  type ClassEvents,
  type EventOptions,
  type EventSegment,
} from './predict/events.ts';
export {
  parseTimelineJson,
  timelineCsv,
  timelineJson,
  windowCount,
  windowSpan,
  type Timeline,
  type TimelineWindow,
} from './predict/timeline.ts';

// Metrics.
export { MultiLabelMetrics, type MetricGroup } from './metrics/metrics.ts';
export { parseMetricWeights, type MetricWeights } from './metrics/class_groups.ts';
