/**
 * The io handlers that run in Node: fromMemory (both signatures) and withSaveHandler, file://
 * and plain paths, localstorage:// over an in-test Web Storage (TensorFlow.js's key layout,
 * base64 weights, listModels/copyModel/moveModel/removeModel), browserFiles over Node's File,
 * registered routers, and the LaminaError of schemes this environment lacks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  Dense,
  LaminaError,
  input,
  io,
  loadModel,
  randomNormal,
  sequential,
  type Model,
  type ModelArtifacts,
  type Sequential,
  type Tensor,
} from '../../src/index.js';
import { LaminaTypeError } from '../../src/errors.js';

function mlp(): Sequential {
  return sequential({
    layers: [
      input({ shape: [3] }),
      new Dense({
        units: 4,
        activation: 'relu',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
        biasInitializer: 'ones',
      }),
      new Dense({
        units: 2,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 4 } },
      }),
    ],
  });
}

const x = randomNormal([4, 3], 0, 1, 9);
const predict = (m: Model): number[] => Array.from((m.predict(x) as Tensor).dataSync());
const info = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };

let model: Sequential;
let artifacts: ModelArtifacts;
let want: number[];

before(async () => {
  model = mlp();
  await model.save(io.withSaveHandler(async (a) => ((artifacts = a), info)));
  want = predict(model);
});

/** A Web Storage in memory, with an optional quota in characters (keys and values). */
class MemoryStorage implements io.StorageLike {
  readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length(): number {
    return this.items.size;
  }
  key(i: number): string | null {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    let used = key.length + value.length;
    for (const [k, v] of this.items) if (k !== key) used += k.length + v.length;
    if (used > this.quota) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

function rejectsWith(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof LaminaError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('in memory', () => {
  test('withSaveHandler receives the artifacts; fromMemory(artifacts) loads them', async () => {
    assert.deepEqual(
      artifacts.weightSpecs?.map((s) => [s.name, s.shape, s.dtype]),
      [
        ['dense/kernel', [3, 4], 'float32'],
        ['dense/bias', [4], 'float32'],
        ['dense_1/kernel', [4, 2], 'float32'],
        ['dense_1/bias', [2], 'float32'],
      ],
    );
    assert.equal((artifacts.weightData as ArrayBuffer).byteLength, 4 * (12 + 4 + 8 + 2));
    assert.deepEqual(predict(await loadModel(io.fromMemory(artifacts))), want);
  });

  test('fromMemory(topology, weightSpecs, weightData): the older signature', async () => {
    const handler = io.fromMemory(
      artifacts.modelTopology as Record<string, never>,
      artifacts.weightSpecs,
      artifacts.weightData as ArrayBuffer,
    );
    const loaded = await handler.load();
    assert.deepEqual(Object.keys(loaded).sort(), ['modelTopology', 'weightData', 'weightSpecs']);
    assert.deepEqual(predict(await loadModel(handler)), want);
  });

  test('fromMemorySync and withSaveHandlerSync return without a promise', async () => {
    const sync = io.fromMemorySync(artifacts);
    assert.equal(sync.load(), artifacts);
    let seen: ModelArtifacts | undefined;
    const result = await model.save(io.withSaveHandlerSync((a) => ((seen = a), info)));
    assert.equal(result, info);
    assert.deepEqual(seen?.weightSpecs, artifacts.weightSpecs);
  });
});

describe('file:// and paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-io-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('model.save(file://dir) then loadModel by file:// URL of model.json and by path', async () => {
    await model.save(`file://${dir}/a`);
    assert.deepEqual(
      readdirSync(join(dir, 'a')).filter((f) => f.endsWith('.json')),
      ['model.json'],
    );
    assert.deepEqual(predict(await loadModel(`file://${dir}/a/model.json`)), want);
    assert.deepEqual(predict(await loadModel(join(dir, 'a'))), want);
    assert.deepEqual(predict(await loadModel(io.fileSystem(`${dir}/a`))), want);
  });

  test('copyModel from file:// to file://', async () => {
    const copied = await io.copyModel(`file://${dir}/a`, `file://${dir}/b`);
    assert.equal(copied.weightDataBytes, 104);
    assert.deepEqual(predict(await loadModel(`file://${dir}/b`)), want);
  });

  test('a missing file is a LaminaError naming the path', async () => {
    await assert.rejects(loadModel(`file://${dir}/none`), rejectsWith('io', /none\/model\.json/));
  });
});

describe('localstorage://', () => {
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  test("TensorFlow.js's keys, the weights in base64, and back", async () => {
    const storage = new MemoryStorage();
    const result = await model.save(io.browserLocalStorage('my/model', storage));
    assert.deepEqual(
      [...storage.items.keys()],
      ['info', 'model_topology', 'weight_specs', 'weight_data', 'model_metadata'].map(
        (k) => `tensorflowjs_models/my/model/${k}`,
      ),
    );
    const weights = storage.getItem('tensorflowjs_models/my/model/weight_data') as string;
    assert.deepEqual(
      new Uint8Array(Buffer.from(weights, 'base64')),
      new Uint8Array(artifacts.weightData as ArrayBuffer),
    );
    const stored = JSON.parse(
      storage.getItem('tensorflowjs_models/my/model/info') as string,
    ) as Record<string, unknown>;
    assert.equal(stored.modelTopologyType, 'JSON');
    assert.equal(stored.weightDataBytes, 104);
    assert.equal(stored.dateSaved, result.modelArtifactsInfo.dateSaved.toISOString());
    const metadata = JSON.parse(
      storage.getItem('tensorflowjs_models/my/model/model_metadata') as string,
    ) as Record<string, unknown>;
    assert.equal(metadata.format, 'layers-model');
    assert.deepEqual(predict(await loadModel(io.browserLocalStorage('my/model', storage))), want);
  });

  test('through the page localStorage: save, load, list, copy, move, remove', async () => {
    const storage = new MemoryStorage();
    (globalThis as { localStorage?: unknown }).localStorage = storage;
    await model.save('localstorage://a');
    assert.deepEqual(predict(await loadModel('localstorage://a')), want);
    await io.copyModel('localstorage://a', 'localstorage://b');
    await io.moveModel('localstorage://b', 'localstorage://c');
    const listed = await io.listModels();
    assert.deepEqual(Object.keys(listed).sort(), ['localstorage://a', 'localstorage://c']);
    assert.ok(listed['localstorage://a']?.dateSaved instanceof Date);
    assert.equal(listed['localstorage://c']?.weightDataBytes, 104);
    assert.deepEqual(predict(await loadModel('localstorage://c')), want);
    const removed = await io.removeModel('localstorage://a');
    assert.equal(removed.weightDataBytes, 104);
    assert.deepEqual(Object.keys(await io.listModels()), ['localstorage://c']);
    assert.equal(storage.length, 5);
  });

  test('a missing model, a missing part and a full store are LaminaErrors naming the model', async () => {
    const storage = new MemoryStorage();
    (globalThis as { localStorage?: unknown }).localStorage = storage;
    await assert.rejects(
      loadModel('localstorage://nope'),
      rejectsWith(
        'io',
        /loadModel\(localstorage:\/\/nope\): no model named 'nope' in localStorage/,
      ),
    );
    await assert.rejects(
      io.removeModel('localstorage://nope'),
      rejectsWith('io', /io\.removeModel\(localstorage:\/\/nope\): no model named 'nope'/),
    );
    await model.save('localstorage://m');
    storage.removeItem('tensorflowjs_models/m/weight_data');
    await assert.rejects(
      loadModel('localstorage://m'),
      rejectsWith(
        'io',
        /the model's weight data is missing from localStorage \(no key 'tensorflowjs_models\/m\/weight_data'\)/,
      ),
    );
    const small = new MemoryStorage(600);
    await assert.rejects(
      model.save(io.browserLocalStorage('big', small)),
      rejectsWith(
        'io',
        /model\.save\(localstorage:\/\/big\): localStorage refused the model \(QuotaExceededError\)/,
      ),
    );
    assert.equal(small.length, 0, 'nothing half-written is left');
  });

  test('without any localStorage, a LaminaError says so; listModels lists nothing', async () => {
    await assert.rejects(
      loadModel('localstorage://m'),
      rejectsWith('unsupported', /no localStorage in this environment/),
    );
    assert.deepEqual(await io.listModels(), {});
  });
});

describe('browserFiles', () => {
  const json = (paths: string[]): File =>
    new File(
      [
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
        }),
      ],
      'model.json',
    );
  const bytes = (): Uint8Array => new Uint8Array(artifacts.weightData as ArrayBuffer);

  test('shards matched by base name, in manifest order whatever the order of the files', async () => {
    const one = new File([bytes().slice(0, 60).buffer], 'group1-shard1of2.bin');
    const two = new File([bytes().slice(60).buffer], 'group1-shard2of2.bin');
    const handler = io.browserFiles([
      json(['./group1-shard1of2.bin', 'w/group1-shard2of2.bin']),
      two,
      one,
    ]);
    assert.deepEqual(predict(await loadModel(handler)), want);
  });

  test('a shard not among the files, or a file too many, is a LaminaError', async () => {
    const one = new File([bytes().slice().buffer], 'a.bin');
    await assert.rejects(
      loadModel(io.browserFiles([json(['b.bin']), one])),
      rejectsWith(
        'missing-weight',
        /io\.browserFiles: model\.json\): the manifest lists the weight file 'b\.bin', which is not among the files given \(a\.bin\)/,
      ),
    );
    await assert.rejects(
      loadModel(io.browserFiles([json(['a.bin']), one, new File([], 'c.bin')])),
      rejectsWith('invalid-config', /the manifest lists 1 weight files, 2 were given/),
    );
    assert.throws(() => io.browserFiles([]), LaminaTypeError);
  });
});

describe('routing', () => {
  test('a registered router takes its scheme, for loading and for saving', async () => {
    const kept = new Map<string, ModelArtifacts>();
    const router: io.IORouter = (url) =>
      url.startsWith('memory-test://')
        ? {
            save: async (a) => (kept.set(url, a), info),
            load: async () => kept.get(url) as ModelArtifacts,
          }
        : null;
    io.registerSaveRouter(router);
    io.registerLoadRouter(router);
    await model.save('memory-test://one');
    assert.deepEqual(predict(await loadModel('memory-test://one')), want);
    assert.equal(io.getLoadHandlers('memory-test://one').length, 1);
    assert.equal(io.getSaveHandlers('indexeddb://x').length, 1);
    assert.equal(io.getLoadHandlers('downloads://x').length, 0);
  });

  test('an unknown scheme is a LaminaError listing the known ones', async () => {
    await assert.rejects(
      loadModel('ftp://host/model.json'),
      rejectsWith(
        'unsupported',
        /loadModel\(ftp:\/\/host\/model\.json\): no way to load 'ftp:\/\/host\/model\.json': expected a path, file:\/\/, http\(s\):\/\/, indexeddb:\/\/, localstorage:\/\/ or a scheme registered with io\.registerLoadRouter/,
      ),
    );
    await assert.rejects(
      loadModel('downloads://m'),
      rejectsWith('unsupported', /no way to load 'downloads:\/\/m'/),
    );
  });

  test('browser-only schemes in Node are LaminaErrors naming the URL', async () => {
    await assert.rejects(
      loadModel('indexeddb://m'),
      rejectsWith('unsupported', /loadModel\(indexeddb:\/\/m\): no IndexedDB in this environment/),
    );
    await assert.rejects(
      model.save('downloads://m'),
      rejectsWith('unsupported', /model\.save\(downloads:\/\/m\): downloads need a browser page/),
    );
    await assert.rejects(
      io.removeModel('file:///tmp/m'),
      rejectsWith('unsupported', /expected the URL of a stored model/),
    );
    await assert.rejects(
      io.copyModel('localstorage://a', 'localstorage://a'),
      rejectsWith('invalid-config', /the same URL/),
    );
  });

  test('the io helpers with TensorFlow.js names', () => {
    const a = new Uint8Array([1, 2]).buffer;
    const b = new Uint8Array([3]).buffer;
    assert.deepEqual(new Uint8Array(io.concatenateArrayBuffers([a, b])), new Uint8Array([1, 2, 3]));
    const manifest = [
      { paths: ['1'], weights: artifacts.weightSpecs?.slice(0, 2) ?? [] },
      { paths: ['2'], weights: artifacts.weightSpecs?.slice(2) ?? [] },
    ];
    assert.deepEqual(io.getWeightSpecs(manifest), artifacts.weightSpecs);
    const sizes = io.getModelArtifactsInfoForJSON(artifacts);
    assert.equal(sizes.weightDataBytes, 104);
    assert.equal(sizes.weightSpecsBytes, JSON.stringify(artifacts.weightSpecs).length);
    assert.ok(io.isHTTPScheme('https://x') && !io.isHTTPScheme('file://x'));
  });
});
