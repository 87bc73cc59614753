/**
 * The TensorFlow.js model artifacts (`tf.io.ModelArtifacts`): what `model.json` holds, with
 * the weight values as one buffer (or a list of buffers, as TensorFlow.js 4 allows).
 */
import type { JsonObject } from '../serialization/keras-object.js';

export type WeightDType = 'float32' | 'int32' | 'bool';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDType;
  /** TensorFlow.js's group of a weight: 'model' or 'optimizer' (Lamina's optimizer state). */
  group?: string;
  /** Affine quantization as TensorFlow.js writes it (uint8 / uint16 read; float16 refused). */
  quantization?: { dtype: string; scale?: number; min?: number };
}

export interface ModelArtifacts {
  /** The Keras model config `{ class_name, config, keras_version, backend }`. */
  modelTopology?: JsonObject | null;
  weightSpecs?: WeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[] | Uint8Array;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Loss, metrics and optimizer config, for compiling the loaded model. */
  trainingConfig?: JsonObject | null;
  userDefinedMetadata?: JsonObject;
}

export interface SaveResult {
  modelArtifactsInfo: {
    dateSaved: Date;
    modelTopologyType: 'JSON';
    modelTopologyBytes?: number;
    weightSpecsBytes?: number;
    weightDataBytes?: number;
  };
  /** The server's answers, when saved over http(s). */
  responses?: Response[];
}

export interface SaveHandler {
  save(artifacts: ModelArtifacts): Promise<SaveResult> | SaveResult;
}

export interface LoadHandler {
  load(): Promise<ModelArtifacts> | ModelArtifacts;
}

export interface SaveOptions {
  /** Also save the optimizer state and the training config (default false, as TensorFlow.js). */
  includeOptimizer?: boolean;
  /** Save the weights without the model config (ModelCheckpoint's saveWeightsOnly). */
  weightsOnly?: boolean;
  /** Largest shard file in bytes (default 4 MiB, as TensorFlow.js). */
  shardSizeBytes?: number;
}

export interface LoadOptions {
  /** Compile with the saved training config and restore the optimizer state (default true). */
  compile?: boolean;
  /** Refuse weights of other names than the model's (default true). */
  strict?: boolean;
  /** Most parameters a config without weights may allocate (default 2^27). */
  maxParams?: number;
}
