/** Timing helpers for benchmarks (never used by tests: timings on a shared machine are noisy). */

export interface Timing {
  medianMs: number;
  runs: number;
}

/** Runs `f` after `warmup` calls, `runs` times or until `budgetMs` is spent; reports the median. */
export function time(f: () => void, { warmup = 1, runs = 5, budgetMs = 10_000 } = {}): Timing {
  for (let i = 0; i < warmup; i++) f();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs && (samples.length === 0 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] as number, runs: samples.length };
}

export async function timeAsync(
  f: () => Promise<void>,
  { warmup = 1, runs = 5, budgetMs = 10_000 } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await f();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs && (samples.length === 0 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] as number, runs: samples.length };
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}
