/**
 * TensorFlow.js 4.22 (`cpu` and `wasm` backends) on the issue-5 workloads, on the same seeded
 * synthetic data as Lamina's (`workloads.ts`).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  INFER_SPECS,
  inputs,
  labelsOneHot,
  median,
  warmUp,
  type Result,
  type Spec,
} from './workloads.js';

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

/** One TensorFlow.js training step of `s` on the current backend (set up once). */
export function tfjsTrainStep(s: Spec): () => Promise<void> {
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
  return async () => void (await m.trainOnBatch(x, y));
}

export async function tfjsTrain(backend: 'cpu' | 'wasm', s: Spec): Promise<Result> {
  const engine = `tfjs ${backend}`;
  try {
    await useTfjs(backend);
    const step = tfjsTrainStep(s);
    const ms: number[] = [];
    const steps = Math.max(2, Math.floor(s.steps / 4));
    await warmUp(step);
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await step();
      ms.push(performance.now() - t0);
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

/** One inference step of `w`'s model (W4: W1's, W7: W3's; see INFER_SPECS) on a batch. */
export function tfjsInferStep(w: 'W4' | 'W7'): () => void {
  const { model, batch, inShape } = INFER_SPECS[w];
  const m = tfModel(model);
  const x = tf.tensor(inputs(batch * inShape.reduce((a, b) => a * b, 1), 6), [batch, ...inShape]);
  return () => {
    const p = m.predict(x, { batchSize: batch }) as tf.Tensor;
    p.dataSync();
    p.dispose();
  };
}

export async function tfjsInfer(
  backend: 'cpu' | 'wasm',
  runs: number,
  w: 'W4' | 'W7' = 'W4',
): Promise<Result> {
  await useTfjs(backend);
  const infer = tfjsInferStep(w);
  await warmUp(infer);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    infer();
    ms.push(performance.now() - t0);
  }
  const batch = INFER_SPECS[w].batch;
  return { workload: w, engine: `tfjs ${backend}`, samplesPerSec: (1000 * batch) / median(ms) };
}

/** One n x n x n product on the current backend, read back (inputs made once). */
export function tfjsGemmStep(n: number): () => void {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
}

export async function tfjsGemm(backend: 'cpu' | 'wasm', n: number): Promise<Result> {
  await useTfjs(backend);
  const step = tfjsGemmStep(n);
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    step();
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
