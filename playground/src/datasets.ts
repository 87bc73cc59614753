/**
 * The panels' data, generated from a seed (or, for the digits, shipped with Lamina): rows of
 * features and integer class labels, split into training and held-out parts.
 */
import { loadDigits } from 'lamina-nn';
import type { DatasetName } from './config.js';

export interface Dataset {
  features: number;
  classes: number;
  xTrain: Float32Array;
  yTrain: Int32Array;
  xVal: Float32Array;
  yVal: Int32Array;
  /** Whether the features are 2-D points (a decision boundary can be drawn). */
  planar: boolean;
}

/** A small seeded generator (mulberry32): the same seed gives the same data everywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Shuffles rows with the seed and holds out a quarter. */
function split(
  x: Float32Array,
  y: Int32Array,
  features: number,
  seed: number,
): Omit<Dataset, 'classes' | 'planar'> {
  const n = y.length;
  const order = permutation(n, random(seed));
  const nVal = Math.floor(n / 4);
  const take = (rows: Uint32Array) => {
    const xs = new Float32Array(rows.length * features);
    const ys = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      xs.set(x.subarray(r * features, (r + 1) * features), i * features);
      ys[i] = y[r] as number;
    });
    return { xs, ys };
  };
  const val = take(order.subarray(0, nVal));
  const train = take(order.subarray(nVal));
  return { features, xTrain: train.xs, yTrain: train.ys, xVal: val.xs, yVal: val.ys };
}

export function permutation(n: number, rand: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

function planar(
  n: number,
  seed: number,
  point: (i: number, rand: () => number) => [number, number, number],
): Dataset {
  const rand = random(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = point(i, rand);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = label;
  }
  return { ...split(x, y, 2, seed + 1), classes: 2, planar: true };
}

/**
 * The seed's case: 400 inputs in [0, 1) summed through small positive weights give outputs near
 * 30; labels from a random linear rule, learnable once the units leave saturation.
 */
function largeActivations(seed: number, samples = 1024, features = 400): Dataset {
  const rand = random(seed);
  const x = new Float32Array(samples * features);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  const w = Float32Array.from({ length: features }, () => normal(rand));
  const y = new Int32Array(samples);
  for (let r = 0; r < samples; r++) {
    let s = 0;
    for (let c = 0; c < features; c++)
      s += ((x[r * features + c] as number) - 0.5) * (w[c] as number);
    y[r] = s > 0 ? 1 : 0;
  }
  return { ...split(x, y, features, seed + 1), classes: 2, planar: false };
}

export async function makeDataset(name: DatasetName, seed: number): Promise<Dataset> {
  switch (name) {
    case 'seed':
      return largeActivations(seed);
    case 'spirals':
      return planar(400, seed, (i, rand) => {
        const label = i % 2;
        const r = (i / 400) * 5 + 0.3;
        const t = 1.75 * (i / 400) * 2 * Math.PI + label * Math.PI;
        return [
          (r * Math.sin(t)) / 5 + normal(rand) * 0.03,
          (r * Math.cos(t)) / 5 + normal(rand) * 0.03,
          label,
        ];
      });
    case 'circles':
      return planar(400, seed, (i, rand) => {
        const label = i % 2;
        const r = label === 0 ? rand() * 0.45 : 0.6 + rand() * 0.35;
        const t = rand() * 2 * Math.PI;
        return [r * Math.cos(t), r * Math.sin(t), label];
      });
    case 'xor':
      return planar(400, seed, (_, rand) => {
        const a = rand() * 2 - 1;
        const b = rand() * 2 - 1;
        const pad = (v: number) => v + (v > 0 ? 0.05 : -0.05);
        return [pad(a), pad(b), a * b > 0 ? 1 : 0];
      });
    case 'digits': {
      const { x, y } = await loadDigits();
      return {
        ...split(x.dataSync() as Float32Array, y.dataSync() as Int32Array, 64, seed + 1),
        classes: 10,
        planar: false,
      };
    }
  }
}
