import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/lamina.js';
import { largeActivationsData } from '../../src/study/data.js';
import { DEFAULT_STUDY, runStudy } from '../../src/study/run.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-study-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(): {
  io: { stdout: (s: string) => void; stderr: (s: string) => void; isTTY: boolean };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), isTTY: false },
    out,
    err,
  };
}

/** Tags must nest: every opened tag is closed, except void and self-closed ones. */
function assertWellFormed(html: string): void {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const tag = name.toLowerCase();
    if (voids.has(tag) || selfClosing === '/') continue;
    if (closing === '/') assert.equal(stack.pop(), tag, `</${tag}> closes the last open tag`);
    else stack.push(tag);
  }
  assert.deepEqual(stack, [], 'all tags closed');
}

// The seed's second scenario, briefly (10 epochs, fixed seed), the same factor for both penalties.
// Thresholds: activity L2 must bring the target's mean |output| down at least 2x (measured about
// 70x after 30 epochs), while kernel L2 must change it by less than 20% (measured about 7% after
// 10 epochs): the weights are small, so the kernel penalty's gradient 2 * factor * w is tiny,
// while the activity penalty's gradient grows with the outputs it punishes.
test('large activations: activity regularization brings the outputs down, kernel regularization barely moves them', async () => {
  const data = largeActivationsData(1);
  const result = await runStudy(data, {
    ...DEFAULT_STUDY,
    scenario: 'large-activations',
    epochs: 10,
    progress: false,
  });
  const meanAbs = (id: string): number =>
    result.variants.find((v) => v.id === id)!.layers.find((l) => l.name === 'target')!.stats
      .meanAbsActivation;
  const none = meanAbs('none');
  const kernel = meanAbs('kernel-l2');
  const activity = meanAbs('activity-l2');
  assert.ok(none > 20, `unregularized outputs are large: ${none}`);
  assert.ok(none / activity >= 2, `activity: ${none} -> ${activity}`);
  assert.ok(Math.abs(kernel - none) / none < 0.2, `kernel: ${none} -> ${kernel}`);
  const maxW = result.variants
    .find((v) => v.id === 'none')!
    .layers.find((l) => l.name === 'target')!.stats.maxAbsWeight;
  assert.ok(maxW <= 0.3, `weights stay small: max |w| ${maxW}`);
  const saturated = result.variants
    .find((v) => v.id === 'none')!
    .layers.find((l) => l.name === 'saturating_tanh')!.stats.saturatedFraction;
  assert.ok(saturated > 0.9, `units saturate without regularization: ${saturated}`);
});

test('lamina study end to end on the shipped digits: exit 0, a table, a report with one plot per variant and layer', async () => {
  const out = join(dir, 'report.html');
  const { io, out: stdout, err } = capture();
  const code = await main(['study', '--epochs', '1', '--out', out], io);
  assert.equal(code, 0, err.join(''));
  const text = stdout.join('');
  for (const label of [
    'no regularization',
    'kernel L2(0.001)',
    'activity L1(0.001)',
    'activity L2(0.001)',
    'kernel L2(0.001) + activity L1(0.001)',
  ]) {
    assert.ok(text.includes(label), `table lists ${label}`);
  }
  assert.match(text, /variant\s+train acc\s+val acc\s+data loss\s+penalty/);
  const html = readFileSync(out, 'utf8');
  assertWellFormed(html);
  const plots = [
    ...html.matchAll(/<figure class="layer-plot" data-variant="([^"]+)" data-layer="([^"]+)">/g),
  ].map((m) => `${m[1]}/${m[2]}`);
  const expected = ['none', 'kernel-l2', 'activity-l1', 'activity-l2', 'kernel+activity'].flatMap(
    (v) => ['hidden_1', 'hidden_2', 'output'].map((l) => `${v}/${l}`),
  );
  assert.deepEqual(plots, expected);
  assert.equal([...html.matchAll(/<figure class="loss-plot"/g)].length, 5);
  assert.ok(
    !/<script|https?:\/\//i.test(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')),
    'self-contained: no scripts, no network',
  );
});

test('bad CSV input names the file, line and column, and writes no report', async () => {
  const cases: [string, string, RegExp][] = [
    [
      'ragged.csv',
      'a,b,label\n1,2,0\n3,1\n',
      /ragged\.csv:3: expected 3 columns \(as line 1\), received 2/,
    ],
    [
      'text.csv',
      'a,b,label\n1,2,0\n3,x,1\n',
      /text\.csv:3: column 2 \('b'\): expected a number, received "x"/,
    ],
    [
      'nolabel.csv',
      'a,b,c\n1,2,0\n3,4,1\n',
      /nolabel\.csv:1: no column named 'label' for --label \(columns: a, b, c\)/,
    ],
    [
      'oneclass.csv',
      'a,b,label\n1,2,0\n3,4,0\n',
      /oneclass\.csv: column 3 \('label'\) holds one class only \(0\)/,
    ],
  ];
  for (const [name, content, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const report = join(dir, `${name}.html`);
    const { io, err } = capture();
    const code = await main(
      ['study', '--data', file, '--label', 'label', '--epochs', '1', '--out', report, '--quiet'],
      io,
    );
    assert.equal(code, 1);
    assert.match(err.join(''), message);
    assert.equal(existsSync(report), false);
  }
  const { io, err } = capture();
  assert.equal(await main(['study', '--data', join(dir, 'x.csv')], io), 2);
  assert.match(err.join(''), /a CSV needs --label COLUMN/);
  const bad = capture();
  assert.equal(await main(['study', '--epochs', '0'], bad.io), 2);
  assert.match(bad.err.join(''), /--epochs expects a positive integer, received "0"/);
});

test('a CSV with a label column trains and reports', async () => {
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 60; i++) rows.push(`${(i % 7) / 7},${(i % 5) / 5},${i % 2}`);
  const file = join(dir, 'ok.csv');
  writeFileSync(file, rows.join('\n'));
  const { io, err } = capture();
  const code = await main(
    [
      'study',
      '--data',
      file,
      '--label',
      'label',
      '--epochs',
      '1',
      '--variants',
      'none,activity-l1',
      '--out',
      join(dir, 'ok.html'),
      '--quiet',
    ],
    io,
  );
  assert.equal(code, 0, err.join(''));
  assert.ok(existsSync(join(dir, 'ok.html')));
});
