/**
 * Where Keras 3 keeps each variable of a model in `model.weights.h5`, following its saving code
 * (saving_lib: every saveable writes its own variables to `<path>/vars/<i>`, children go below
 * their attribute name, and the members of a list are named by their snake-cased class, made
 * unique with `_1`, `_2`...):
 *   layers/dense/vars/0                       a model's layers, in `model.layers` order
 *   layers/lstm/cell/vars/0                   a recurrent layer keeps its weights on its cell
 *   layers/sequential/layers/dense/vars/0     a nested model
 *   layers/bidirectional/forward_layer/cell/vars/0
 *   layers/time_distributed/layer/vars/0       a TimeDistributed's wrapped layer
 * A layer reached twice (shared) is saved at the first path only.
 */
import type { Layer } from '../../layers/base/layer.js';
import type { LayerWeight } from '../../layers/base/weight.js';

export interface KerasVariable {
  /** The dataset path, e.g. 'layers/dense/vars/0'. */
  path: string;
  weight: LayerWeight;
}

export interface KerasSavingPlan {
  variables: KerasVariable[];
  /** Each `vars` group with the name Keras writes on it (the layer's name), in saving order. */
  groups: [string, string][];
}

/** Keras's `naming.to_snake_case`: 'BatchNormalization' -> 'batch_normalization'. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const RNN_CELLS: Readonly<Record<string, string>> = {
  SimpleRNN: 'simple_rnn_cell',
  LSTM: 'lstm_cell',
  GRU: 'gru_cell',
};

interface ModelLike {
  readonly layers: Layer[];
}
interface BidirectionalLike {
  readonly forwardLayer: Layer;
  readonly backwardLayer: Layer;
}

const isModel = (l: Layer): l is Layer & ModelLike =>
  (l.className === 'Functional' || l.className === 'Sequential') &&
  Array.isArray((l as Partial<ModelLike>).layers);
const isBidirectional = (l: Layer): l is Layer & BidirectionalLike =>
  l.className === 'Bidirectional' && 'forwardLayer' in l && 'backwardLayer' in l;

interface WrapperLike {
  readonly layer: Layer;
}
const isTimeDistributed = (l: Layer): l is Layer & WrapperLike =>
  l.className === 'TimeDistributed' && 'layer' in l;

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}/${name}`);

/** The saving paths of every weight of `model`, and the named groups Keras writes. */
export function kerasSavingPlan(model: Layer): KerasSavingPlan {
  const plan: KerasSavingPlan = { variables: [], groups: [] };
  const visited = new Set<Layer>();
  const ownWeights = (layer: Layer, children: readonly Layer[]): LayerWeight[] => {
    const below = new Set(children.flatMap((c) => c.weights));
    return layer.weights.filter((w) => !below.has(w));
  };
  const addVars = (path: string, name: string, weights: readonly LayerWeight[]): void => {
    const vars = join(path, 'vars');
    plan.groups.push([vars, name]);
    weights.forEach((weight, i) => plan.variables.push({ path: `${vars}/${i}`, weight }));
  };
  const visit = (layer: Layer, path: string): void => {
    if (visited.has(layer)) return;
    visited.add(layer);
    if (isModel(layer)) {
      addVars(path, layer.name, ownWeights(layer, layer.layers));
      const used = new Map<string, number>();
      for (const child of layer.layers) {
        const base = toSnakeCase(child.className);
        const n = used.get(base);
        used.set(base, n === undefined ? 0 : n + 1);
        visit(child, join(join(path, 'layers'), n === undefined ? base : `${base}_${n + 1}`));
      }
    } else if (isBidirectional(layer)) {
      addVars(path, layer.name, ownWeights(layer, [layer.forwardLayer, layer.backwardLayer]));
      visit(layer.backwardLayer, join(path, 'backward_layer'));
      visit(layer.forwardLayer, join(path, 'forward_layer'));
    } else if (isTimeDistributed(layer)) {
      // The wrapped layer's weights live under `layer`, as Keras tracks its attribute.
      addVars(path, layer.name, ownWeights(layer, [layer.layer]));
      visit(layer.layer, join(path, 'layer'));
    } else {
      const cell = RNN_CELLS[layer.className];
      if (cell === undefined) addVars(path, layer.name, layer.weights);
      else {
        addVars(path, layer.name, []);
        addVars(join(path, 'cell'), cell, layer.weights);
      }
    }
  };
  visit(model, '');
  return plan;
}
