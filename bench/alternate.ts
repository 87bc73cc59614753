/**
 * Runs several engines on one workload in one process with their steps alternated, one step each
 * per round (the order rotated each round), so that every engine sees the same state of a shared,
 * noisy host. Each round gives a time ratio per engine pair; the report is the median ratio with
 * its quartiles and extremes, which holds still where absolute figures swing with other work.
 *
 * Each step is timed twice: wall clock, and the CPU time the process spent (user + system,
 * `process.cpuUsage`). With one thread per engine, CPU time leaves out the time the host gave to
 * other processes, which on a loaded machine is most of the swing: on this project's 2-core host
 * at a load average of 10, wall-clock GEMM ratios ranged 0.6-3.5x where CPU-time ratios stayed
 * within a few percent. CPU time also counts V8's compiler and GC threads, so both are reported.
 */
import { median, warmUp } from './workloads.js';

/** A step's times, for engines that time their own steps (another process: `torch.ts`). */
export interface StepTime {
  wallMs: number;
  cpuMs: number;
}

export interface Engine {
  name: string;
  step: () => Promise<StepTime | void> | StepTime | void;
}

/** The distribution of per-round ratios. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

export interface PairRatio {
  workload: string;
  /** "a / b": how many times faster engine a is than engine b (b's step time over a's). */
  pair: string;
  /** Ratios of wall-clock step times. */
  wall: Spread;
  /** Ratios of the CPU time of the steps. */
  cpu: Spread;
  rounds: number;
}

export interface EngineFigure {
  workload: string;
  engine: string;
  /** Units of work per second of the median step (wall clock): samples/s, or GFLOPS. */
  perSecond: number;
  /** The same per second of CPU time (the median step's). */
  perCpuSecond: number;
  unit: 'samples/s' | 'GFLOPS';
}

export function quantile(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

/**
 * Warms each engine up, then alternates their steps for `rounds` rounds (at least 5, then while
 * `budgetMs` lasts). `work` is what one step does, in `unit`s (samples, or GFLOP). Ratios are of
 * the first engine against each other one.
 */
export async function alternate(
  workload: string,
  engines: readonly Engine[],
  {
    rounds,
    budgetMs,
    work,
    unit,
  }: {
    rounds: number;
    budgetMs: number;
    work: number;
    unit: EngineFigure['unit'];
  },
): Promise<{ figures: EngineFigure[]; ratios: PairRatio[] }> {
  for (const e of engines) await warmUp(e.step);
  const wall: number[][] = engines.map(() => []);
  const cpu: number[][] = engines.map(() => []);
  const start = performance.now();
  for (let r = 0; r < rounds && (r < 5 || performance.now() - start < budgetMs); r++) {
    for (let k = 0; k < engines.length; k++) {
      const i = (r + k) % engines.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const own = await (engines[i] as Engine).step();
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      (wall[i] as number[]).push(own ? own.wallMs : t);
      (cpu[i] as number[]).push(own ? own.cpuMs : (c.user + c.system) / 1000);
      await new Promise((res) => setImmediate(res));
    }
  }
  const figures = engines.map((e, i) => ({
    workload,
    engine: e.name,
    perSecond: (1000 * work) / median(wall[i] as number[]),
    perCpuSecond: (1000 * work) / median(cpu[i] as number[]),
    unit,
  }));
  const spread = (times: number[][], j: number): Spread => {
    const mine = times[0] as number[];
    const theirs = times[j] as number[];
    const per = mine.map((t, r) => (theirs[r] as number) / t).sort((x, y) => x - y);
    return {
      median: quantile(per, 0.5),
      q1: quantile(per, 0.25),
      q3: quantile(per, 0.75),
      min: per[0] as number,
      max: per[per.length - 1] as number,
    };
  };
  const ratios = engines.slice(1).map((other, j) => ({
    workload,
    pair: `${(engines[0] as Engine).name} / ${other.name}`,
    wall: spread(wall, j + 1),
    cpu: spread(cpu, j + 1),
    rounds: (wall[0] as number[]).length,
  }));
  return { figures, ratios };
}

export function spreadText(s: Spread): string {
  return `${s.median.toFixed(2)}x (quartiles ${s.q1.toFixed(2)}-${s.q3.toFixed(2)}x, range ${s.min.toFixed(2)}-${s.max.toFixed(2)}x)`;
}

export function ratioLine(q: PairRatio): string {
  return `${q.pair}: CPU time ${spreadText(q.cpu)}; wall ${spreadText(q.wall)}; ${q.rounds} rounds`;
}
