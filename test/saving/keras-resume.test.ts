/**
 * Training resumes across Keras and Lamina. Fixtures (test/fixtures/keras3/): make_resume.py
 * computed Keras 3.15.1's next step (its own optimizer code, PyTorch gradients) from
 * compiled_adam's `.keras` archive, its Keras 3 legacy `.h5`, tf.keras 2.x `.h5` files (Adam,
 * SGD, RMSprop in the OptimizerV2 layout; Adam in tf.keras 2.11's) and from the archives Lamina
 * wrote (make_lamina_archives.ts: Adam, SGD with Nesterov momentum, centered RMSprop with
 * momentum, three steps each). Lamina loads each file, takes one step on the same batch, and must
 * land on Keras's loss and weights.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  Dense,
  initializers,
  input,
  l2,
  randomNormal,
  sequential,
  tensor,
  type Model,
  type Tensor,
} from '../../src/index.js';
import { convert } from '../../src/cli/convert.js';
import { LaminaError } from '../../src/errors.js';
import { Adam, Nadam } from '../../src/optimizers/index.js';
import { loadModel, saveKerasArchive } from '../../src/saving/index.js';
import type { H5Array } from '../../src/saving/keras/hdf5.js';
import { planOptimizerRestore } from '../../src/saving/keras/optimizer-state.js';
import type { KerasObject } from '../../src/serialization/keras-object.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/keras3/', import.meta.url));

interface ArrayJson {
  shape: number[];
  values: number[];
}
interface Step {
  loss: number;
  iterations: number;
  weights: Record<string, number[]>;
}
interface ResumeFile {
  next: Step;
  iterations?: number;
  slots?: Record<string, number[]>;
  optimizer?: string;
  iterations_loaded?: number;
}
interface Resume {
  batch: { x: ArrayJson; y: ArrayJson };
  files: Record<string, ResumeFile>;
}

async function readResume(path: string): Promise<Resume> {
  return JSON.parse(await readFile(join(FIXTURES, path), 'utf8')) as Resume;
}

const batchOf = (r: Resume): [Tensor, Tensor] => [
  tensor(r.batch.x.values, r.batch.x.shape),
  tensor(r.batch.y.values, r.batch.y.shape),
];

/** One training step of `model` on the batch lands on Keras's loss, iteration count and weights. */
function assertSameStep(model: Model, r: Resume, want: Step, label: string): void {
  const [x, y] = batchOf(r);
  const logs = model.trainOnBatch(x, y);
  assert.ok(
    Math.abs((logs.loss as number) - want.loss) <= 1e-5 * Math.max(1, Math.abs(want.loss)),
    `${label}: loss ${logs.loss} vs Keras ${want.loss}`,
  );
  assert.equal(model.compiled?.optimizer.iterations, want.iterations, `${label}: iterations`);
  const names = model.trainableWeights.map((w) => w.name);
  assert.deepEqual([...names].sort(), Object.keys(want.weights).sort(), `${label}: weights`);
  for (const w of model.trainableWeights) {
    const got = w.dataSync();
    (want.weights[w.name] as number[]).forEach((v, i) =>
      assert.ok(
        Math.abs((got[i] as number) - v) <= 1e-6,
        `${label}: ${w.name}[${i}] ${got[i]} vs Keras ${v}`,
      ),
    );
  }
}

describe("Keras files resume training in Lamina with Keras's next step", () => {
  const KERAS_FILES = [
    ['model.keras', 'Adam'],
    ['model.h5', 'Adam'],
    ['tfkeras_adam.h5', 'Adam'],
    ['tfkeras_sgd.h5', 'SGD'],
    ['tfkeras_rmsprop.h5', 'RMSprop'],
    ['tfkeras_adam_2_11.h5', 'Adam'],
    ['unbuilt.keras', 'Adam'],
    ['unbuilt.h5', 'Adam'],
  ] as const;
  for (const [file, optimizer] of KERAS_FILES)
    test(`compiled_adam/${file} (${optimizer})`, async () => {
      const r = await readResume('compiled_adam/resume.json');
      const entry = r.files[file] as ResumeFile;
      const model = await loadModel(join(FIXTURES, 'compiled_adam', file));
      const compiled = model.compiled;
      assert.ok(compiled !== null, `${file}: compiled from its training config`);
      assert.equal(compiled.optimizer.className, optimizer);
      assert.equal(compiled.losses[0]?.className, 'MeanSquaredError');
      assert.deepEqual(
        compiled.metrics[0]?.map((m) => [m.className, m.name]),
        [['MeanAbsoluteError', 'mae']],
      );
      if (entry.slots !== undefined) {
        // The tf.keras files' state, read in their layout: every slot of every weight.
        const state = compiled.optimizer.getState();
        assert.equal(state.iterations, entry.iterations);
        const slotNames: Record<string, string[]> = {
          Adam: ['m', 'v'],
          SGD: ['momentum'],
          RMSprop: ['rms', 'momentum', 'mg'],
        };
        for (const w of model.trainableWeights)
          (slotNames[optimizer] as string[]).forEach((slot, i) =>
            assert.deepEqual(
              [...(state.slots[w.name]?.[i] as Tensor).dataSync()],
              (entry.slots?.[`${w.name}/${slot}`] as number[]).map(Math.fround),
              `${file}: ${w.name} ${slot}`,
            ),
          );
      }
      assertSameStep(model, r, entry.next, file);
    });
});

test('lamina convert carries a tf.keras .h5 optimizer state into a .keras archive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lamina-resume-'));
  try {
    const out = join(dir, 'converted.keras');
    const lines: string[] = [];
    const code = await convert(
      [join(FIXTURES, 'compiled_adam', 'tfkeras_sgd.h5'), out, '--quiet'],
      {
        stdout: (s) => lines.push(s),
        stderr: (s) => lines.push(s),
      },
    );
    assert.equal(code, 0, lines.join(''));
    assert.match(
      lines.join(''),
      /^Converted .*tfkeras_sgd\.h5 -> .*converted\.keras: model 'compiled_adam' \(Sequential\), 2 layers, 26 parameters, Keras 3 archive, \d+ bytes, compiled \(SGD, optimizer state after 6 steps\)\n$/,
    );
    const r = await readResume('compiled_adam/resume.json');
    assertSameStep(
      await loadModel(out),
      r,
      (r.files['tfkeras_sgd.h5'] as ResumeFile).next,
      'converted',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe("archives Lamina wrote resume in Keras with Lamina's next step", () => {
  for (const file of ['adam.keras', 'sgd.keras', 'rmsprop.keras'])
    test(`resume_lamina/${file}`, async () => {
      const r = await readResume('resume_lamina/keras_next.json');
      const entry = r.files[file] as ResumeFile;
      const model = await loadModel(join(FIXTURES, 'resume_lamina', file));
      assert.equal(model.compiled?.optimizer.className, entry.optimizer);
      assert.equal(model.compiled?.optimizer.iterations, entry.iterations_loaded);
      assertSameStep(model, r, entry.next, file);
    });

  test('a saved and reloaded model takes the same next step as the one that kept training', async () => {
    const optimizers: KerasObject[] = [
      { class_name: 'Adam', config: { learning_rate: 0.01 } },
      { class_name: 'SGD', config: { learning_rate: 0.05, momentum: 0.9, nesterov: true } },
      { class_name: 'RMSprop', config: { learning_rate: 0.01, momentum: 0.5, centered: true } },
    ];
    for (const optimizer of optimizers) {
      const model = sequential({
        layers: [
          input({ shape: [3] }),
          new Dense({
            units: 4,
            activation: 'relu',
            kernelRegularizer: l2(0.01),
            kernelInitializer: initializers.glorotUniform({ seed: 3 }),
            name: 'hidden',
          }),
          new Dense({ units: 2, name: 'out' }),
        ],
      });
      model.compile({ optimizer, loss: 'mse' });
      const x = randomNormal([4, 3], 0, 1, 1);
      const y = randomNormal([4, 2], 0, 1, 2);
      model.trainOnBatch(x, y);
      const reloaded = await loadModel(await saveKerasArchive(model));
      model.trainOnBatch(x, y);
      reloaded.trainOnBatch(x, y);
      model.trainableWeights.forEach((w, i) =>
        assert.deepEqual(
          [...(reloaded.trainableWeights[i]?.dataSync() ?? [])],
          [...w.dataSync()],
          `${optimizer.class_name}: ${w.name}`,
        ),
      );
    }
  });
});

describe('legacy optimizer state, refused with a reason', () => {
  const model = sequential({
    layers: [input({ shape: [2] }), new Dense({ units: 1, name: 'd' })],
  });
  const scalarInt: H5Array = { shape: [], dtype: 'int32', values: new Int32Array([3]) };
  const slot = (shape: number[]): H5Array => ({
    shape,
    dtype: 'float32' as const,
    values: new Float32Array(shape.reduce((n, d) => n * d, 1)),
  });

  test('a tf.keras-v2 state with a missing slot names the count it needs', () => {
    const saved = new Map([
      [0, scalarInt],
      [1, slot([2, 1])],
      [2, slot([1])],
      [3, slot([2, 1])],
    ]);
    assert.throws(
      () =>
        planOptimizerRestore(new Adam(), model.trainableWeights, saved, 'm.h5', 'tf.keras-v2', {
          group: 'optimizer_weights',
          nameOf: (i) => `optimizer_weights/${i}`,
        }),
      (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'missing-weight');
        assert.equal(
          e.message,
          "m.h5: 'optimizer_weights' holds 4 variables; Adam needs 5 for this model (iterations, 2 slots of each of 2 trainable weights, in the tf.keras-v2 order)",
        );
        return true;
      },
    );
  });

  test('an iteration count without slots is a fresh optimizer only at iteration 0', () => {
    const adam = new Adam();
    assert.throws(
      () =>
        planOptimizerRestore(
          adam,
          model.trainableWeights,
          new Map([[0, scalarInt]]),
          'm.h5',
          'tf.keras',
        ),
      (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(
          e.message,
          "m.h5: 'optimizer/vars' holds no slots but 3 iterations; Adam needs 5 variables for this model",
        );
        return true;
      },
    );
    const zero: H5Array = { shape: [], dtype: 'int32', values: new Int32Array([0]) };
    planOptimizerRestore(adam, model.trainableWeights, new Map([[0, zero]]), 'm.h5', 'tf.keras')();
    assert.equal(adam.iterations, 0);
    assert.deepEqual(
      model.trainableWeights.map((w) => adam.getState().slots[w.name]?.length),
      [2, 2],
    );
  });

  test('tf.keras state of an optimizer whose slots are not mapped is refused, not guessed', () => {
    assert.throws(
      () =>
        planOptimizerRestore(new Nadam(), model.trainableWeights, new Map(), 'm.h5', 'tf.keras-v2'),
      (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'unsupported');
        assert.match(
          e.message,
          /^m\.h5: the tf\.keras-v2 optimizer state of Nadam is not read \(only SGD, Adam, RMSprop\); load with \{ compile: false \}/,
        );
        return true;
      },
    );
  });

  test('loading with compile: false skips the training config and optimizer state', async () => {
    const plain = await loadModel(join(FIXTURES, 'compiled_adam', 'tfkeras_rmsprop.h5'), {
      compile: false,
    });
    assert.equal(plain.compiled, null);
  });
});
