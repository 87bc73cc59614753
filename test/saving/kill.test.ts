/**
 * A real crash: a child process saving a 20M-parameter model over and over is killed with
 * SIGKILL in the middle of a save; the checkpoint on disk still loads, whole and consistent
 * (every kernel value equal: one save's weights, never a mix).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadModel } from '../../src/saving/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runUntil(saveIndex: number, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const script = new URL('./fixtures/save-loop.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', script, join(dir, 'ckpt')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`saving ${saveIndex}\n`)) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve(out)
        : reject(new Error(`child exited without being killed: ${out}`)),
    );
  });
}

test(
  'SIGKILL in the middle of saving leaves a loadable checkpoint',
  { timeout: 120_000 },
  async () => {
    for (const delay of [40, 250]) {
      const out = await runUntil(2, delay);
      assert.ok(out.includes('saved 1'), 'at least one save completed before the kill');
      const m = await loadModel(join(dir, 'ckpt'));
      const kernel = m.weights[0]?.dataSync() as Float32Array;
      assert.equal(kernel.length, 20_000_000);
      const first = kernel[0] as number;
      assert.ok(first >= 2, `a completed save's weights (kernel ${first})`);
      for (let i = 0; i < kernel.length; i += 99_991) assert.equal(kernel[i], first);
    }
  },
);
