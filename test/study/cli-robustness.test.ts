/**
 * The CLI under hostile but ordinary use (issue 13, defect 11): a closed output pipe, an --out it
 * cannot write, an empty --variants, a continuous label column, hex cells; and the streamed CSV
 * reader behind --data (issue 13, "a large CSV is read whole").
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/lamina.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { parseNumericCsv, readNumericCsv } from '../../src/io/csv.js';
import { LaminaError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
      isTTY: false,
    },
    out,
    err,
  };
}

const tmpFiles = (folder: string): string[] =>
  readdirSync(folder).filter((f) => f.endsWith('.tmp'));

test('lamina study | head -1: the closed pipe is quiet, the report is written, no temp file is left', async () => {
  const folder = join(dir, 'pipe');
  mkdirSync(folder);
  const report = join(folder, 'report.html');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/lamina.ts',
      'study',
      '--epochs',
      '1',
      '--variants',
      'none',
      '--out',
      report,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Read the first line, then close the pipe as `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
  assert.ok(existsSync(report));
  assert.deepEqual(tmpFiles(folder), []);
});

test('--out is checked before training: a missing folder or a folder as the file', async () => {
  for (const [out, message] of [
    [
      join(dir, 'no-such-folder', 'r.html'),
      /--out cannot write .*no-such-folder.r\.html: the folder .* does not exist/,
    ],
    [dir, /--out cannot write .*: it is a folder/],
  ] as const) {
    const { io, out: stdout, err } = capture();
    const code = await main(['study', '--epochs', '1', '--out', out], io);
    assert.equal(code, 2);
    assert.match(err.join(''), message);
    assert.equal(stdout.join(''), '', 'nothing was loaded or trained');
  }
});

test('a failed write names the target, not the temporary file, and removes the temporary file', async () => {
  const target = join(dir, 'taken');
  mkdirSync(target);
  writeFileSync(join(target, 'inside'), 'x');
  await assert.rejects(writeFileAtomic(target, 'report'), (e: unknown) => {
    assert.ok(e instanceof LaminaError);
    assert.equal(e.code, 'io');
    assert.match(e.message, /^could not write .*taken: /);
    assert.doesNotMatch(e.message, /\.tmp/);
    return true;
  });
  assert.deepEqual(tmpFiles(dir), []);
  await assert.rejects(
    writeFileAtomic(join(dir, 'missing', 'f.bin'), 'x'),
    (e: unknown) =>
      e instanceof LaminaError &&
      /could not write .*missing.f\.bin: ENOENT/.test(e.message) &&
      !e.message.includes('.tmp'),
  );
});

test("--variants '' is an error, not a study of nothing", async () => {
  const { io, err } = capture();
  assert.equal(await main(['study', '--variants', '', '--out', join(dir, 'v.html')], io), 2);
  assert.match(err.join(''), /--variants expects a comma-separated list of variants .*received ""/);
  const spaces = capture();
  assert.equal(
    await main(['study', '--variants', ' , ', '--out', join(dir, 'v.html')], spaces.io),
    2,
  );
});

test('a continuous label column is refused, not made into one class per value', async () => {
  const cases: [string, string, RegExp][] = [
    [
      'fraction.csv',
      'a,price\n1,1\n2,1.25\n3,0\n4,1\n',
      /fraction\.csv:3: column 2 \('price'\) holds 1\.25, not a class: --label needs a column of integer classes/,
    ],
    [
      'many.csv',
      `a,count\n${Array.from({ length: 40 }, (_, i) => `${i},${i * 3}`).join('\n')}\n`,
      /many\.csv: column 2 \('count'\) holds 40 distinct values in 40 rows: that is a measurement, not a class label/,
    ],
  ];
  for (const [name, content, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const label = name === 'fraction.csv' ? 'price' : 'count';
    const { io, err } = capture();
    const report = join(dir, `${name}.html`);
    const code = await main(
      ['study', '--data', file, '--label', label, '--out', report, '--quiet'],
      io,
    );
    assert.equal(code, 1);
    assert.match(err.join(''), message);
    assert.equal(existsSync(report), false);
  }
});

test('hex, binary and octal cells are not numbers', async () => {
  for (const cell of ['0x1F', '0b101', '0o17', 'Infinity', '1_000']) {
    assert.throws(
      () => parseNumericCsv(`a,b\n1,${cell}\n`, { source: 'h.csv' }),
      new RegExp(`h\\.csv:2: column 2 \\('b'\\): expected a number, received "${cell}"`),
    );
  }
  const file = join(dir, 'hex.csv');
  writeFileSync(file, 'a,label\n0x1F,0\n2,1\n');
  const { io, err } = capture();
  const code = await main(
    ['study', '--data', file, '--label', 'label', '--out', join(dir, 'hex.html'), '--quiet'],
    io,
  );
  assert.equal(code, 1);
  assert.match(err.join(''), /hex\.csv:2: column 1 \('a'\): expected a number, received "0x1F"/);
  // Decimal forms are all still numbers.
  assert.deepEqual([...parseNumericCsv('a,b,c,d\n-1.5,.5,+2e3,7.\n').values], [-1.5, 0.5, 2000, 7]);
});

test('readNumericCsv streams a file to the table parseNumericCsv makes of its text', async () => {
  const text = 'x,"y, quoted",label\r\n1,2.5,0\r\n\r\n-3,"1e2",1\r\n4,5,1';
  const file = join(dir, 'stream.csv');
  writeFileSync(file, text);
  const streamed = await readNumericCsv(file);
  assert.deepEqual(streamed.columns, ['x', 'y, quoted', 'label']);
  assert.equal(streamed.rows, 3);
  assert.deepEqual([...streamed.values], [1, 2.5, 0, -3, 100, 1, 4, 5, 1]);
  // A row count past one block of values (65,536) crosses block boundaries intact.
  const rows = Array.from({ length: 30000 }, (_, i) => `${i},${i / 4},${i % 3}`);
  writeFileSync(file, `a,b,c\n${rows.join('\n')}\n`);
  const big = await readNumericCsv(file);
  assert.equal(big.rows, 30000);
  assert.equal(big.values[3 * 29999 + 1], 29999 / 4);
  assert.equal(big.values[3 * 21845], 21845);
  writeFileSync(file, 'a,b\n1,2\n3,4,5\n');
  await assert.rejects(
    readNumericCsv(file, { source: 's.csv' }),
    /s\.csv:3: expected 2 columns \(as line 1\), received 3/,
  );
});

test('fuzzed CSV files are read or refused with the file named, never with stray values', async () => {
  let s = 20261204;
  const r = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const valid = 'a,"b c",label\n1,2.5,0\n-3,1e2,1\n"4",.5,1\n7,8,0\n';
  const alphabet = ['0', '9', '.', ',', '"', '\n', '\r', ' ', 'x', '-', 'e', '\u00e9', '\0'];
  const file = join(dir, 'fuzz.csv');
  let read = 0;
  for (let n = 0; n < 400; n++) {
    const chars = [...valid];
    for (let k = 0; k < 1 + r() * 4; k++) {
      const at = Math.floor(r() * chars.length);
      const c = alphabet[Math.floor(r() * alphabet.length)] as string;
      if (r() < 0.3) chars.splice(at, 1);
      else chars[at] = c;
    }
    writeFileSync(file, chars.join(''));
    try {
      const t = await readNumericCsv(file, { source: 'fuzz.csv', header: true });
      assert.equal(t.values.length, t.rows * t.columns.length, `case ${n}`);
      assert.ok(t.values.every(Number.isFinite), `case ${n}: only finite numbers`);
      read++;
    } catch (e) {
      assert.ok(e instanceof Error, `case ${n}: ${String(e)}`);
      assert.match(e.message, /^fuzz\.csv[:]/, `case ${n}: ${e.message}`);
    }
  }
  assert.ok(read > 0 && read < 400, `some cases read, some refused (${read} read)`);
});
