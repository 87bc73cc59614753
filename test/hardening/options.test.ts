/**
 * Every options object refuses an unknown key with a LaminaError ('unknown-option') naming the
 * object, the key and the nearest valid key (issue 13, defect 1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { parseArgs } from '../../src/cli/lamina.js';
import { Layer, type LayerArgs } from '../../src/layers/base/layer.js';
import { factories, MINIMAL_ARGS } from './layer-table.js';

/** Asserts `fn` throws (or rejects with) a LaminaError 'unknown-option' matching `message`. */
async function refuses(fn: () => unknown, message: RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof lm.LaminaError, `expected a LaminaError, got ${String(e)}`);
      assert.equal(e.code, 'unknown-option');
      assert.match(e.message, message);
      return true;
    },
  );
}

function compiledModel(): lm.Sequential {
  const m = lm.sequential({ layers: [lm.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}
const x = (): lm.Tensor => lm.tensor([0, 1, 1, 0, 1, 1, 0, 0], [4, 2]);
const y = (): lm.Tensor => lm.tensor([1, 1, 0, 0], [4, 1]);

test('every layer factory of both faces refuses an unknown key, naming the layer', async () => {
  for (const face of ['lamina', 'tfjs'] as const) {
    for (const [name, make] of factories(face)) {
      const minimal = MINIMAL_ARGS[name];
      assert.ok(minimal !== undefined, `test table lacks the ${face} factory '${name}'`);
      make(minimal()); // the minimal options are valid
      await refuses(
        () => make({ ...minimal(), name: `probe_${name}`, bogusOption: 1 }),
        new RegExp(`'probe_${name}': unknown option 'bogusOption'; valid options: `),
      );
    }
  }
});

test('a Keras spelling or a typo names the key it meant', async () => {
  await refuses(
    () => lm.layers.dense({ units: 2, kernel_regularizer: lm.l2(0.1) } as never),
    /^Dense: unknown option 'kernel_regularizer' \(did you mean 'kernelRegularizer'\?\); valid options: /,
  );
  await refuses(
    () => lm.layers.dense({ units: 2, name: 'd', activaton: 'relu' } as never),
    /^Dense 'd': unknown option 'activaton' \(did you mean 'activation'\?\)/,
  );
  await refuses(
    () => lm.layers.lstm({ units: 2, return_sequences: true } as never),
    /^LSTM: unknown option 'return_sequences' \(did you mean 'returnSequences'\?\)/,
  );
  await refuses(
    () => lm.input({ shape: [2], dtyp: 'float32' } as never),
    /^InputLayer: unknown option 'dtyp' \(did you mean 'dtype'\?\); valid options: shape, batchSize, batchShape, dtype, name$/,
  );
});

test('legacy Keras 1 names are still accepted, with their regularizer in effect', () => {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => void warnings.push(m);
  try {
    const d = lm.layers.dense({ units: 2, W_regularizer: lm.l2(0.1), inputShape: [3] });
    lm.sequential({ layers: [d] });
    assert.ok(d.kernel?.regularizer instanceof lm.L2);
    assert.deepEqual(warnings, [
      "DeprecationWarning: Dense: 'W_regularizer' is a Keras 1 name; update your call to use 'kernelRegularizer' instead.",
    ]);
  } finally {
    console.warn = warn;
  }
});

test('a subclass that declares no keys of its own takes options of its own', () => {
  class Scaled extends Layer {
    static override className = 'ScaledProbe';
    readonly factor: number;
    constructor(args: LayerArgs & { factor: number }) {
      super(args);
      this.factor = args.factor;
    }
    call(inputs: lm.Tensor | lm.Tensor[]): lm.Tensor {
      return (inputs as lm.Tensor).mul(this.factor);
    }
  }
  assert.equal(new Scaled({ factor: 3 }).factor, 3);
});

test('layers rebuilt from a Keras config keep tolerating keys Lamina does not read', () => {
  const json = {
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, 2], sparse: false } },
        { class_name: 'Dense', config: { units: 3, lora_rank: null, quantization_config: null } },
      ],
    },
  };
  const m = lm.modelFromJSON(json as never);
  assert.deepEqual(m.outputShape, [null, 3]);
});

test('models, compile, fit, evaluate and predict refuse unknown keys', async () => {
  await refuses(
    () => lm.sequential({ layer: [] } as never),
    /^sequential: unknown option 'layer' \(did you mean 'layers'\?\); valid options: layers, name, trainable$/,
  );
  const i = lm.input({ shape: [2] });
  await refuses(
    () => lm.model({ inputs: i, output: i } as never),
    /^model: unknown option 'output' \(did you mean 'outputs'\?\)/,
  );
  const m = compiledModel();
  await refuses(
    () => m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metric: ['mae'] } as never),
    /^compile \(sequential(?:_\d+)?\): unknown option 'metric' \(did you mean 'metrics'\?\); valid options: optimizer, loss, metrics, lossWeights$/,
  );
  await refuses(
    () => m.fit(x(), y(), { epoch: 3 } as never),
    /^fit \(sequential(?:_\d+)?\): unknown option 'epoch' \(did you mean 'epochs'\?\)/,
  );
  await refuses(
    () => m.fit(x(), y(), { batch_size: 2 } as never),
    /unknown option 'batch_size' \(did you mean 'batchSize'\?\)/,
  );
  await refuses(
    () => m.evaluate(x(), y(), { batchsize: 2 } as never),
    /^evaluate \(sequential(?:_\d+)?\): unknown option 'batchsize' \(did you mean 'batchSize'\?\)/,
  );
  await refuses(
    () => m.predict(x(), { batch_size: 2 } as never),
    /^predict \(sequential(?:_\d+)?\): unknown option 'batch_size' \(did you mean 'batchSize'\?\); valid options: batchSize$/,
  );
  const ds = lm.data.zip({ xs: lm.data.array([[0, 1]]), ys: lm.data.array([[1]]) });
  await refuses(
    () => m.fitDataset(ds, { epoch: 1 } as never),
    /^fitDataset \(sequential(?:_\d+)?\): unknown option 'epoch' \(did you mean 'epochs'\?\)/,
  );
  await refuses(
    () => m.evaluateDataset(ds, { batch: 1 } as never),
    /^evaluateDataset \(sequential(?:_\d+)?\): unknown option 'batch' \(did you mean 'batches'\?\)/,
  );
});

test('optimizers refuse unknown keys; a Keras lr or clipnorm names the Lamina key', async () => {
  await refuses(
    () => lm.optimizers.adam({ lr: 0.01 } as never),
    /^Adam: unknown option 'lr' \(did you mean 'learningRate'\?\); valid options: learningRate, clipNorm, clipValue, globalClipNorm, weightDecay, decayAllVariables, name, beta1, beta2, epsilon, amsgrad$/,
  );
  await refuses(
    () => new lm.SGD({ clipnorm: 1 } as never),
    /^SGD: unknown option 'clipnorm' \(did you mean 'clipNorm'\?\)/,
  );
  await refuses(
    () => lm.optimizers.nadam({ amsgrad: true } as never),
    /^Nadam: unknown option 'amsgrad'/,
  );
  await refuses(() => lm.optimizers.adamw({ beta_1: 0.8 } as never), /did you mean 'beta1'/);
  await refuses(() => lm.optimizers.rmsprop({ centred: true } as never), /did you mean 'centered'/);
  await refuses(() => lm.optimizers.adagrad({ eps: 1 } as never), /^Adagrad: unknown option 'eps'/);
  await refuses(
    () => lm.optimizers.adadelta({ decay: 0.1 } as never),
    /did you mean 'weightDecay'/,
  );
});

test('callbacks refuse unknown keys', async () => {
  await refuses(
    () => new lm.EarlyStopping({ patiance: 2 } as never),
    /^EarlyStopping: unknown option 'patiance' \(did you mean 'patience'\?\)/,
  );
  await refuses(
    () => new lm.ReduceLROnPlateau({ min_lr: 0.1 } as never),
    /^ReduceLROnPlateau: unknown option 'min_lr' \(did you mean 'minLr'\?\)/,
  );
  await refuses(
    () => new lm.ModelCheckpoint('ckpt', { save_best_only: true } as never),
    /^ModelCheckpoint: unknown option 'save_best_only' \(did you mean 'saveBestOnly'\?\)/,
  );
  await refuses(
    () => new lm.CSVLogger('log.csv', { sep: ';' } as never),
    /^CSVLogger: unknown option 'sep'; valid options: separator, append$/,
  );
});

test('save and load options refuse unknown keys', async () => {
  const m = compiledModel();
  const dir = mkdtempSync(join(tmpdir(), 'lamina-options-'));
  try {
    await refuses(
      () => m.save(join(dir, 'm'), { includeOptimiser: true } as never),
      /^save \(sequential(?:_\d+)?\): unknown option 'includeOptimiser' \(did you mean 'includeOptimizer'\?\)/,
    );
    await m.save(join(dir, 'm'));
    await refuses(
      () => lm.loadModel(join(dir, 'm'), { strickt: false } as never),
      /^loadModel\(.*\): unknown option 'strickt' \(did you mean 'strict'\?\)/,
    );
    await refuses(
      () => lm.modelFromJSON(m.toJSON() as never, { maxParam: 10 } as never),
      /^modelFromJSON: unknown option 'maxParam' \(did you mean 'maxParams'\?\); valid options: compile, strict, maxParams$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('regularizer, initializer and constraint factories refuse unknown keys', async () => {
  await refuses(
    () => lm.l1l2({ L1: 0.1 } as never),
    /^l1l2: unknown option 'L1' \(did you mean 'l1'\?\)/,
  );
  await refuses(() => lm.l2({ l2: 0.1, l1: 0.2 } as never), /^l2: unknown option 'l1'/);
  await refuses(
    () => lm.initializers.randomNormal({ stdev: 2 } as never),
    /^initializers\.randomNormal: unknown option 'stdev' \(did you mean 'stddev'\?\)/,
  );
  await refuses(
    () => lm.initializers.glorotUniform({ sed: 1 } as never),
    /^initializers\.glorotUniform: unknown option 'sed' \(did you mean 'seed'\?\); valid options: seed$/,
  );
  await refuses(
    () => lm.constraints.maxNorm({ max_value: 2 } as never),
    /^constraints\.maxNorm: unknown option 'max_value' \(did you mean 'maxValue'\?\)/,
  );
});

test('the CLI names the flag a misspelt one meant', () => {
  assert.throws(
    () => parseArgs(['study', '--epoch', '3']),
    /^Error: unknown option '--epoch' \(did you mean '--epochs'\?\)$/,
  );
  assert.throws(() => parseArgs(['study', '--batch_size', '3']), /did you mean '--batch-size'\?/);
});
