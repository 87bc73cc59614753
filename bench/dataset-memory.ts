/**
 * `npm run bench:dataset`: trains on a CSV far larger than what a pipeline holds, through
 * `data.csv(...).map(...).batch(...)` and `fitDataset`, and reports resident memory as it goes.
 * The CSV is generated in a temporary folder (deleted afterwards) with a seeded linear target.
 *
 *   npm run bench:dataset                  # about 200 MB
 *   npm run bench:dataset -- --mb 1024     # about 1 GB
 *   options: --mb N (file size, MiB), --batch N (default 512), --features N (default 16),
 *            --keep (leave the CSV in place)
 *
 * Memory must stay flat: RSS after the first tenth of the file is compared with the end.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lm from '../src/index.js';
import { Random } from '../src/tensor/rng.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`--${name} must be a positive number, received ${process.argv[i + 1]}`);
  return value;
}

const targetMiB = option('mb', 200);
const batchSize = option('batch', 512);
const features = option('features', 16);
const keep = process.argv.includes('--keep');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Writes rows until the file reaches the target size; returns the number of rows. */
async function writeCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  const random = new Random(1);
  const weights = Array.from({ length: features }, () => random.uniform() * 2 - 1);
  const header = [...Array.from({ length: features }, (_, i) => `f${i}`), 'target'].join(',');
  let bytes = 0;
  let rows = 0;
  const write = async (text: string): Promise<void> => {
    bytes += text.length;
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${header}\n`);
  while (bytes < targetMiB * 2 ** 20) {
    let chunk = '';
    for (let r = 0; r < 1000; r++, rows++) {
      let y = 0.1 * (random.uniform() - 0.5);
      const cells: string[] = [];
      for (let f = 0; f < features; f++) {
        const v = random.uniform() * 2 - 1;
        y += (weights[f] as number) * v;
        cells.push(v.toFixed(5));
      }
      cells.push(y.toFixed(5));
      chunk += `${cells.join(',')}\n`;
    }
    await write(chunk);
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'lamina-dataset-bench-'));
const path = join(dir, 'train.csv');
try {
  let t0 = performance.now();
  const rows = await writeCsv(path);
  const fileBytes = statSync(path).size;
  console.log(
    `wrote ${rows.toLocaleString('en-US')} rows, ${mib(fileBytes)} MiB, in ${((performance.now() - t0) / 1000).toFixed(1)} s (${path})`,
  );

  const dataset = lm.data
    .csv(path, { columnConfigs: { target: { isLabel: true } } })
    .map(({ xs, ys }) => ({ xs: Object.values(xs) as number[], ys: [ys.target as number] }))
    .batch(batchSize);
  const model = lm.sequential({
    layers: [
      new lm.Dense({ units: 32, inputShape: [features], activation: 'relu' }),
      new lm.Dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'mse' });

  const totalBatches = Math.ceil(rows / batchSize);
  const samples: { batch: number; rss: number; heap: number; seconds: number; loss: number }[] = [];
  const sample = (batch: number, loss: number): void => {
    const m = process.memoryUsage();
    samples.push({
      batch,
      rss: m.rss,
      heap: m.heapUsed,
      seconds: (performance.now() - t0) / 1000,
      loss,
    });
    const s = samples[samples.length - 1]!;
    console.log(
      `batch ${String(batch).padStart(7)} / ${totalBatches}  rows ${String(Math.min(batch * batchSize, rows)).padStart(9)}  ` +
        `loss ${loss.toExponential(3)}  rss ${mib(s.rss).padStart(7)} MiB  heap ${mib(s.heap).padStart(6)} MiB  ${s.seconds.toFixed(1)} s`,
    );
  };
  const every = Math.max(1, Math.floor(totalBatches / 20));
  t0 = performance.now();
  sample(0, NaN);
  const history = await model.fitDataset(dataset, {
    epochs: 1,
    verbose: 0,
    callbacks: [
      {
        onBatchEnd: (batch: number, logs?: lm.Logs) => {
          if ((batch + 1) % every === 0) sample(batch + 1, logs?.loss ?? NaN);
        },
      },
    ],
  });
  const seconds = (performance.now() - t0) / 1000;
  sample(totalBatches, history.history.loss?.[0] ?? NaN);
  const warm = samples.find((s) => s.batch >= totalBatches / 10) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const peak = Math.max(...samples.map((s) => s.rss));
  console.log(
    `\n${mib(fileBytes)} MiB CSV, ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s ` +
      `(${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, ${(fileBytes / 2 ** 20 / seconds).toFixed(1)} MiB/s); ` +
      `epoch loss ${(history.history.loss?.[0] ?? NaN).toExponential(3)}\n` +
      `RSS: start ${mib(samples[0]!.rss)} MiB, after 10% ${mib(warm.rss)} MiB, end ${mib(last.rss)} MiB, peak ${mib(peak)} MiB; ` +
      `growth from 10% to the end ${mib(last.rss - warm.rss)} MiB`,
  );
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
