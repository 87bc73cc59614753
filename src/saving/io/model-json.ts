/**
 * model.json, shared by every handler that stores the TensorFlow.js Layers format as files
 * (disk, http, browser files, downloads): writing it for artifacts, reading it back (the shard
 * paths in order), checking the shards against the manifest, and the byte counts a save reports.
 */
import { LaminaError } from '../../errors.js';
import type { JsonValue } from '../../serialization/keras-object.js';
import { expectArray, expectObject, expectString, isObject } from '../json.js';
import type { ModelArtifacts, WeightSpec } from '../types.js';
import { concatWeightData } from '../weights.js';
import type { ModelArtifactsInfo, ModelJSON } from './types.js';

/** model.json for `artifacts`, their weights stored across `paths` (TensorFlow.js's key order). */
export function modelJsonFor(artifacts: ModelArtifacts, paths: string[]): ModelJSON {
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology ?? null,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/** A parsed model.json: the artifacts without their weight data, and the shard paths in order. */
export function readModelJson(
  value: JsonValue,
  where: string,
): { artifacts: ModelArtifacts; paths: string[] } {
  const json = expectObject(value, where);
  const manifest = expectArray(json.weightsManifest ?? [], `${where}: weightsManifest`);
  const weightSpecs: WeightSpec[] = [];
  const paths: string[] = [];
  manifest.forEach((group, i) => {
    const g = expectObject(group, `${where}: weightsManifest[${i}]`);
    for (const p of expectArray(g.paths, `${where}: weightsManifest[${i}].paths`))
      paths.push(expectString(p, `${where}: weightsManifest[${i}].paths`));
    const weights = expectArray(g.weights ?? [], `${where}: weightsManifest[${i}].weights`);
    weightSpecs.push(...(weights as unknown as WeightSpec[]));
  });
  const artifacts: ModelArtifacts = {
    modelTopology: (json.modelTopology ?? null) as ModelArtifacts['modelTopology'],
    weightSpecs,
  };
  if (typeof json.format === 'string') artifacts.format = json.format;
  if (typeof json.generatedBy === 'string') artifacts.generatedBy = json.generatedBy;
  if (typeof json.convertedBy === 'string') artifacts.convertedBy = json.convertedBy;
  if (isObject(json.trainingConfig)) artifacts.trainingConfig = json.trainingConfig;
  if (isObject(json.userDefinedMetadata)) artifacts.userDefinedMetadata = json.userDefinedMetadata;
  return { artifacts, paths };
}

/** Bytes the specs declare (before quantization), from untrusted JSON: NaN where malformed. */
function declaredBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((n, s) => {
    const shape: unknown[] = Array.isArray(s?.shape) ? s.shape : [];
    return (
      n +
      shape.reduce<number>(
        (a, d) => a * (typeof d === 'number' ? d : NaN),
        s?.dtype === 'bool' ? 1 : 4,
      )
    );
  }, 0);
}

/**
 * Refuses shards holding fewer bytes than the manifest declares (a missing or truncated shard),
 * before anything is decoded. Quantized weights are checked later, when decoded.
 */
export function checkShardBytes(specs: readonly WeightSpec[], total: number, where: string): void {
  const declared = declaredBytes(specs);
  if (specs.some((s) => s?.quantization)) return;
  if (declared > total)
    throw new LaminaError(
      'truncated-data',
      `${where}: the manifest declares ${declared} bytes of weights, the shards hold ${total}`,
    );
  // More bytes than declared is no model TensorFlow.js or Lamina writes: refuse before reading.
  if (declared < total)
    throw new LaminaError(
      'too-large',
      `${where}: the shards hold ${total} bytes, more than the ${declared} bytes of weights the manifest declares`,
    );
}

const utf8Bytes = (value: unknown): number =>
  value === undefined || value === null
    ? 0
    : new TextEncoder().encode(JSON.stringify(value)).length;

/** What a save of `artifacts` reports (sizes as TensorFlow.js counts them: UTF-8 bytes of JSON). */
export function artifactsInfo(artifacts: ModelArtifacts, where: string): ModelArtifactsInfo {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Bytes(artifacts.modelTopology),
    weightSpecsBytes: utf8Bytes(artifacts.weightSpecs),
    weightDataBytes: concatWeightData(artifacts.weightData, where).byteLength,
  };
}

/** The weight data as one ArrayBuffer of exactly its bytes (what the stores and Blobs keep). */
export function weightBuffer(artifacts: ModelArtifacts, where: string): ArrayBuffer {
  const bytes = concatWeightData(artifacts.weightData, where);
  const whole =
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength;
  return whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}

/** Shards read in order, as one buffer. */
export function joinShards(shards: readonly ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let offset = 0;
  for (const s of shards) {
    out.set(new Uint8Array(s), offset);
    offset += s.byteLength;
  }
  return out;
}
