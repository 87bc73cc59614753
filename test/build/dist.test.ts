/**
 * The published build: `tsc -p tsconfig.build.json` must emit JavaScript and declarations that a
 * plain `import()` loads, with no TypeScript tooling at run time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

test('the build emits dist/index.js and index.d.ts that load without tsx', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lamina-dist-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], {
      stdio: 'pipe',
    });
    assert.ok(existsSync(join(out, 'index.d.ts')), 'index.d.ts emitted');
    const script = `const lm = await import(${JSON.stringify(pathToFileURL(join(out, 'index.js')).href)});
      const y = lm.tensor([[1, 2], [3, 4]]).add(1).relu();
      const g = lm.grad((x) => x.square().sum())(lm.tensor([3]));
      process.stdout.write(JSON.stringify([y.arraySync(), g.arraySync()]));`;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(printed), [
      [
        [2, 3],
        [4, 5],
      ],
      [6],
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
