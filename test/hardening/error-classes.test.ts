/**
 * Every error Lamina throws on purpose is a LaminaError with a code (issue 13, defect 12). The
 * scan below fails on a new `new TypeError(` / `new RangeError(` / `new Error(` in src/, so a
 * throw site added later cannot quietly bring the built-in classes back.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as lm from '../../src/index.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// The built-in error classes a throw site must not construct, and the one file that may name
// them: src/errors.ts defines LaminaTypeError and LaminaRangeError on top of them.
const BUILT_IN = /\bnew (Error|TypeError|RangeError|SyntaxError|ReferenceError)\(/;
const BUILT_IN_SUBCLASS = /\bclass \w+ extends (Error|TypeError|RangeError)\b/;
const ALLOWED_FILES = new Set(['errors.ts']);
// The CLI's UsageError never leaves the CLI: it is caught and printed as the usage text.
const ALLOWED_SUBCLASSES = new Set(['cli/lamina.ts: class UsageError extends Error']);

test('src/ constructs no built-in error class: every throw site is a LaminaError', () => {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const name = relative(SRC, file).split('\\').join('/');
    if (ALLOWED_FILES.has(name)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (BUILT_IN.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
        const subclass = BUILT_IN_SUBCLASS.exec(line);
        if (subclass !== null && !ALLOWED_SUBCLASSES.has(`${name}: ${subclass[0]}`))
          found.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(
    found,
    [],
    `use LaminaError, LaminaTypeError or LaminaRangeError:\n${found.join('\n')}`,
  );
});

test('the scan sees the files it should (it is not vacuous)', () => {
  const files = sourceFiles(SRC).map((f) => relative(SRC, f).split('\\').join('/'));
  assert.ok(files.includes('layers/core/dense.ts'));
  assert.ok(files.length > 150, `only ${files.length} files under src/`);
  assert.ok(BUILT_IN.test("    throw new RangeError('x');"));
  assert.ok(BUILT_IN.test('return new Error(`y`)'));
  assert.ok(!BUILT_IN.test("throw new LaminaRangeError('invalid-argument', 'x');"));
});

test('LaminaTypeError and LaminaRangeError are LaminaErrors and keep their built-in class', () => {
  const type = new lm.LaminaTypeError('invalid-argument', 'dense: units must be a number');
  const range = new lm.LaminaRangeError('invalid-argument', 'dense: units must be positive');
  const plain = new lm.LaminaError('invalid-state', 'fit: already running');
  assert.ok(type instanceof lm.LaminaError && type instanceof TypeError && type instanceof Error);
  assert.ok(range instanceof lm.LaminaError && range instanceof RangeError);
  assert.ok(!(type instanceof RangeError) && !(range instanceof TypeError));
  assert.ok(!(plain instanceof TypeError) && !(plain instanceof RangeError));
  assert.ok(!(new TypeError('x') instanceof lm.LaminaError));
  assert.ok(!((null as unknown) instanceof lm.LaminaError));
  assert.ok(!(('LaminaError' as unknown) instanceof lm.LaminaError));
  assert.deepEqual(
    [type.name, type.code, String(range), plain.name],
    [
      'LaminaTypeError',
      'invalid-argument',
      'LaminaRangeError: dense: units must be positive',
      'LaminaError',
    ],
  );
  // A user's subclass of LaminaError keeps ordinary instanceof semantics.
  class ShapeProblem extends lm.LaminaError {}
  assert.ok(new ShapeProblem('weight-shape', 's') instanceof ShapeProblem);
  assert.ok(!(plain instanceof ShapeProblem) && !(type instanceof ShapeProblem));
});

test('API misuse from ops, layers and training is a LaminaError with a code', async () => {
  const codeOf = async (fn: () => unknown): Promise<string> => {
    try {
      await fn();
    } catch (e) {
      assert.ok(e instanceof lm.LaminaError, `not a LaminaError: ${String(e)}`);
      return `${e.name} ${e.code}`;
    }
    return 'no error';
  };
  const m = lm.sequential({ layers: [lm.layers.dense({ units: 1, inputShape: [2] })] });
  assert.deepEqual(
    [
      await codeOf(() => lm.matMul(lm.zeros([2, 3]), lm.zeros([2, 3]))),
      await codeOf(() => lm.tensor([1, 2], [3])),
      await codeOf(() => lm.layers.dense({ units: -1 })),
      await codeOf(() => m.fit(lm.zeros([4, 2]), lm.zeros([4, 1]))),
      await codeOf(() => lm.setBackend('no-such-backend')),
    ],
    [
      'LaminaRangeError invalid-argument',
      'LaminaRangeError invalid-argument',
      'LaminaRangeError invalid-argument',
      'LaminaError invalid-state',
      'LaminaError invalid-argument',
    ],
  );
});
