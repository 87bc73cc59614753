/**
 * The issue-5 workloads (W1-W4, GEMM 1024^3) for Lamina (js and wasm backends), on seeded
 * synthetic data shared with the peers (`peers.ts`). Lamina runs through the model API
 * (layers.dense, sequential, compile, trainOnBatch / predict); each training step is followed by a
 * macrotask turn (`setImmediate`), as `fit` does (the wasm backend needs none: its memory stays
 * bounded in synchronous loops too; `bench/w1.ts sync` measures one). This module
 * does not load TensorFlow.js, so that a child process running one Lamina workload measures
 * Lamina's own resident memory.
 */
import * as lm from '../src/index.js';
import { wasmBackend } from '../src/backend/wasm/instance.js';
import { setThreads } from '../src/backend/wasm/index.js';

export interface Result {
  workload: string;
  engine: string;
  samplesPerSec: number | null;
  gflops?: number;
  peakRssMiB?: number;
  /** Resident memory at the end of each epoch (a fixed number of steps). */
  rssPerEpochMiB?: number[];
  threads?: number;
  note?: string;
  /** Interleaved A/B runs: samples/s of the baseline and how much slower the workload is. */
  baselineSamplesPerSec?: number;
  slowerPercent?: number;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export function labelsOneHot(batch: number, classes: number): Float32Array {
  const y = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) y[i * classes + ((i * 7) % classes)] = 1;
  return y;
}

export function inputs(n: number, seed: number): Float32Array {
  return lm.randomNormal([n], 0, 1, seed).dataSync() as Float32Array;
}

export interface Spec {
  name: string;
  batch: number;
  inShape: number[];
  classes: number;
  loss: 'categoricalCrossentropy' | 'binaryCrossentropy';
  /** Steps per epoch. */
  steps: number;
  epochs: number;
}

/**
 * Warm-up before timing, the same for every JavaScript engine (and `torch_workloads.py`): at least
 * 2 steps and at least this long, so that V8 has optimized the step's code (W2's 0.2 ms steps
 * need a few hundred steps; 2 warm-up steps left its median in baseline code, 40% slower).
 */
export const WARMUP_MS = 1000;

/** Runs `step` (and a macrotask turn) at least twice and for at least `ms`. */
export async function warmUp(step: () => unknown, ms = WARMUP_MS): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < ms; i++) {
    await step();
    await turn();
  }
}

/**
 * Runs `epochs` epochs of `stepsPerEpoch` steps (after `warmUp`), each step followed by a
 * macrotask turn; stops early after `budgetMs`. Returns samples/s of the median step and the
 * resident memory at the end of each epoch.
 */
async function timeSteps(
  step: () => void,
  epochs: number,
  stepsPerEpoch: number,
  batch: number,
  budgetMs = 30_000,
): Promise<{ sps: number; perEpoch: number[] }> {
  await warmUp(step);
  const ms: number[] = [];
  const perEpoch: number[] = [];
  const start = performance.now();
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < stepsPerEpoch; i++) {
      const t0 = performance.now();
      step();
      ms.push(performance.now() - t0);
      await turn();
      if (ms.length >= 3 && performance.now() - start > budgetMs) break;
    }
    perEpoch.push(rssMiB());
    if (performance.now() - start > budgetMs) break;
  }
  return { sps: (1000 * batch) / median(ms), perEpoch };
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

/** One training step of `s` on the current backend (model, data and optimizer set up once). */
export function laminaStep(s: Spec, regularized = false): () => void {
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
  return () => void m.trainOnBatch(x, y);
}

export async function laminaTrain(
  backend: 'js' | 'wasm',
  s: Spec,
  regularized = false,
): Promise<Result> {
  lm.setBackend(backend);
  const step = laminaStep(s, regularized);
  const { sps, perEpoch } = await timeSteps(step, s.epochs, s.steps, s.batch);
  return {
    workload: s.name + (regularized ? '+reg' : ''),
    engine: `lamina ${backend}`,
    samplesPerSec: sps,
    rssPerEpochMiB: perEpoch,
  };
}

/**
 * The inference workloads: W4, W1's model (dense) on a batch of 1024; W7, W3's model (two
 * convolutions and poolings, then dense) on a batch of 256 images.
 */
export const INFER_SPECS: Record<
  'W4' | 'W7',
  { model: string; batch: number; inShape: readonly number[] }
> = {
  W4: { model: 'W1', batch: 1024, inShape: [784] },
  W7: { model: 'W3', batch: 256, inShape: [28, 28, 1] },
};

/** One inference step of `w` (see INFER_SPECS) on the current backend, read back. */
export function laminaInferStep(w: 'W4' | 'W7' = 'W4'): () => void {
  const { model, batch, inShape } = INFER_SPECS[w];
  lm.setSeed(1);
  const m = laminaModel(model, false);
  const x = lm.tensor(inputs(batch * inShape.reduce((a, b) => a * b, 1), 6), [batch, ...inShape]);
  return () => void (m.predict(x, { batchSize: batch }) as lm.Tensor).dataSync();
}

/** One n x n x n product on the current backend, read back (inputs made once). */
export function laminaGemmStep(n: number): () => void {
  const a = lm.randomNormal([n, n], 0, 1, 1);
  const b = lm.randomNormal([n, n], 0, 1, 2);
  return () => void lm.matMul(a, b).dataSync();
}

/**
 * W1+reg against W1 in one process, steps alternated (each followed by a macrotask turn), so both
 * see the same machine state: the ratio the "<= 10% slower" bar is about, without the
 * process-to-process noise of two separate runs on a shared machine. Medians of each.
 */
export async function laminaRegOverhead(backend: 'js' | 'wasm', pairs: number): Promise<Result> {
  lm.setBackend(backend);
  const spec = SPECS(false).find((s) => s.name === 'W1') as Spec;
  const plain = laminaStep(spec, false);
  const reg = laminaStep(spec, true);
  await warmUp(plain);
  await warmUp(reg);
  const a: number[] = [];
  const b: number[] = [];
  const start = performance.now();
  for (let i = 0; i < pairs && performance.now() - start < 30_000; i++) {
    for (const [step, ms] of [
      [plain, a],
      [reg, b],
    ] as const) {
      const t0 = performance.now();
      step();
      ms.push(performance.now() - t0);
      await turn();
    }
  }
  const base = (1000 * spec.batch) / median(a);
  const sps = (1000 * spec.batch) / median(b);
  return {
    workload: 'W1+reg vs W1',
    engine: `lamina ${backend}`,
    samplesPerSec: sps,
    baselineSamplesPerSec: base,
    slowerPercent: 100 * (base / sps - 1),
  };
}

export async function laminaInfer(
  backend: 'js' | 'wasm',
  runs: number,
  w: 'W4' | 'W7' = 'W4',
): Promise<Result> {
  lm.setBackend(backend);
  const { sps, perEpoch } = await timeSteps(laminaInferStep(w), 1, runs, INFER_SPECS[w].batch);
  return {
    workload: w,
    engine: `lamina ${backend}`,
    samplesPerSec: sps,
    rssPerEpochMiB: perEpoch,
  };
}

export function laminaGemm(backend: 'js' | 'wasm', n: number): Result {
  lm.setBackend(backend);
  const step = laminaGemmStep(n);
  const ms: number[] = [];
  step();
  for (let i = 0; i < (backend === 'js' ? 2 : 7); i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
  }
  const gflops = (2 * n ** 3) / median(ms) / 1e6;
  return { workload: `GEMM ${n}^3`, engine: `lamina ${backend}`, samplesPerSec: null, gflops };
}

export const SPECS = (quick: boolean): Spec[] => [
  {
    name: 'W1',
    batch: 128,
    inShape: [784],
    classes: 10,
    loss: 'categoricalCrossentropy',
    steps: quick ? 5 : 60,
    epochs: quick ? 2 : 5,
  },
  {
    name: 'W2',
    batch: 32,
    inShape: [64],
    classes: 1,
    loss: 'binaryCrossentropy',
    steps: quick ? 20 : 100,
    epochs: quick ? 2 : 5,
  },
  {
    name: 'W3',
    batch: 64,
    inShape: [28, 28, 1],
    classes: 10,
    loss: 'categoricalCrossentropy',
    steps: quick ? 3 : 5,
    epochs: quick ? 1 : 4,
  },
];

export { setThreads };
export const wasmAvailable = wasmBackend !== null;

/**
 * Node's version and which build of the wasm kernels runs (relaxed SIMD, with fused multiply-adds,
 * or plain; docs/backend.md), for the header of every report: the two change the figures.
 */
export function runtimeNote(): string {
  return `node ${process.version}, wasm kernels ${lm.getKernelVariant() ?? 'unavailable'}`;
}
export const wasmStats = (): ReturnType<NonNullable<typeof wasmBackend>['mem']['stats']> | null =>
  wasmBackend?.mem.stats() ?? null;
