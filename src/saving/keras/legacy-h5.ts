/**
 * HDF5 files in Keras's legacy layout (Keras 2 / tf.keras `model.save('m.h5')` and
 * `save_weights('w.h5')`; Keras 3 still writes it for `.h5`), and Keras 3's weights-only
 * `.weights.h5` (the `model.weights.h5` of an archive, on its own):
 *   legacy whole model: root attribute `model_config` (JSON), group `model_weights` whose
 *     attribute `layer_names` lists the layers with weights, each layer group listing its
 *     datasets in `weight_names` ('dense/kernel:0' in tf.keras, 'dense/kernel' in Keras 3);
 *   legacy weights only: the same `layer_names` at the root;
 *   Keras 3 weights only: `layers/<...>/vars/<i>` as in paths.ts.
 * Layers are matched by name, each layer's weights in order (trainable, then non-trainable, as
 * Keras's legacy writer lists them). A list attribute too large for one HDF5 object header is
 * split by Keras into `layer_names0`, `layer_names1`... and read back whole. A whole-model file
 * of a compiled model also holds `training_config` (an attribute: loss, metrics, loss weights,
 * `optimizer_config`) and `optimizer_weights` (its `weight_names` list the optimizer's
 * variables, in one of the layouts of optimizer-state.ts): the model is compiled from them and
 * its optimizer state restored, so that training resumes where it stopped.
 */
import { LaminaError } from '../../errors.js';
import type { Layer } from '../../layers/base/layer.js';
import type { LayerWeight } from '../../layers/base/weight.js';
import type { Model } from '../../models/model.js';
import { tensor } from '../../ops/convert.js';
import type { Tensor } from '../../tensor/tensor.js';
import { buildModel, topologyOf, withParamBudget } from '../from-config.js';
import { parseJson } from '../json.js';
import type { LoadOptions } from '../types.js';
import type { H5Array, H5Contents, H5Text } from './hdf5.js';
import { readH5 } from './hdf5-read.js';
import { compileFromTrainingConfig } from './compile-config.js';
import { legacyOptimizerLayout, planOptimizerRestore } from './optimizer-state.js';
import { kerasSavingPlan } from './paths.js';
import { MAX_UNZIPPED_BYTES } from './zip.js';

const PARAM_SLACK = 2 ** 20;

/** True when `bytes` starts with the HDF5 signature. */
export function looksLikeHdf5(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((b, i) => bytes[i] === b);
}

const list = (value: H5Text | undefined): string[] | null =>
  value === undefined ? null : typeof value === 'string' ? [value] : value;

/** The list attribute `name` of a group, joined from its chunks `name0`, `name1`... if split. */
function listAttribute(
  attributes: Record<string, H5Text> | undefined,
  name: string,
): string[] | null {
  if (attributes === undefined) return null;
  const whole = list(attributes[name]);
  if (whole !== null) return whole;
  const chunks: string[] = [];
  for (let i = 0; attributes[`${name}${i}`] !== undefined; i++)
    chunks.push(...(list(attributes[`${name}${i}`]) ?? []));
  return attributes[`${name}0`] === undefined ? null : chunks;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(',')}]`;

function pair(weight: LayerWeight, data: H5Array | undefined, at: string, where: string): Tensor {
  const layer = weight.name.slice(0, weight.name.lastIndexOf('/'));
  if (data === undefined)
    throw new LaminaError(
      'missing-weight',
      `${where}: layer '${layer}' expects weight '${weight.name}' of shape ${shapeText(weight.shape)} at '${at}', which is not in the file`,
    );
  if (data.shape.join() !== weight.shape.join())
    throw new LaminaError(
      'weight-shape',
      `${where}: layer '${layer}' expects weight '${weight.name}' of shape ${shapeText(weight.shape)}, '${at}' has shape ${shapeText(data.shape)}`,
    );
  return tensor(
    weight.dtype === data.dtype ? data.values : Array.from(data.values),
    data.shape,
    weight.dtype,
  );
}

/** Pairs for the legacy layout under `root` ('' or 'model_weights'). */
function legacyPairs(
  model: Model,
  h5: H5Contents,
  root: string,
  strict: boolean,
  where: string,
): [LayerWeight, Tensor][] {
  const names = listAttribute(h5.attributes.get(root), 'layer_names') ?? [];
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const pairs: [LayerWeight, Tensor][] = [];
  const seen = new Set<Layer>();
  for (const name of names) {
    const layer = byName.get(name);
    const group = root === '' ? name : `${root}/${name}`;
    const weightNames = listAttribute(h5.attributes.get(group), 'weight_names') ?? [];
    if (layer === undefined) {
      if (strict && weightNames.length > 0)
        throw new LaminaError(
          'unexpected-weight',
          `${where}: the file has weights for layer '${name}', which the model does not have (its layers: ${[...byName.keys()].join(', ')})`,
        );
      continue;
    }
    seen.add(layer);
    const weights = [...layer.trainableWeights, ...layer.nonTrainableWeights];
    if (weightNames.length !== weights.length)
      throw new LaminaError(
        'missing-weight',
        `${where}: layer '${name}' has ${weights.length} weights (${weights.map((w) => w.name).join(', ')}), the file lists ${weightNames.length} (${weightNames.join(', ')})`,
      );
    weights.forEach((w, i) => {
      const at = `${group}/${weightNames[i] as string}`;
      pairs.push([w, pair(w, h5.datasets.get(at), at, where)]);
    });
  }
  const missing = model.layers.find((l) => !seen.has(l) && l.weights.length > 0);
  if (missing !== undefined)
    throw new LaminaError(
      'missing-weight',
      `${where}: layer '${missing.name}' has weights (${missing.weights.map((w) => w.name).join(', ')}), the file has none for it`,
    );
  return pairs;
}

/** Pairs for Keras 3's layout (`layers/.../vars/<i>`). */
function kerasPairs(
  model: Model,
  h5: H5Contents,
  strict: boolean,
  where: string,
): [LayerWeight, Tensor][] {
  const plan = kerasSavingPlan(model);
  const used = new Set(plan.variables.map((v) => v.path));
  const extra = [...h5.datasets.keys()].find((p) => !used.has(p) && !p.startsWith('optimizer/'));
  if (strict && extra !== undefined)
    throw new LaminaError(
      'unexpected-weight',
      `${where}: '${extra}' matches no weight of the model`,
    );
  return plan.variables.map((v) => [
    v.weight,
    pair(v.weight, h5.datasets.get(v.path), v.path, where),
  ]);
}

/** The weights of an HDF5 file (any layout above) checked against `model`: the assignment. */
export function planHdf5Weights(
  model: Model,
  h5: H5Contents,
  strict: boolean,
  where: string,
): () => void {
  const root = listAttribute(h5.attributes.get(''), 'layer_names') !== null ? '' : 'model_weights';
  const pairs =
    listAttribute(h5.attributes.get(root), 'layer_names') !== null
      ? legacyPairs(model, h5, root, strict, where)
      : kerasPairs(model, h5, strict, where);
  return () => pairs.forEach(([w, t]) => w.assign(t));
}

export async function readHdf5(bytes: Uint8Array, where: string): Promise<H5Contents> {
  return readH5(bytes, MAX_UNZIPPED_BYTES, where);
}

/** A model from a legacy whole-model `.h5` file (architecture and weights). */
export async function loadLegacyH5Model(
  bytes: Uint8Array,
  options: LoadOptions,
  where: string,
): Promise<Model> {
  const h5 = await readHdf5(bytes, where);
  const config = h5.attributes.get('')?.model_config;
  if (typeof config !== 'string')
    throw new LaminaError(
      'no-topology',
      `${where}: the HDF5 file has no model_config attribute (a weights-only file: use model.loadWeights)`,
    );
  const top = topologyOf(parseJson(config, `${where}: model_config`), `${where}: model_config`);
  let stored = 0;
  for (const d of h5.datasets.values()) stored += d.values.length;
  const model = withParamBudget(stored + PARAM_SLACK, () =>
    buildModel(top, `${where}: model_config`),
  );
  const assign = planHdf5Weights(model, h5, options.strict ?? true, where);
  const trainingConfig = h5.attributes.get('')?.training_config;
  let restore = (): void => {};
  if (options.compile !== false && typeof trainingConfig === 'string') {
    compileFromTrainingConfig(model, parseJson(trainingConfig, `${where}: training_config`), where);
    const optimizer = model.compiled?.optimizer;
    const names = listAttribute(h5.attributes.get(OPTIMIZER_WEIGHTS), 'weight_names') ?? [];
    if (optimizer !== undefined && names.length > 0)
      restore = planOptimizerRestore(
        optimizer,
        model.trainableWeights,
        savedOptimizerWeights(h5, names, where),
        where,
        legacyOptimizerLayout(names),
        { group: OPTIMIZER_WEIGHTS, nameOf: (i) => `${OPTIMIZER_WEIGHTS}/${names[i] ?? i}` },
      );
  }
  assign();
  restore();
  return model;
}

const OPTIMIZER_WEIGHTS = 'optimizer_weights';

/** The datasets `optimizer_weights/<name>` by position; a LaminaError if one is missing. */
function savedOptimizerWeights(
  h5: H5Contents,
  names: readonly string[],
  where: string,
): Map<number, H5Array> {
  const saved = new Map<number, H5Array>();
  names.forEach((name, i) => {
    const data = h5.datasets.get(`${OPTIMIZER_WEIGHTS}/${name}`);
    if (data === undefined)
      throw new LaminaError(
        'missing-weight',
        `${where}: '${OPTIMIZER_WEIGHTS}' lists '${name}' in its weight_names, but the file has no dataset '${OPTIMIZER_WEIGHTS}/${name}'`,
      );
    saved.set(i, data);
  });
  return saved;
}
