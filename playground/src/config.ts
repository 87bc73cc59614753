/**
 * What one panel trains: the dataset, the hidden layers (each a Dense layer and its activation,
 * with its own kernel, bias and activity penalties), the optimizer and the seed. Configurations
 * travel in the page's URL hash, so a link reproduces a comparison; `parseConfig` checks
 * everything that comes from a URL and names what is wrong.
 */

export const DATASETS = ['seed', 'spirals', 'circles', 'xor', 'digits'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const DATASET_LABELS: Record<DatasetName, string> = {
  seed: 'Large activations (the seed question)',
  spirals: 'Spirals (2-D)',
  circles: 'Circles (2-D)',
  xor: 'XOR (2-D)',
  digits: 'Digits (8×8, 10 classes)',
};

export const PENALTIES = ['none', 'l1', 'l2', 'l1l2'] as const;
export type PenaltyKind = (typeof PENALTIES)[number];

export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'elu', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Glorot uniform, or the seed's small positive weights: uniform in [0, 0.3]. */
export const INITIALIZERS = ['glorot', 'small-positive'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Penalty {
  kind: PenaltyKind;
  factor: number;
}

export interface LayerConfig {
  units: number;
  activation: ActivationName;
  init: InitializerName;
  /** On the weights W. */
  kernel: Penalty;
  /** On the biases b. */
  bias: Penalty;
  /** On the layer's outputs z = xW + b (before the activation), per sample. */
  activity: Penalty;
}

export interface PanelConfig {
  dataset: DatasetName;
  layers: LayerConfig[];
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  seed: number;
  /** Training pauses by itself after this many epochs; 0: never. */
  epochs: number;
}

export const NO_PENALTY: Penalty = { kind: 'none', factor: 0.001 };

export function layer(overrides: Partial<LayerConfig> = {}): LayerConfig {
  return {
    units: 16,
    activation: 'tanh',
    init: 'glorot',
    kernel: { ...NO_PENALTY },
    bias: { ...NO_PENALTY },
    activity: { ...NO_PENALTY },
    ...overrides,
  };
}

export function defaultConfig(): PanelConfig {
  return {
    dataset: 'spirals',
    layers: [layer(), layer()],
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    seed: 1,
    epochs: 0,
  };
}

export interface Preset {
  id: string;
  title: string;
  /** What to look for, one sentence. */
  finding: string;
  panels: [PanelConfig, PanelConfig];
}

const seedCase = (penalty: 'kernel' | 'activity'): PanelConfig => ({
  dataset: 'seed',
  layers: [
    layer({
      units: 64,
      activation: 'tanh',
      init: 'small-positive',
      [penalty]: { kind: 'l2', factor: 0.003 },
    }),
  ],
  optimizer: 'sgd',
  learningRate: 0.05,
  batchSize: 32,
  seed: 1,
  epochs: 30,
});

export const PRESETS: Preset[] = [
  {
    id: 'large-activations',
    title: 'Kernel L2 vs activity L2 on large activations',
    finding:
      'Small weights (≤ 0.3) summing 400 inputs give outputs near 30: every tanh unit is saturated. ' +
      'Over 30 epochs (the study’s length, where both pause) the kernel penalty (A) shrinks weights that were ' +
      'never the problem and the units stay saturated; the activity penalty (B) shrinks the outputs, ' +
      'the units leave saturation and the network learns. Given hundreds of epochs, the kernel ' +
      'penalty gets there too, slowly.',
    panels: [seedCase('kernel'), seedCase('activity')],
  },
  {
    id: 'digits',
    title: 'Digits: kernel L2 vs activity L1',
    finding:
      'On the digits the kernel penalty shrinks the weights but barely moves the outputs; the ' +
      'activity penalty makes the outputs smaller and sparser (more exact zeros after ReLU).',
    panels: [
      {
        dataset: 'digits',
        layers: [layer({ units: 32, activation: 'relu', kernel: { kind: 'l2', factor: 0.001 } })],
        optimizer: 'adam',
        learningRate: 0.001,
        batchSize: 32,
        seed: 1,
        epochs: 20,
      },
      {
        dataset: 'digits',
        layers: [layer({ units: 32, activation: 'relu', activity: { kind: 'l1', factor: 0.001 } })],
        optimizer: 'adam',
        learningRate: 0.001,
        batchSize: 32,
        seed: 1,
        epochs: 20,
      },
    ],
  },
  {
    id: 'spirals',
    title: 'Spirals: no penalty vs kernel L2',
    finding:
      'Without a penalty the boundary follows every point; a kernel penalty keeps the weights ' +
      'small and the boundary smooth, at the price of the outer turns of the spiral.',
    panels: [
      defaultConfig(),
      {
        ...defaultConfig(),
        layers: [
          layer({ kernel: { kind: 'l2', factor: 0.003 } }),
          layer({ kernel: { kind: 'l2', factor: 0.003 } }),
        ],
      },
    ],
  },
];

/** Where a configuration came from, for error messages. */
function fail(where: string, expected: string, received: unknown): never {
  throw new TypeError(`${where}: expected ${expected}, received ${JSON.stringify(received)}`);
}

function oneOf<T extends string>(values: readonly T[], v: unknown, where: string): T {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  return fail(where, `one of ${values.join(', ')}`, v);
}

function numberIn(v: unknown, min: number, max: number, where: string, integer = false): number {
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  )
    return fail(where, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`, v);
  return v;
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(where, 'an object', v);
  return v as Record<string, unknown>;
}

function parsePenalty(v: unknown, where: string): Penalty {
  const o = record(v, where);
  return {
    kind: oneOf(PENALTIES, o.kind, `${where}.kind`),
    factor: numberIn(o.factor, 0, 10, `${where}.factor`),
  };
}

function parseLayer(v: unknown, where: string): LayerConfig {
  const o = record(v, where);
  return {
    units: numberIn(o.units, 1, 256, `${where}.units`, true),
    activation: oneOf(ACTIVATIONS, o.activation, `${where}.activation`),
    init: oneOf(INITIALIZERS, o.init, `${where}.init`),
    kernel: parsePenalty(o.kernel, `${where}.kernel`),
    bias: parsePenalty(o.bias, `${where}.bias`),
    activity: parsePenalty(o.activity, `${where}.activity`),
  };
}

/** A panel configuration from untrusted JSON (a URL); throws a TypeError naming the field. */
export function parseConfig(v: unknown, where = 'config'): PanelConfig {
  const o = record(v, where);
  if (!Array.isArray(o.layers) || o.layers.length < 1 || o.layers.length > 4)
    fail(`${where}.layers`, 'a list of 1 to 4 layers', o.layers);
  return {
    dataset: oneOf(DATASETS, o.dataset, `${where}.dataset`),
    layers: (o.layers as unknown[]).map((l, i) => parseLayer(l, `${where}.layers[${i}]`)),
    optimizer: oneOf(OPTIMIZERS, o.optimizer, `${where}.optimizer`),
    learningRate: numberIn(o.learningRate, 1e-6, 10, `${where}.learningRate`),
    batchSize: numberIn(o.batchSize, 1, 1024, `${where}.batchSize`, true),
    seed: numberIn(o.seed, 0, 2 ** 31 - 1, `${where}.seed`, true),
    epochs: o.epochs === undefined ? 0 : numberIn(o.epochs, 0, 1e6, `${where}.epochs`, true),
  };
}

/** `#` + the panels' configurations, for a shareable URL. */
export function toHash(panels: readonly PanelConfig[]): string {
  return `#${encodeURIComponent(JSON.stringify(panels))}`;
}

/** The panels of a URL hash; null when the hash is empty; throws when it is malformed. */
export function fromHash(hash: string): PanelConfig[] | null {
  const text = hash.replace(/^#/, '');
  if (text === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(text));
  } catch (e) {
    throw new TypeError(
      `URL hash: expected the panels' configuration as JSON (${(e as Error).message})`,
    );
  }
  if (!Array.isArray(parsed) || parsed.length !== 2)
    fail('URL hash', 'a list of 2 panel configurations', parsed);
  return (parsed as unknown[]).map((p, i) => parseConfig(p, `panel ${i + 1}`));
}
