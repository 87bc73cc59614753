/**
 * Handlers over values in memory: `fromMemory` hands artifacts to `loadModel`, and
 * `withSaveHandler` hands what `model.save` produces to a function.
 */
import type { JsonObject } from '../../serialization/keras-object.js';
import type { ModelArtifacts, SaveResult, WeightSpec } from '../types.js';
import type { LoadHandlerObject, SaveHandlerObject, TrainingConfig, WeightData } from './types.js';

function artifactsOf(
  artifactsOrTopology: ModelArtifacts | JsonObject,
  rest: { weightSpecs?: WeightSpec[]; weightData?: WeightData; trainingConfig?: TrainingConfig },
  argumentCount: number,
): ModelArtifacts {
  const whole = artifactsOrTopology as ModelArtifacts;
  // TensorFlow.js's rule: one argument holding modelTopology or weightSpecs is the artifacts;
  // anything else is the topology, with the other parts as the following arguments.
  if (argumentCount <= 1 && (whole.modelTopology != null || whole.weightSpecs != null))
    return whole;
  const artifacts: ModelArtifacts = { modelTopology: artifactsOrTopology as JsonObject };
  if (rest.weightSpecs !== undefined) artifacts.weightSpecs = rest.weightSpecs;
  if (rest.weightData !== undefined) artifacts.weightData = rest.weightData;
  if (rest.trainingConfig !== undefined) artifacts.trainingConfig = rest.trainingConfig;
  return artifacts;
}

/**
 * A load handler returning these artifacts: `fromMemory(artifacts)`, or the older signature
 * `fromMemory(modelTopology, weightSpecs?, weightData?, trainingConfig?)`.
 */
export function fromMemory(artifacts: ModelArtifacts): LoadHandlerObject;
export function fromMemory(
  modelTopology: JsonObject,
  weightSpecs?: WeightSpec[],
  weightData?: WeightData,
  trainingConfig?: TrainingConfig,
): LoadHandlerObject;
export function fromMemory(
  artifactsOrTopology: ModelArtifacts | JsonObject,
  weightSpecs?: WeightSpec[],
  weightData?: WeightData,
  trainingConfig?: TrainingConfig,
): LoadHandlerObject {
  const artifacts = artifactsOf(
    artifactsOrTopology,
    { weightSpecs, weightData, trainingConfig },
    arguments.length,
  );
  return { load: () => Promise.resolve(artifacts) };
}

/** `fromMemory` whose `load` returns the artifacts synchronously. */
export function fromMemorySync(artifacts: ModelArtifacts): { load(): ModelArtifacts };
export function fromMemorySync(
  modelTopology: JsonObject,
  weightSpecs?: WeightSpec[],
  weightData?: WeightData,
  trainingConfig?: TrainingConfig,
): { load(): ModelArtifacts };
export function fromMemorySync(
  artifactsOrTopology: ModelArtifacts | JsonObject,
  weightSpecs?: WeightSpec[],
  weightData?: WeightData,
  trainingConfig?: TrainingConfig,
): { load(): ModelArtifacts } {
  const artifacts = artifactsOf(
    artifactsOrTopology,
    { weightSpecs, weightData, trainingConfig },
    arguments.length,
  );
  return { load: () => artifacts };
}

/** A save handler calling `save` with the artifacts (`model.save(io.withSaveHandler(f))`). */
export function withSaveHandler(
  save: (artifacts: ModelArtifacts) => Promise<SaveResult>,
): SaveHandlerObject {
  return { save };
}

/** `withSaveHandler` for a function that returns its result synchronously. */
export function withSaveHandlerSync(save: (artifacts: ModelArtifacts) => SaveResult): {
  save(artifacts: ModelArtifacts): SaveResult;
} {
  return { save };
}
