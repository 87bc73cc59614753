/**
 * Which build of the wasm kernels the backend loads without help: relaxed SIMD where the runtime
 * validates it (Node 21+), else plain (Node 20 without `--experimental-wasm-relaxed-simd`, as in
 * CI), and `setKernelVariant('relaxed')` refused, naming what is missing, where it cannot run.
 * The relaxed build itself is tested in ./wasm-relaxed.test.ts, which sets the flag.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getKernelVariant, setKernelVariant } from '../../src/index.js';
import { relaxedSimdSupported } from '../../src/backend/wasm/module.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { LaminaError } from '../../src/errors.js';

const skip = wasmBackend === null ? 'no WebAssembly SIMD here' : false;
const nodeMajor = Number(process.versions.node.split('.')[0]);

test('the backend loads the relaxed build exactly where the runtime validates it', { skip }, () => {
  assert.equal(relaxedSimdSupported(), nodeMajor >= 21, `node ${process.version}`);
  assert.equal(getKernelVariant(), relaxedSimdSupported() ? 'relaxed' : 'plain');
});

test(
  "without relaxed SIMD, setKernelVariant('relaxed') is refused and the plain build stays",
  {
    skip: skip || (relaxedSimdSupported() ? 'this runtime has relaxed SIMD' : false),
  },
  async () => {
    await setKernelVariant('plain');
    await assert.rejects(
      () => setKernelVariant('relaxed'),
      (e: unknown) =>
        e instanceof LaminaError &&
        e.code === 'unsupported' &&
        /setKernelVariant: expected a runtime with WebAssembly relaxed SIMD/.test(e.message) &&
        /--experimental-wasm-relaxed-simd/.test(e.message),
    );
    assert.equal(getKernelVariant(), 'plain');
  },
);
