/**
 * `lamina study --model FILE`: the study's variants on a user's own model (here a functional
 * model saved as .keras), from the same starting weights, with the same table and report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/lamina.js';
import { digitsData } from '../../src/study/data.js';
import { DEFAULT_STUDY, runStudy } from '../../src/study/run.js';
import { input, layers, model, type Model } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-user-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function userModel(inputs = 64, classes = 10): Model {
  const x = input({ shape: [inputs] });
  const a = layers.dense({ units: 24, activation: 'relu', name: 'feature_a' }).apply(x);
  const b = layers.dense({ units: 8, activation: 'tanh', name: 'feature_b' }).apply(a);
  const y = layers.dense({ units: classes, activation: 'softmax', name: 'classifier' }).apply(b);
  return model({ inputs: x, outputs: y as never, name: 'mine' });
}

test('each variant trains a copy of the user model from its weights, penalties on all but the last weighted layer', async () => {
  const base = userModel();
  const before = base.getWeights().map((w) => w.dataSync().slice());
  const data = await digitsData(1);
  const result = await runStudy(data, {
    ...DEFAULT_STUDY,
    epochs: 1,
    model: base,
    only: ['none', 'kernel-l2', 'activity-l2'],
    progress: false,
  });
  assert.equal(result.title, "Kernel versus activity regularization on the model 'mine'");
  const none = result.variants.find((v) => v.id === 'none')!;
  const kernel = result.variants.find((v) => v.id === 'kernel-l2')!;
  const activity = result.variants.find((v) => v.id === 'activity-l2')!;
  assert.equal(none.final.penalty, 0);
  assert.ok(kernel.final.penalty > 0 && activity.final.penalty > 0);
  // Penalties on feature_a and feature_b only, never on the classifier.
  for (const v of [kernel, activity]) {
    const byLayer = Object.fromEntries(v.layers.map((l) => [l.name, l.penalties]));
    assert.ok(Object.keys(byLayer['feature_a'] ?? {}).length > 0, JSON.stringify(byLayer));
    assert.ok(Object.keys(byLayer['feature_b'] ?? {}).length > 0);
    assert.deepEqual(byLayer['classifier'], {});
  }
  assert.match(result.findings[0] ?? '', /layer 'feature_a'/);
  // The user's model itself is untouched.
  base.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i]));
});

test('lamina study --model FILE.keras writes the table and the report', async () => {
  const path = join(dir, 'mine.keras');
  await userModel().save(path);
  const out: string[] = [];
  const err: string[] = [];
  const report = join(dir, 'report.html');
  const code = await main(
    [
      'study',
      '--model',
      path,
      '--epochs',
      '1',
      '--variants',
      'none,activity-l1',
      '--quiet',
      '--out',
      report,
    ],
    { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), isTTY: false },
  );
  assert.equal(code, 0, err.join(''));
  assert.match(out.join(''), /model: .*mine\.keras \('mine'\)/);
  assert.match(out.join(''), /activity L1/);
  assert.ok(existsSync(report));
  assert.match(readFileSync(report, 'utf8'), /on the model &#39;mine&#39;|on the model 'mine'/);
});

test('a model that does not fit the data is refused before training', async () => {
  const path = join(dir, 'wrong.keras');
  await userModel(30, 10).save(path);
  const err: string[] = [];
  const code = await main(['study', '--model', path, '--epochs', '1', '--quiet'], {
    stdout: () => {},
    stderr: (s) => void err.push(s),
    isTTY: false,
  });
  assert.equal(code, 1);
  assert.match(
    err.join(''),
    /takes inputs of shape \(None, 30\), the data has 64 features per sample: \(None, 64\)/,
  );
});
