/**
 * Keras 3 `.keras` archives, in memory (Node and browsers): a zip of `metadata.json`,
 * `config.json` (the model's Keras config, with `compile_config` when compiled) and
 * `model.weights.h5` (every variable at its Keras saving path, see paths.ts). Loading checks the
 * config, every weight and the optimizer state before any value is assigned.
 */
import { LaminaError } from '../../errors.js';
import type { Model } from '../../models/model.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { LIBRARY_VERSION } from '../../version.js';
import { buildModel, topologyOf, withParamBudget } from '../from-config.js';
import { isObject, parseJson } from '../json.js';
import type { LoadOptions } from '../types.js';
import { compileConfigOf, compileFromConfig, kerasJsonText } from './compile-config.js';
import { writeH5, type H5Array, type H5Contents, type H5Write } from './hdf5.js';
import { readH5 } from './hdf5-read.js';
import { planHdf5Weights } from './legacy-h5.js';
import { OPTIMIZER_VARS, optimizerVariables, planOptimizerRestore } from './optimizer-state.js';
import { kerasSavingPlan } from './paths.js';
import { MAX_UNZIPPED_BYTES, readZipEntries, writeZip } from './zip.js';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
/** The Keras release whose archive layout this writes (and whose loader was checked on it). */
const KERAS_FORMAT_VERSION = '3.15.1';
/** Parameters a config may create beyond those stored (see artifacts.ts). */
const PARAM_SLACK = 2 ** 20;

export interface KerasArchiveOptions {
  /** Save the compile config and the optimizer state of a compiled model (default true, as Keras). */
  includeOptimizer?: boolean;
}

/** True when `bytes` starts like a zip archive (a `.keras` file). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function text(bytes: Uint8Array, entry: string, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LaminaError('malformed-json', `${where}: ${entry} is not UTF-8 text`);
  }
}

/** The weights file of a `.keras` archive, read. */
export async function readArchiveWeights(bytes: Uint8Array, where: string): Promise<H5Contents> {
  const entries = await readZipEntries(bytes, [WEIGHTS], where);
  const weightBytes = entries.get(WEIGHTS);
  if (weightBytes === undefined)
    throw new LaminaError('missing-weight', `${where}: the archive has no ${WEIGHTS}`);
  return readH5(weightBytes, MAX_UNZIPPED_BYTES, `${where}: ${WEIGHTS}`);
}

/** A model from the bytes of a `.keras` archive; `where` names the file in every error. */
export async function loadKerasArchive(
  bytes: Uint8Array,
  options: LoadOptions = {},
  where = 'loadModel',
): Promise<Model> {
  const entries = await readZipEntries(bytes, [METADATA, CONFIG, WEIGHTS], where);
  const configBytes = entries.get(CONFIG);
  if (configBytes === undefined)
    throw new LaminaError(
      'no-topology',
      `${where}: the archive has no ${CONFIG}; is it a .keras file?`,
    );
  const top = topologyOf(
    parseJson(text(configBytes, CONFIG, where), `${where}: ${CONFIG}`),
    `${where}: ${CONFIG}`,
  );
  const weightBytes = entries.get(WEIGHTS);
  if (weightBytes === undefined)
    throw new LaminaError('missing-weight', `${where}: the archive has no ${WEIGHTS}`);
  const h5 = await readH5(weightBytes, MAX_UNZIPPED_BYTES, `${where}: ${WEIGHTS}`);
  let stored = 0;
  for (const [path, d] of h5.datasets)
    if (!path.startsWith(OPTIMIZER_VARS)) stored += d.values.length;
  const model = withParamBudget(stored + PARAM_SLACK, () => buildModel(top, `${where}: ${CONFIG}`));
  const assign = planHdf5Weights(model, h5, options.strict ?? true, `${where}: ${WEIGHTS}`);
  let restore = (): void => {};
  // Keras writes `compile_config: {}` for a model that was never compiled.
  const compileConfig = top.compile_config;
  if (
    options.compile !== false &&
    isObject(compileConfig) &&
    Object.keys(compileConfig).length > 0
  ) {
    compileFromConfig(model, compileConfig, `${where}: ${CONFIG}`);
    const saved = new Map<number, H5Array>();
    for (const [path, d] of h5.datasets)
      if (path.startsWith(`${OPTIMIZER_VARS}/`))
        saved.set(Number(path.slice(OPTIMIZER_VARS.length + 1)), d);
    const optimizer = model.compiled?.optimizer;
    if (saved.size > 0 && optimizer !== undefined)
      restore = planOptimizerRestore(
        optimizer,
        model.trainableWeights,
        saved,
        `${where}: ${WEIGHTS}`,
      );
  }
  assign();
  restore();
  return model;
}

function datasetOf(path: string, t: Tensor): H5Write {
  const values = t.dataSync();
  return {
    path,
    shape: [...t.shape],
    values: values instanceof Float32Array ? values.slice() : Int32Array.from(values),
  };
}

/** The bytes of a `.keras` archive holding `model` (Keras 3 loads it with `keras.saving.load_model`). */
export async function saveKerasArchive(
  model: Model,
  options: KerasArchiveOptions = {},
): Promise<Uint8Array> {
  const plan = kerasSavingPlan(model);
  const groups = [...plan.groups];
  const datasets = plan.variables.map((v) => datasetOf(v.path, v.weight));
  const config: JsonObject = { ...model.serialize('keras3') };
  const firstInput = model.inputs[0];
  if (model.className === 'Sequential' && firstInput !== undefined)
    config.build_config = { input_shape: [...firstInput.shape] };
  const compiled = model.compiled;
  if (compiled !== null && options.includeOptimizer !== false) {
    config.compile_config = compileConfigOf(model);
    groups.push([OPTIMIZER_VARS, compiled.optimizer.name]);
    optimizerVariables(compiled.optimizer, model.trainableWeights).forEach((t, i) =>
      datasets.push(datasetOf(`${OPTIMIZER_VARS}/${i}`, t)),
    );
  }
  const metadata = {
    keras_version: KERAS_FORMAT_VERSION,
    date_saved: new Date().toISOString().slice(0, 19).replace('T', '@'),
    generated_by: LIBRARY_VERSION,
  };
  const encoder = new TextEncoder();
  return writeZip([
    [METADATA, encoder.encode(JSON.stringify(metadata))],
    [CONFIG, encoder.encode(kerasJsonText(config))],
    [WEIGHTS, await writeH5(groups, datasets)],
  ]);
}
