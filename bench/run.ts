/**
 * `npm run bench` (`-- --quick` for a short pass): the issue-5 workloads for Lamina (js and wasm
 * backends, single thread) against TensorFlow.js 4.22 (`cpu` and `wasm` backends) on the same
 * seeded synthetic data, in one run; PyTorch when `python3 -c 'import torch'` works (skipped with a
 * note otherwise). Prints samples/s (GFLOPS for GEMM) with Lamina/peer ratios and peak RSS per
 * Lamina workload, and saves JSON + Markdown under bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as lm from '../src/index.js';
import { table } from './util.js';
import {
  laminaGemm,
  laminaInfer,
  laminaTrain,
  SPECS,
  tfjsGemm,
  tfjsInfer,
  tfjsTrain,
  wasmAvailable,
  wasmStats,
  type Result,
} from './workloads.js';

const quick = process.argv.includes('--quick');

function torchAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const ours: ('js' | 'wasm')[] = wasmAvailable ? ['wasm', 'js'] : ['js'];
  const log = (r: Result): void => {
    results.push(r);
    const v = r.gflops !== undefined ? `${r.gflops.toFixed(1)} GFLOPS` : fmt(r.samplesPerSec);
    const rss = r.peakRssMiB !== undefined ? `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB` : '';
    console.log(
      `  ${r.workload.padEnd(8)} ${r.engine.padEnd(12)} ${v}${rss}${r.note ? `  (${r.note})` : ''}`,
    );
  };
  console.log(
    `Lamina benchmark (node ${process.version}, ${quick ? 'quick, ' : ''}single thread; samples/s, median step)\n`,
  );
  const n = quick ? 512 : 1024;
  for (const b of ours) log(laminaGemm(b, n));
  for (const b of ['wasm', 'cpu'] as const) log(await tfjsGemm(b, n));
  for (const s of SPECS(quick)) {
    for (const b of ours) {
      if (b === 'js' && s.name === 'W3' && quick) continue;
      log(await laminaTrain(b, s));
      if (s.name === 'W1') log(await laminaTrain(b, s, true));
    }
    for (const b of ['wasm', 'cpu'] as const) {
      if (b === 'cpu' && s.name === 'W3' && quick) continue;
      log(await tfjsTrain(b, s));
    }
  }
  for (const b of ours) log(await laminaInfer(b, quick ? 3 : 10));
  for (const b of ['wasm', 'cpu'] as const) log(await tfjsInfer(b, quick ? 2 : 5));
  const torchNote = torchAvailable()
    ? 'PyTorch found but its runner is not written yet'
    : "PyTorch skipped: python3 -c 'import torch' fails on this machine";
  console.log(`\n${torchNote}`);
  console.log('wasm backend memory:', JSON.stringify(wasmStats()));

  // Summary: each Lamina engine against each peer.
  const workloads = [...new Set(results.map((r) => r.workload))];
  const engines = [...new Set(results.map((r) => r.engine))];
  const value = (w: string, e: string): number | null => {
    const r = results.find((x) => x.workload === w && x.engine === e);
    return r?.gflops ?? r?.samplesPerSec ?? null;
  };
  const peers = engines.filter((e) => !e.startsWith('lamina'));
  const head = ['workload', ...engines, ...peers.map((p) => `wasm/${p}`), 'peak RSS (wasm)'];
  const rows = workloads.map((w) => {
    const mine = value(w, 'lamina wasm');
    const rss = results.find((x) => x.workload === w && x.engine === 'lamina wasm')?.peakRssMiB;
    return [
      w,
      ...engines.map((e) => fmt(value(w, e))),
      ...peers.map((p) => {
        const v = value(w, p);
        return mine !== null && v !== null ? `${(mine / v).toFixed(2)}x` : '-';
      }),
      rss !== undefined ? `${rss.toFixed(0)} MiB` : '-',
    ];
  });
  console.log('\n' + table([head, ...rows]));

  mkdirSync('bench/results', { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = { node: process.version, quick, date: new Date().toISOString(), torch: torchNote };
  writeFileSync(`bench/results/bench-${stamp}.json`, JSON.stringify({ meta, results }, null, 2));
  const md = [
    `# Lamina benchmark ${meta.date}${quick ? ' (quick)' : ''}`,
    '',
    `Node ${process.version}, single thread. Samples/s (median step); GEMM rows in GFLOPS. ${torchNote}.`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync(`bench/results/bench-${stamp}.md`, md);
  console.log(`\nsaved bench/results/bench-${stamp}.{json,md}`);
  void lm;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

await main();
