/**
 * The published build: `tsc -p tsconfig.build.json` must emit JavaScript and declarations that a
 * plain `import()` loads, with no TypeScript tooling at run time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('lamina-nn/tfjs: the package maps it, and TensorFlow.js-style TypeScript type-checks against it', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    exports: Record<string, { types: string; import: string }>;
  };
  assert.deepEqual(pkg.exports['./tfjs'], {
    types: './dist/tfjs/index.d.ts',
    import: './dist/tfjs/index.js',
  });
  const out = mkdtempSync(join(tmpdir(), 'lamina-dist-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], {
      stdio: 'pipe',
    });
    assert.ok(existsSync(join(out, 'tfjs', 'index.d.ts')), 'tfjs/index.d.ts emitted');
    // A user's program as TensorFlow.js code is written, checked strictly against the declarations.
    const user = `import * as tf from './tfjs/index.js';
class Scale extends tf.layers.Layer {
  static get className(): string { return 'Scale'; }
  w: tf.Variable | null = null;
  constructor() { super({}); }
  build(inputShape: (number | null)[]): void {
    this.w = this.addWeight('w', [inputShape[1] as number], 'float32', tf.initializers.ones());
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => x.mul(this.w!.read()));
  }
}
tf.serialization.registerClass(Scale);
const model = tf.sequential();
model.add(tf.layers.dense({ units: 3, inputShape: [2], activityRegularizer: tf.regularizers.l1l2() }));
model.add(new Scale());
model.compile({ optimizer: tf.train.adam(), loss: 'meanSquaredError', metrics: ['accuracy'] });
const xs: tf.Tensor<tf.Rank.R2> = tf.tensor2d([[1, 2], [3, 4]]);
const buf = tf.buffer<tf.Rank.R3>([1, 1, 2]);
buf.set(1, 0, 0, 1);
const oneHot: tf.Tensor3D = buf.toTensor();
void oneHot;
const ys = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
const history = await model.fit(xs, ys, { epochs: 2, callbacks: { onEpochEnd: (e, logs) => void [e, logs] } });
const result: tf.Tensor | tf.Tensor[] = model.evaluate(xs, ys);
const step: number | number[] = await model.trainOnBatch(xs, ys);
xs.dispose();
console.log(JSON.stringify([history.history.loss!.length, Array.isArray(result), typeof step, tf.memory().numTensors > 0]));
`;
    writeFileSync(join(out, 'user.mts'), user);
    execFileSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        join(out, 'user.mts'),
      ],
      { stdio: 'pipe', cwd: out },
    );
    execFileSync(
      process.execPath,
      [tsc, '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', join(out, 'user.mts')],
      { stdio: 'pipe', cwd: out },
    );
    const printed = execFileSync(process.execPath, [join(out, 'user.mjs')], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(printed), [2, true, 'object', true]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
