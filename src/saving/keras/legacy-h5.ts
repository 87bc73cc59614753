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
 * Keras's legacy writer lists them). The optimizer state and training config of legacy files are
 * not read.
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
  const names = list(h5.attributes.get(root)?.layer_names) ?? [];
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const pairs: [LayerWeight, Tensor][] = [];
  const seen = new Set<Layer>();
  for (const name of names) {
    const layer = byName.get(name);
    const group = root === '' ? name : `${root}/${name}`;
    const weightNames = list(h5.attributes.get(group)?.weight_names) ?? [];
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
  const root = h5.attributes.get('')?.layer_names !== undefined ? '' : 'model_weights';
  const pairs =
    h5.attributes.get(root)?.layer_names !== undefined
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
  planHdf5Weights(model, h5, options.strict ?? true, where)();
  return model;
}
