/**
 * The issue-5 workloads (W1-W4, GEMM 1024^3) for Lamina (js and wasm backends) and TensorFlow.js
 * (cpu and wasm backends), on the same seeded synthetic data. Lamina runs through the model API
 * (layers.dense, sequential, compile, trainOnBatch / predict); each training step is followed by a
 * macrotask turn (`setImmediate`), which lets the wasm backend's FinalizationRegistry return
 * blocks (finalizers never run inside a synchronous loop or a chain of microtasks).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as lm from '../src/index.js';
import { wasmBackend } from '../src/backend/wasm/register.js';

export interface Result {
  workload: string;
  engine: string;
  samplesPerSec: number | null;
  gflops?: number;
  peakRssMiB?: number;
  note?: string;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function labelsOneHot(batch: number, classes: number): Float32Array {
  const y = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) y[i * classes + ((i * 7) % classes)] = 1;
  return y;
}

function inputs(n: number, seed: number): Float32Array {
  return lm.randomNormal([n], 0, 1, seed).dataSync() as Float32Array;
}

interface Spec {
  name: string;
  batch: number;
  inShape: number[];
  classes: number;
  loss: 'categoricalCrossentropy' | 'binaryCrossentropy';
  steps: number;
}

async function timeSteps(
  step: () => void,
  steps: number,
  batch: number,
): Promise<{ sps: number; peak: number }> {
  let peak = rssMiB();
  for (let i = 0; i < 2; i++) {
    step();
    await turn();
  }
  const ms: number[] = [];
  const start = performance.now();
  for (let i = 0; i < steps && (i < 3 || performance.now() - start < 20_000); i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
    await turn();
    peak = Math.max(peak, rssMiB());
  }
  return { sps: (1000 * batch) / median(ms), peak };
}

// ------------------------------------------------------------------------------------ Lamina

function laminaModel(w: string, regularized: boolean): lm.Sequential {
  const reg = regularized
    ? { kernelRegularizer: lm.l2(1e-4), activityRegularizer: lm.l1(1e-5) }
    : {};
  const { layers } = lm;
  if (w === 'W2')
    return lm.sequential({
      layers: [
        layers.dense({ units: 32, activation: 'relu', inputShape: [64] }),
        layers.dense({ units: 32, activation: 'relu' }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
  if (w === 'W3')
    return lm.sequential({
      layers: [
        layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 128, activation: 'relu' }),
        layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
  return lm.sequential({
    layers: [
      layers.dense({ units: 512, activation: 'relu', inputShape: [784], ...reg }),
      layers.dense({ units: 256, activation: 'relu', ...reg }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

export async function laminaTrain(
  backend: 'js' | 'wasm',
  s: Spec,
  regularized = false,
): Promise<Result> {
  lm.setBackend(backend);
  lm.setSeed(1);
  const m = laminaModel(s.name, regularized);
  m.compile({ optimizer: new lm.Adam({ learningRate: 1e-3 }), loss: s.loss });
  const x = lm.tensor(inputs(s.batch * s.inShape.reduce((a, b) => a * b, 1), 5), [
    s.batch,
    ...s.inShape,
  ]);
  const y =
    s.classes === 1
      ? lm.tensor(
          Float32Array.from({ length: s.batch }, (_, i) => i % 2),
          [s.batch, 1],
        )
      : lm.tensor(labelsOneHot(s.batch, s.classes), [s.batch, s.classes]);
  const { sps, peak } = await timeSteps(() => void m.trainOnBatch(x, y), s.steps, s.batch);
  return {
    workload: s.name + (regularized ? '+reg' : ''),
    engine: `lamina ${backend}`,
    samplesPerSec: sps,
    peakRssMiB: peak,
  };
}

export async function laminaInfer(backend: 'js' | 'wasm', runs: number): Promise<Result> {
  lm.setBackend(backend);
  lm.setSeed(1);
  const m = laminaModel('W1', false);
  const x = lm.tensor(inputs(1024 * 784, 6), [1024, 784]);
  const { sps, peak } = await timeSteps(
    () => void (m.predict(x, { batchSize: 1024 }) as lm.Tensor).dataSync(),
    runs,
    1024,
  );
  return { workload: 'W4', engine: `lamina ${backend}`, samplesPerSec: sps, peakRssMiB: peak };
}

export function laminaGemm(backend: 'js' | 'wasm', n: number): Result {
  lm.setBackend(backend);
  const a = lm.randomNormal([n, n], 0, 1, 1);
  const b = lm.randomNormal([n, n], 0, 1, 2);
  const ms: number[] = [];
  lm.matMul(a, b).dataSync();
  for (let i = 0; i < (backend === 'js' ? 2 : 5); i++) {
    const t0 = performance.now();
    lm.matMul(a, b).dataSync();
    ms.push(performance.now() - t0);
  }
  const gflops = (2 * n ** 3) / median(ms) / 1e6;
  return { workload: `GEMM ${n}^3`, engine: `lamina ${backend}`, samplesPerSec: null, gflops };
}

// ------------------------------------------------------------------------------- TensorFlow.js

export async function useTfjs(backend: 'cpu' | 'wasm'): Promise<void> {
  // IS_TEST silences the tfjs-node hint on cpu, but turns on leak checks that fail on wasm.
  tf.env().set('IS_TEST', backend === 'cpu');
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(`${dir}/dist/`);
    setThreadsCount(1);
  }
  await tf.setBackend(backend);
  await tf.ready();
}

function tfModel(w: string): tf.Sequential {
  const m = tf.sequential();
  if (w === 'W2') {
    m.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }));
    m.add(tf.layers.dense({ units: 32, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  } else if (w === 'W3') {
    m.add(
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    m.add(tf.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
    m.add(tf.layers.dense({ units: 256, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  }
  return m;
}

export async function tfjsTrain(backend: 'cpu' | 'wasm', s: Spec): Promise<Result> {
  const engine = `tfjs ${backend}`;
  try {
    await useTfjs(backend);
    const m = tfModel(s.name);
    m.compile({ optimizer: tf.train.adam(1e-3), loss: s.loss });
    const x = tf.tensor(inputs(s.batch * s.inShape.reduce((a, b) => a * b, 1), 5), [
      s.batch,
      ...s.inShape,
    ]);
    const y =
      s.classes === 1
        ? tf.tensor(
            Float32Array.from({ length: s.batch }, (_, i) => i % 2),
            [s.batch, 1],
          )
        : tf.tensor(labelsOneHot(s.batch, s.classes), [s.batch, s.classes]);
    const ms: number[] = [];
    const steps = Math.max(2, Math.floor(s.steps / 4));
    for (let i = 0; i < steps + 1; i++) {
      const t0 = performance.now();
      await m.trainOnBatch(x, y);
      if (i > 0) ms.push(performance.now() - t0);
    }
    return { workload: s.name, engine, samplesPerSec: (1000 * s.batch) / median(ms) };
  } catch (e) {
    return {
      workload: s.name,
      engine,
      samplesPerSec: null,
      note: String((e as Error).message).slice(0, 80),
    };
  }
}

export async function tfjsInfer(backend: 'cpu' | 'wasm', runs: number): Promise<Result> {
  await useTfjs(backend);
  const m = tfModel('W1');
  const x = tf.tensor(inputs(1024 * 784, 6), [1024, 784]);
  const ms: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const p = m.predict(x, { batchSize: 1024 }) as tf.Tensor;
    p.dataSync();
    p.dispose();
    if (i > 0) ms.push(performance.now() - t0);
  }
  return { workload: 'W4', engine: `tfjs ${backend}`, samplesPerSec: (1000 * 1024) / median(ms) };
}

export async function tfjsGemm(backend: 'cpu' | 'wasm', n: number): Promise<Result> {
  await useTfjs(backend);
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i > 0 || backend === 'cpu') ms.push(performance.now() - t0);
    if (backend === 'cpu') break;
  }
  return {
    workload: `GEMM ${n}^3`,
    engine: `tfjs ${backend}`,
    samplesPerSec: null,
    gflops: (2 * n ** 3) / median(ms) / 1e6,
  };
}

export const SPECS = (quick: boolean): Spec[] => [
  {
    name: 'W1',
    batch: 128,
    inShape: [784],
    classes: 10,
    loss: 'categoricalCrossentropy',
    steps: quick ? 5 : 30,
  },
  {
    name: 'W2',
    batch: 32,
    inShape: [64],
    classes: 1,
    loss: 'binaryCrossentropy',
    steps: quick ? 20 : 300,
  },
  {
    name: 'W3',
    batch: 64,
    inShape: [28, 28, 1],
    classes: 10,
    loss: 'categoricalCrossentropy',
    steps: quick ? 3 : 10,
  },
];

export const wasmAvailable = wasmBackend !== null;
export const wasmStats = (): ReturnType<NonNullable<typeof wasmBackend>['mem']['stats']> | null =>
  wasmBackend?.mem.stats() ?? null;
