/**
 * The `@example` blocks of the doc comments run: each block of the files below is run with every
 * name `lamina-nn` exports in scope (as after `import { ... } from 'lamina-nn'`), in a scratch
 * working directory, so an example that no longer matches the API fails here. A line
 * `expression; // [1, 2]` (or `// 3`) asserts the value (a tensor's, through `arraySync`), and
 * `expression; // shape [2, 8]` the shape.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as lamina from '../../src/index.js';

const FILES = [
  'src/layers/index.ts',
  'src/layers/conv/index.ts',
  'src/layers/pooling/index.ts',
  'src/layers/merge/index.ts',
  'src/layers/normalization/index.ts',
  'src/layers/recurrent/index.ts',
  'src/regularizers/index.ts',
  'src/models/model.ts',
  'src/models/sequential.ts',
  'src/saving/index.ts',
];

interface Example {
  where: string;
  code: string;
}

/** The fenced code after each `@example` tag, with the comment's leading ` * ` removed. */
function examples(file: string): Example[] {
  const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const found: Example[] = [];
  for (const match of source.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)) {
    const line = source.slice(0, match.index).split('\n').length;
    const code = (match[1] ?? '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
      .join('\n');
    found.push({ where: `${file}:${line}`, code });
  }
  return found;
}

/** Values within 1e-6 (examples print rounded numbers only where they are exact). */
function close(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, received ${String(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => close((actual as unknown[])[i], e, where));
  } else if (typeof expected === 'number') {
    assert.ok(
      typeof actual === 'number' && Math.abs(actual - expected) <= 1e-6,
      `${where}: expected ${expected}, received ${String(actual)}`,
    );
  } else assert.deepEqual(actual, expected, where);
}

/** What a checked line asserts: `check(value, expected, isShape, where)`. */
function check(value: unknown, expected: unknown, isShape: boolean, where: string): void {
  if (isShape) close((value as lamina.Tensor).shape, expected, where);
  else close(value instanceof lamina.Tensor ? value.arraySync() : value, expected, where);
}

const CHECKED = /^(?!const |let )(.+?);\s*\/\/ (shape )?(\[[-\d., [\]]*\]|-?[\d.]+)$/;

/** The example with each checked line turned into a call of `check`. */
function withChecks({ where, code }: Example): string {
  return code
    .split('\n')
    .map((line, i) => {
      const m = CHECKED.exec(line);
      if (m === null) return line;
      const at = JSON.stringify(`${where} (line ${i + 1} of the example)`);
      return `__check(${m[1]}, ${m[3]}, ${m[2] !== undefined}, ${at});`;
    })
    .join('\n');
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

const cwd = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'lamina-examples-'));
before(() => process.chdir(scratch));
after(() => {
  process.chdir(cwd);
  rmSync(scratch, { recursive: true, force: true });
});

const all = FILES.flatMap(examples);

test('the files hold examples', () => {
  assert.ok(all.length >= 60, `found ${all.length} examples`);
});

for (const example of all) {
  test(`example at ${example.where} runs`, async () => {
    lamina.resetLayerNames();
    const names = Object.keys(lamina);
    // In a block of its own, so that an example may declare a name lamina exports (`model`).
    const run = new AsyncFunction('__check', ...names, `{\n${withChecks(example)}\n}`);
    await run(check, ...names.map((name) => (lamina as Record<string, unknown>)[name]));
  });
}

test('a checked line that is wrong fails', async () => {
  const wrong = withChecks({ where: 'here', code: 'tensor([1, 2]); // [1, 3]' });
  const run = new AsyncFunction('__check', 'tensor', wrong);
  await assert.rejects(run(check, lamina.tensor), /here \(line 1 of the example\): expected 3/);
});
