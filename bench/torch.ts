/**
 * PyTorch (one thread) as an engine of the alternated rounds (`alternate.ts`): a step server
 * (`torch_workloads.py --serve`) in a child process, asked for one step at a time. PyTorch times
 * its own steps (wall clock and the CPU time of its process), so the pipe's latency is not
 * counted. The interpreter is LAMINA_PYTHON, or python3.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Engine, StepTime } from './alternate.js';

export const python = process.env.LAMINA_PYTHON ?? 'python3';

export const ONE_THREAD = {
  OMP_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
};

/** Why PyTorch cannot run here, or null when `import torch` works. */
export function torchMissing(): string | null {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    return null;
  } catch {
    return `PyTorch skipped: ${python} -c 'import torch' fails (LAMINA_PYTHON may name another interpreter)`;
  }
}

export class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor() {
    this.child = spawn(python, ['bench/torch_workloads.py', '--serve'], {
      env: { ...process.env, ...ONE_THREAD },
    });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    createInterface({ input: this.child.stdout }).on('line', (line) =>
      this.waiting.shift()?.(line),
    );
  }

  /** One step of `workload` (W1-W4, W7, GEMM<n>), timed by PyTorch. */
  step(workload: string): Promise<StepTime> {
    return new Promise((resolve, reject) => {
      this.child.once('exit', (code) =>
        reject(new Error(`bench: the PyTorch step server exited (code ${code})`)),
      );
      this.waiting.push((line) => {
        this.child.removeAllListeners('exit');
        const t = JSON.parse(line) as { wall: number; cpu: number };
        resolve({ wallMs: t.wall, cpuMs: t.cpu });
      });
      this.child.stdin.write(`${workload}\n`);
    });
  }

  engine(workload: string, version: string): Engine {
    return { name: `pytorch ${version}`, step: () => this.step(workload) };
  }

  close(): void {
    this.child.stdin.end();
  }
}
