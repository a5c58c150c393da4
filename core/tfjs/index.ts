/**
 * The public entry of the tfjs runtime, for node/ and web/: the one model object, the one kernel
 * installation per backend, and training (step, optimizer, the Estimator loop).
 */
export { installKernels } from './install_kernels.ts';
export { TfjsModel } from './model.ts';
export {
  Estimator,
  type EstimatorOptions,
  type EvalResult,
  type Prediction,
  type RunConfig,
  type StepProgress,
} from './training/estimator.ts';
export { Optimizer, type OptimizerName } from './training/optimizer.ts';
export {
  disposeStepGradients,
  evalStep,
  readStepResult,
  stepGradients,
  trainStep,
  type StepGradients,
  type StepOptions,
  type StepResult,
  type TensorBatch,
} from './training/train_step.ts';
export {
  meanInOrder,
  replicaSeed,
  type EvalRequest,
  type EvalResponse,
  type GradientReplicas,
  type ReplicaRequest,
  type ReplicaResponse,
  type ReplicaSetup,
  type ReplicaWeights,
} from './training/replicas.ts';
export { ReplicaModel } from './training/replica_step.ts';
export { ReplicatedTrainer, replicaSetup, type ReplicaBatch } from './training/replicated_step.ts';
