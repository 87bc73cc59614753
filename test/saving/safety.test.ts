/**
 * Safe loading: each kind of bad input gives one LaminaError naming the layer and what was
 * expected, and nothing is half-loaded into an existing model.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Dense,
  input,
  Layer,
  registerLayer,
  sequential,
  type LayerArgs,
  type LayerTensors,
  type Tensor,
} from '../../src/index.js';
import { loadModel, modelToArtifacts, type ModelArtifacts } from '../../src/saving/index.js';
import { LaminaError, type LaminaErrorCode } from '../../src/errors.js';

function build() {
  return sequential({
    layers: [
      input({ shape: [3] }),
      new Dense({ units: 4, name: 'hidden' }),
      new Dense({ units: 2, name: 'out' }),
    ],
  });
}

function mutate(
  fn: (topology: string, a: ModelArtifacts) => ModelArtifacts | string,
): ModelArtifacts {
  const a = modelToArtifacts(build());
  const r = fn(JSON.stringify(a.modelTopology), a);
  return typeof r === 'string'
    ? { ...a, modelTopology: JSON.parse(r) as ModelArtifacts['modelTopology'] }
    : r;
}

async function rejectsWith(
  a: ModelArtifacts,
  code: LaminaErrorCode,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(loadModel(a), (e: unknown) => {
    assert.ok(e instanceof LaminaError, `expected a LaminaError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('loader errors', () => {
  test('unknown class_name', () =>
    rejectsWith(
      mutate((t) => t.replace('"Dense"', '"Lambda"')),
      'unknown-class',
      /hidden.*Lambda|Lambda.*hidden/,
    ));
  test('missing weight', () =>
    rejectsWith(
      mutate((_, a) => {
        const data = new Uint8Array(a.weightData as ArrayBuffer);
        return {
          ...a,
          weightSpecs: a.weightSpecs?.slice(0, 3),
          weightData: data.slice(0, data.byteLength - 8).buffer,
        };
      }),
      'missing-weight',
      /layer 'out'.*out\/bias.*\[2\] float32/,
    ));
  test('wrong shape', () =>
    rejectsWith(
      mutate((t) => t.replace('"units":4', '"units":5')),
      'weight-shape',
      /layer 'hidden' expects weight 'hidden\/kernel' of \[3,5\] float32, the data has \[3,4\]/,
    ));
  test('wrong shape in the specs', () =>
    rejectsWith(
      mutate((_, a) => ({
        ...a,
        weightSpecs: a.weightSpecs?.map((s, i) => (i === 0 ? { ...s, shape: [4, 3] } : s)),
      })),
      'weight-shape',
      /layer 'hidden' expects weight 'hidden\/kernel' of \[3,4\] float32/,
    ));
  test('wrong dtype', () =>
    rejectsWith(
      mutate((_, a) => ({
        ...a,
        weightSpecs: a.weightSpecs?.map((s, i) =>
          i === 1 ? { ...s, dtype: 'int32' as const } : s,
        ),
      })),
      'weight-dtype',
      /layer 'hidden'.*float32/,
    ));
  test('truncated data', () =>
    rejectsWith(
      mutate((_, a) => ({ ...a, weightData: (a.weightData as ArrayBuffer).slice(0, 20) })),
      'truncated-data',
      /bytes/,
    ));
  test('malformed JSON topology', () =>
    rejectsWith(
      mutate((t, a) => ({ ...a, modelTopology: t.slice(0, 40) as never })),
      'malformed-json',
      /JSON/,
    ));
});

describe('allocation bounds', () => {
  test('a config declaring far more parameters than the weights hold fails before allocating', () =>
    rejectsWith(
      mutate((t) => t.replace('"units":4', '"units":100000000')),
      'too-large',
      /hidden/,
    ));
  test('a huge input shape is refused', () =>
    rejectsWith(
      mutate((t) => t.replace('"batch_shape":[null,3]', '"batch_shape":[null,100000,100000]')),
      'too-large',
      /input shape/,
    ));
});

describe('no half-loading', () => {
  test('loadWeights checks every weight before assigning any', async () => {
    const source = build();
    const target = build();
    const before = target.getWeights().map((t) => t.arraySync());
    const a = modelToArtifacts(source);
    const bad = {
      ...a,
      weightSpecs: a.weightSpecs?.map((s, i) => (i === 3 ? { ...s, dtype: 'int32' as const } : s)),
    };
    await assert.rejects(target.loadWeights(bad), LaminaError);
    assert.deepEqual(
      target.getWeights().map((t) => t.arraySync()),
      before,
    );
    await target.loadWeights(a);
    assert.deepEqual(
      target.getWeights().map((t) => t.arraySync()),
      source.getWeights().map((t) => t.arraySync()),
    );
  });
});

describe('custom layers', () => {
  class Scale extends Layer {
    static override className = 'ScaleForSavingTest';
    constructor(args: LayerArgs & { factor?: number } = {}) {
      super(args);
      this.factor = args.factor ?? 2;
    }
    readonly factor: number;
    call(x: LayerTensors): Tensor {
      return (x as Tensor).mul(this.factor);
    }
    override getConfig() {
      return { ...super.getConfig(), factor: this.factor };
    }
  }

  test('load only once registered', async () => {
    const m = sequential({ layers: [input({ shape: [2] }), new Scale({ factor: 3 })] });
    const a = modelToArtifacts(m);
    await assert.rejects(
      loadModel(a),
      (e: unknown) =>
        e instanceof LaminaError && e.code === 'unknown-class' && /registerLayer/.test(e.message),
    );
    registerLayer(Scale);
    const back = await loadModel(a);
    assert.equal((back.getLayer(0) as Scale).factor, 3);
  });
});
