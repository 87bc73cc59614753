/**
 * The datasets shipped in `data/` (scikit-learn's copies of UCI digits and iris; BSD-3, see
 * data/README.md): read from the package's files in Node, embedded in browser bundles.
 */
import { parseNumericCsv } from '../io/csv.js';
import { tensor } from '../ops/convert.js';
import { readPackageData } from '../platform/node.js';
import type { Tensor } from '../tensor/tensor.js';

export interface LabeledData {
  /** Features, float32 [samples, features]. */
  x: Tensor;
  /** Class indices, int32 [samples]. */
  y: Tensor;
  classes: string[];
  featureNames: string[];
}

function split(
  values: Float64Array,
  rows: number,
  columns: number,
  scale = 1,
): { x: Float32Array; y: Int32Array } {
  const features = columns - 1;
  const x = new Float32Array(rows * features);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < features; c++)
      x[r * features + c] = (values[r * columns + c] as number) / scale;
    y[r] = values[r * columns + features] as number;
  }
  return { x, y };
}

/**
 * 1797 handwritten digits as 8x8 images of pixel counts 0..16, scaled to [0, 1] (x / 16), and
 * their digits 0..9.
 */
export async function loadDigits(): Promise<LabeledData> {
  const table = parseNumericCsv(await readPackageData('digits.csv.gz'), {
    source: 'data/digits.csv.gz',
    header: false,
  });
  const { x, y } = split(table.values, table.rows, table.columns.length, 16);
  return {
    x: tensor(x, [table.rows, 64]),
    y: tensor(y, [table.rows]),
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    featureNames: Array.from({ length: 64 }, (_, i) => `pixel_${Math.floor(i / 8)}_${i % 8}`),
  };
}

/** 150 iris flowers: 4 measurements (cm) and the species 0..2. */
export async function loadIris(): Promise<LabeledData> {
  const text = await readPackageData('iris.csv');
  const [head, ...rest] = text.split('\n');
  const classes = (head ?? '')
    .split(',')
    .slice(2)
    .map((s) => s.trim());
  const table = parseNumericCsv(rest.join('\n'), { source: 'data/iris.csv', header: false });
  const { x, y } = split(table.values, table.rows, table.columns.length);
  return {
    x: tensor(x, [table.rows, 4]),
    y: tensor(y, [table.rows]),
    classes,
    featureNames: [
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ],
  };
}
