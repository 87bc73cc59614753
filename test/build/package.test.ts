/**
 * The published package is what users get: `npm pack` (whose prepack builds dist/), the tarball
 * installed offline into a scratch project as a user installs it, a strict TypeScript consumer
 * (module nodenext, skipLibCheck false) of `lamina-nn` and `lamina-nn/tfjs` type-checked against
 * every declaration file in the package and then run, the `lamina` bin run, and the package shape
 * linted by publint and @arethetypeswrong/cli. Skipped, saying why, where npm cannot run.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The JavaScript file of a dev dependency's command-line tool, run with this Node. */
function binOf(pkg: string, name: string): string {
  const manifest = join(root, 'node_modules', pkg, 'package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const file = typeof bin === 'string' ? bin : bin[name];
  assert.ok(file !== undefined, `${pkg} has a '${name}' command`);
  return join(dirname(manifest), file);
}

/** Runs a command and returns its stdout; a failure reports the command with its output. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} (in ${cwd}) exited with ${result.status ?? result.signal}:\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

const CONSUMER = `import { layers, losses, metrics, regularizers, sequential, tensor, type Tensor } from 'lamina-nn';
import * as tf from 'lamina-nn/tfjs';

const model = sequential({
  layers: [
    layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', activityRegularizer: regularizers.l1(0.01) }),
  ],
});
model.compile({ optimizer: 'sgd', loss: 'mse' });
const x: Tensor = tensor([[1, 2, 3]]);
const y = model.predict(x) as Tensor;
const loss = new losses.MeanSquaredError().call(tensor([[0, 0]]), y);
const metric = new metrics.MeanSquaredError();
metric.updateState(tensor([[0, 0]]), y);
const tfModel = tf.sequential();
tfModel.add(tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' }));
const z = tfModel.predict(tf.tensor2d([[1, 2]])) as tf.Tensor;
console.log(JSON.stringify([y.arraySync(), loss.arraySync(), metric.result(), z.arraySync()]));
`;

test('npm pack: the tarball installs, type-checks strictly, runs, and passes publint and attw', async (t) => {
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  if (npm.status !== 0) {
    t.skip(`npm cannot run here (${npm.error?.message ?? npm.stderr}), so nothing can be packed`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'lamina-pack-'));
  try {
    const packed = JSON.parse(
      run('npm', ['pack', '--json', '--pack-destination', scratch], root),
    ) as { filename: string; files: { path: string }[] }[];
    const info = packed[0];
    assert.ok(info !== undefined, 'npm pack names its tarball');
    const tarball = join(scratch, info.filename);
    const paths = info.files.map((f) => f.path);
    // What a user gets and nothing else: the build, the shipped data, no sources or tests.
    for (const required of ['dist/index.js', 'dist/index.d.ts', 'dist/tfjs/index.d.ts'])
      assert.ok(paths.includes(required), `${required} is packed`);
    assert.ok(paths.includes('dist/cli/lamina.js'), 'the lamina bin is packed');
    assert.ok(
      paths.some((p) => p.startsWith('data/')),
      'the data files are packed',
    );
    assert.deepEqual(
      paths.filter((p) => /^(src|test|bench|assembly|playground)\//.test(p)),
      [],
    );

    // The package shape, offline on the local tarball.
    run(process.execPath, [binOf('publint', 'publint'), 'run', '--strict', tarball], root);
    run(
      process.execPath,
      [
        binOf('@arethetypeswrong/cli', 'attw'),
        tarball,
        '--profile',
        'esm-only',
        '--format',
        'ascii',
      ],
      root,
    );

    // A user's project, the tarball installed from npm's cache (fflate and h5wasm are there once
    // `npm ci` has run in this repository).
    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'lamina-consumer', private: true, type: 'module' }),
    );
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball],
      app,
    );
    // The compiler and Node's types, from this repository (npm install above would prune them).
    symlinkSync(join(root, 'node_modules', 'typescript'), join(app, 'node_modules', 'typescript'));
    mkdirSync(join(app, 'node_modules', '@types'), { recursive: true });
    symlinkSync(
      join(root, 'node_modules', '@types', 'node'),
      join(app, 'node_modules', '@types', 'node'),
    );
    writeFileSync(join(app, 'main.mts'), CONSUMER);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        // Every declaration file of the package, not only those the consumer reaches.
        include: ['main.mts', 'node_modules/lamina-nn/dist/**/*.d.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);

    const printed = run(process.execPath, [join(app, 'out', 'main.mjs')], app);
    // Dense with ones: 1 + 2 + 3 = 6 per unit; MSE against zeros 36; tfjs's: 1 + 2 = 3.
    assert.deepEqual(JSON.parse(printed), [[[6, 6]], [36], 36, [[3]]]);

    const help = execFileSync(join(app, 'node_modules', '.bin', 'lamina'), ['--help'], {
      encoding: 'utf8',
    });
    assert.match(help, /^Usage: lamina study \[options\]/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
