/**
 * One panel's training, in a Web Worker so that the page never waits for it: Lamina on its wasm
 * backend (with a thread pool when the page is cross-origin isolated), one batch per step, and
 * after a few steps a snapshot of what the page draws: the losses of each step, per layer the
 * histograms of the weights and of the outputs, saturation, dead units and `diagnose()`'s
 * advice. Models are saved to and loaded from IndexedDB in the TensorFlow.js format.
 */
import type { Activation } from 'lamina-nn';
import {
  Adam,
  Dense,
  diagnose,
  getBackend,
  getThreads,
  l1,
  l1l2,
  l2,
  layers,
  loadModel,
  noGrad,
  RMSprop,
  sequential,
  SGD,
  setThreads,
  tensor,
  threadsReady,
  type LayerCall,
  type Model,
  type Regularizer,
  type Tensor,
} from 'lamina-nn';
import type { LayerConfig, PanelConfig, Penalty } from './config.js';
import { makeDataset, permutation, random, type Dataset } from './datasets.js';
import type {
  Advice,
  CurvePoint,
  FromWorker,
  Histogram,
  LayerSnapshot,
  ToWorker,
} from './protocol.js';

const post = (m: FromWorker): void => (self as unknown as Worker).postMessage(m);

/** Training runs in slices this long (ms) between looks at the message queue. */
const SLICE_MS = 30;
/** At most one snapshot this often (ms) while running. */
const SNAPSHOT_MS = 150;
/** Held-out samples the statistics and histograms look at. */
const SAMPLE_ROWS = 256;
const BINS = 30;
const GRID = 40;

interface State {
  config: PanelConfig;
  data: Dataset;
  model: Model;
  step: number;
  epoch: number;
  order: Uint32Array;
  cursor: number;
  points: CurvePoint[];
  stepMs: number;
  reset: boolean;
}

let state: State | null = null;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastSnapshot = 0;
const datasets = new Map<string, Promise<Dataset>>();

function regularizer(p: Penalty): Regularizer | null {
  switch (p.kind) {
    case 'none':
      return null;
    case 'l1':
      return l1(p.factor);
    case 'l2':
      return l2(p.factor);
    case 'l1l2':
      return l1l2({ l1: p.factor, l2: p.factor });
  }
}

function buildModel(config: PanelConfig, data: Dataset): Model {
  const stack: (Dense | Activation)[] = [];
  config.layers.forEach((l: LayerConfig, i) => {
    const seed = config.seed * 100 + i;
    stack.push(
      layers.dense({
        name: `dense_${i + 1}`,
        units: l.units,
        ...(i === 0 ? { inputShape: [data.features] } : {}),
        kernelInitializer:
          l.init === 'glorot'
            ? { class_name: 'GlorotUniform', config: { seed } }
            : { class_name: 'RandomUniform', config: { minval: 0, maxval: 0.3, seed } },
        kernelRegularizer: regularizer(l.kernel),
        biasRegularizer: regularizer(l.bias),
        activityRegularizer: regularizer(l.activity),
      }),
    );
    if (l.activation !== 'linear')
      stack.push(layers.activation({ name: `activation_${i + 1}`, activation: l.activation }));
  });
  stack.push(
    layers.dense({
      name: 'output',
      units: data.classes,
      activation: 'softmax',
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: config.seed * 100 + 99 } },
    }),
  );
  const model = sequential({ layers: stack });
  compile(model, config);
  return model;
}

function compile(model: Model, config: PanelConfig): void {
  const learningRate = config.learningRate;
  const optimizer =
    config.optimizer === 'sgd'
      ? new SGD({ learningRate })
      : config.optimizer === 'adam'
        ? new Adam({ learningRate })
        : new RMSprop({ learningRate });
  model.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
}

function dataset(config: PanelConfig): Promise<Dataset> {
  const key = `${config.dataset}:${config.seed}`;
  let d = datasets.get(key);
  if (d === undefined) {
    d = makeDataset(config.dataset, config.seed);
    datasets.set(key, d);
  }
  return d;
}

function fresh(config: PanelConfig, data: Dataset, model: Model): State {
  return {
    config,
    data,
    model,
    step: 0,
    epoch: 0,
    order: permutation(data.yTrain.length, random(config.seed)),
    cursor: 0,
    points: [],
    stepMs: 0,
    reset: true,
  };
}

/** One batch: forward, penalties, backward, update; records the step's losses. */
function trainStep(s: State): void {
  const { data } = s;
  const n = data.yTrain.length;
  const rows = s.order.subarray(s.cursor, Math.min(n, s.cursor + s.config.batchSize));
  s.cursor += rows.length;
  const f = data.features;
  const xb = new Float32Array(rows.length * f);
  const yb = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    xb.set(data.xTrain.subarray(r * f, (r + 1) * f), i * f);
    yb[i] = data.yTrain[r] as number;
  });
  const started = performance.now();
  const logs = s.model.trainOnBatch(
    tensor(xb, [rows.length, f]),
    tensor(yb, [rows.length], 'int32'),
  );
  s.stepMs += performance.now() - started;
  s.step += 1;
  if (s.cursor >= n) {
    s.epoch += 1;
    s.cursor = 0;
    s.order = permutation(n, random(s.config.seed + s.epoch));
  }
  const point: CurvePoint = { step: s.step, data: 0, kernel: 0, bias: 0, activity: 0 };
  for (const [key, value] of Object.entries(logs) as [string, number][]) {
    const kind = /^penalty\/.*\/(kernel|bias|activity)$/.exec(key)?.[1] as
      'kernel' | 'bias' | 'activity' | undefined;
    if (kind !== undefined) point[kind] += value;
  }
  point.data = (logs.loss ?? NaN) - (logs.regularization_loss ?? 0);
  s.points.push(point);
}

function histogram(values: ArrayLike<number>): Histogram {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] as number));
  const hi = m === 0 ? 1 : m;
  const counts = new Array<number>(BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(BINS - 1, Math.floor((((values[i] as number) + hi) / (2 * hi)) * BINS));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return { lo: -hi, hi, counts };
}

function meanAbs(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i] as number);
  return values.length === 0 ? 0 : s / values.length;
}

function snapshot(s: State): void {
  const { data, model } = s;
  const f = data.features;
  const rows = Math.min(SAMPLE_ROWS, data.yVal.length);
  const sample = tensor(data.xVal.subarray(0, rows * f), [rows, f]);
  const report = diagnose(model, sample);
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  const layerSnapshots: LayerSnapshot[] = [];
  let index = 0;
  // One inference run, observed layer by layer: each hidden Dense layer's output.
  const observe = ({ layer, outputs }: LayerCall): void => {
    if (!(layer instanceof Dense) || layer.name === 'output') return;
    const config = s.config.layers[index] as LayerConfig;
    index += 1;
    const z = (outputs as Tensor).dataSync();
    const w = (layer.getWeights()[0] as Tensor).dataSync();
    const act = byName.get(`activation_${index}`)?.output ?? null;
    layerSnapshots.push({
      name: `layer ${index}`,
      activation: config.activation,
      weights: histogram(w),
      outputs: histogram(z),
      maxAbsWeight: byName.get(layer.name)?.maxAbsWeight ?? 0,
      meanAbsOutput: meanAbs(z),
      saturated: act?.saturatedFraction ?? null,
      dead: act?.deadFraction ?? null,
    });
  };
  noGrad(() => model.apply(sample, { training: false, observe }));
  const advice: Advice[] = [];
  for (const l of report.layers) {
    for (const a of l.advice)
      if (a.rule !== 'healthy') advice.push({ layer: l.name, rule: a.rule, text: a.text });
  }
  const predictions = model.predict(tensor(data.xVal, [data.yVal.length, f])) as Tensor;
  const probabilities = predictions.dataSync();
  let correct = 0;
  for (let r = 0; r < data.yVal.length; r++) {
    let best = 0;
    for (let c = 1; c < data.classes; c++)
      if (
        (probabilities[r * data.classes + c] as number) >
        (probabilities[r * data.classes + best] as number)
      )
        best = c;
    if (best === data.yVal[r]) correct += 1;
  }
  let boundary: { size: number; values: number[] } | null = null;
  if (data.planar) {
    const grid = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++)
      for (let c = 0; c < GRID; c++) {
        grid[2 * (r * GRID + c)] = -1.25 + (2.5 * (c + 0.5)) / GRID;
        grid[2 * (r * GRID + c) + 1] = 1.25 - (2.5 * (r + 0.5)) / GRID;
      }
    const p = (model.predict(tensor(grid, [GRID * GRID, 2])) as Tensor).dataSync();
    boundary = {
      size: GRID,
      values: Array.from({ length: GRID * GRID }, (_, i) => p[2 * i + 1] as number),
    };
  }
  const steps = s.points.length;
  post({
    type: 'snapshot',
    reset: s.reset,
    snapshot: {
      step: s.step,
      epoch: s.epoch,
      points: s.points,
      layers: layerSnapshots,
      advice,
      valAccuracy: correct / data.yVal.length,
      boundary,
      msPerStep: steps === 0 ? 0 : s.stepMs / steps,
    },
  });
  s.points = [];
  s.stepMs = 0;
  s.reset = false;
  lastSnapshot = performance.now();
}

function loop(): void {
  timer = null;
  const s = state;
  if (!running || s === null) return;
  const start = performance.now();
  const done = () => s.config.epochs > 0 && s.epoch >= s.config.epochs;
  try {
    while (!done() && performance.now() - start < SLICE_MS) trainStep(s);
    if (done()) {
      setRunning(false);
      return;
    }
    if (performance.now() - lastSnapshot >= SNAPSHOT_MS) snapshot(s);
  } catch (e) {
    setRunning(false);
    fail(e);
    return;
  }
  timer = setTimeout(loop, 0);
}

function setRunning(on: boolean): void {
  running = on;
  if (on && timer === null) timer = setTimeout(loop, 0);
  if (!on && state !== null && state.points.length > 0) snapshot(state);
  post({ type: 'running', running: on });
}

function fail(e: unknown): void {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

async function configure(config: PanelConfig): Promise<void> {
  const data = await dataset(config);
  state = fresh(config, data, buildModel(config, data));
  if (data.planar) {
    const n = Math.min(300, data.yTrain.length);
    post({
      type: 'data',
      points: Array.from(data.xTrain.subarray(0, 2 * n)),
      labels: Array.from(data.yTrain.subarray(0, n)),
    });
  } else post({ type: 'data', points: [], labels: [] });
  snapshot(state);
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'configure':
      return configure(m.config);
    case 'run':
      return setRunning(true);
    case 'pause':
      return setRunning(false);
    case 'step':
      if (state !== null && !running) {
        trainStep(state);
        snapshot(state);
      }
      return;
    case 'reset':
      if (state !== null) {
        state = fresh(state.config, state.data, buildModel(state.config, state.data));
        snapshot(state);
      }
      return;
    case 'save': {
      if (state === null) return;
      const saved = await state.model.save(`indexeddb://${m.key}`);
      post({ type: 'saved', key: m.key, bytes: saved.modelArtifactsInfo.weightDataBytes ?? 0 });
      return;
    }
    case 'load': {
      if (state === null) return;
      const model = await loadModel(`indexeddb://${m.key}`);
      compile(model, state.config);
      state = fresh(state.config, state.data, model);
      snapshot(state);
      post({ type: 'loaded', key: m.key });
      return;
    }
  }
}

// Messages are handled one at a time, in order (a configure finishes before the run after it).
let queue: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(e.data)).catch(fail);
};

async function start(): Promise<void> {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (self.crossOriginIsolated && cores >= 4) {
    setThreads(2);
    await threadsReady();
  }
  post({ type: 'ready', backend: getBackend(), threads: getThreads() });
}
queue = start().catch(fail);
