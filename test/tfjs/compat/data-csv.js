// The data-csv example's shape: tf.data.csv over a file with a label column (columnConfigs
// isLabel), each row mapped to flat arrays, batched, and trained with fitDataset.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lcg } from './data.js';

export async function run(tf) {
  const dir = mkdtempSync(join(tmpdir(), 'compat-csv-'));
  try {
    const rand = lcg(12);
    const lines = ['crim,rooms,age,price'];
    for (let i = 0; i < 64; i++) {
      const [a, b, c] = [rand() * 10, 4 + rand() * 4, rand() * 100];
      lines.push(
        `${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(1)},${(3 * b - 0.2 * a - 0.01 * c).toFixed(3)}`,
      );
    }
    const path = join(dir, 'housing.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const csv = tf.data.csv(pathToFileURL(path).href, {
      columnConfigs: { price: { isLabel: true } },
    });
    const columns = await csv.columnNames();
    const flat = csv
      .map(({ xs, ys }) => ({ xs: Object.values(xs), ys: Object.values(ys) }))
      .batch(16);
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, inputShape: [3], kernelInitializer: 'zeros' }));
    model.compile({ optimizer: tf.train.sgd(0.0001), loss: 'meanSquaredError' });
    const history = await model.fitDataset(flat, { epochs: 4 });
    return { losses: history.history.loss, columns: columns.join(',') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
