/**
 * http(s):// against a local node:http server: loading model.json and shards from a subfolder
 * (query string, requestInit, weightPathPrefix, fetchFunc, onProgress), saving by a multipart
 * POST that the platform's form-data parser reads back, and the LaminaError of each failure
 * (HTTP status of model.json or of a shard, a short shard, a refused connection).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
import { startModelServer, type ModelServer } from './model-server.js';
import { LaminaTypeError } from '../../src/errors.js';

function mlp(): Sequential {
  return sequential({
    layers: [
      input({ shape: [3] }),
      new Dense({
        units: 4,
        activation: 'tanh',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
      }),
      new Dense({
        units: 2,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } },
        biasInitializer: 'ones',
      }),
    ],
  });
}

const x = randomNormal([5, 3], 0, 1, 7);
const predict = (m: Model): number[] => Array.from((m.predict(x) as Tensor).dataSync());

let server: ModelServer;
let model: Sequential;
let artifacts: ModelArtifacts;
let bytes: Uint8Array;
const info = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };

before(async () => {
  server = await startModelServer();
  model = mlp();
  await model.save(io.withSaveHandler(async (a) => ((artifacts = a), info)));
  bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
  // Weights split across two shards in a subfolder, 40 bytes in the first.
  const json = {
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    weightsManifest: [
      { paths: ['weights/part1.bin', 'weights/part2.bin'], weights: artifacts.weightSpecs },
    ],
  };
  server.files.set('/models/mlp/model.json', {
    body: JSON.stringify(json),
    type: 'application/json',
  });
  server.files.set('/models/mlp/weights/part1.bin', { body: bytes.slice(0, 40) });
  server.files.set('/models/mlp/weights/part2.bin', { body: bytes.slice(40) });
  server.files.set('/cdn/weights/part1.bin', { body: bytes.slice(0, 40) });
  server.files.set('/cdn/weights/part2.bin', { body: bytes.slice(40) });
});

after(() => server.close());

describe('loading over http', () => {
  test('model.json, then its shards from a subfolder, with the query string and requestInit', async () => {
    server.requests.length = 0;
    const progress: number[] = [];
    const loaded = await loadModel(`${server.base}/models/mlp/model.json?v=3`, {
      requestInit: { headers: { Authorization: 'Bearer t0ken' } },
      onProgress: (f) => progress.push(f),
    });
    assert.deepEqual(predict(loaded), predict(model));
    assert.deepEqual(server.requests.map((r) => r.url).sort(), [
      '/models/mlp/model.json?v=3',
      '/models/mlp/weights/part1.bin?v=3',
      '/models/mlp/weights/part2.bin?v=3',
    ]);
    for (const r of server.requests) assert.equal(r.headers.authorization, 'Bearer t0ken');
    assert.deepEqual(progress, [0, 0.5, 1]);
  });

  test('io.http with weightPathPrefix fetches the shards from there, through fetchFunc', async () => {
    server.requests.length = 0;
    const fetched: string[] = [];
    const fetchFunc: typeof fetch = (url, init) => {
      fetched.push(String(url));
      return fetch(url, init);
    };
    const loaded = await loadModel(
      io.http(`${server.base}/models/mlp/model.json`, {
        weightPathPrefix: `${server.base}/cdn/`,
        fetchFunc,
      }),
    );
    assert.deepEqual(predict(loaded), predict(model));
    assert.deepEqual(fetched, [
      `${server.base}/models/mlp/model.json`,
      `${server.base}/cdn/weights/part1.bin`,
      `${server.base}/cdn/weights/part2.bin`,
    ]);
  });

  test('weightUrlConverter names each shard URL', async () => {
    const loaded = await loadModel(`${server.base}/models/mlp/model.json`, {
      weightUrlConverter: async (name) => `${server.base}/cdn/${name}`,
    });
    assert.deepEqual(predict(loaded), predict(model));
  });

  test('a 404 for model.json is a LaminaError naming the URL and the status', async () => {
    const url = `${server.base}/models/none/model.json`;
    await assert.rejects(loadModel(url), (e: unknown) => {
      assert.ok(e instanceof LaminaError);
      assert.equal(e.code, 'io');
      assert.match(
        e.message,
        new RegExp(`GET ${url.replace(/[.?]/g, '\\$&')} answered HTTP 404 Not Found`),
      );
      return true;
    });
  });

  test('a missing shard is a LaminaError naming the shard, its URL and the status', async () => {
    const json = JSON.parse(server.files.get('/models/mlp/model.json')?.body as string) as Record<
      string,
      unknown
    >;
    server.files.set('/broken/model.json', {
      body: JSON.stringify(json),
      type: 'application/json',
    });
    server.files.set('/broken/weights/part1.bin', { body: bytes.slice(0, 40) });
    await assert.rejects(loadModel(`${server.base}/broken/model.json`), (e: unknown) => {
      assert.ok(e instanceof LaminaError);
      assert.equal(e.code, 'io');
      assert.match(
        e.message,
        /weight shard 'weights\/part2\.bin' \(GET http:\/\/127\.0\.0\.1:\d+\/broken\/weights\/part2\.bin\) answered HTTP 404/,
      );
      return true;
    });
  });

  test('a short shard is a truncated-data LaminaError with both byte counts', async () => {
    server.files.set('/broken/weights/part2.bin', { body: bytes.slice(40, -4) });
    await assert.rejects(loadModel(`${server.base}/broken/model.json`), (e: unknown) => {
      assert.ok(e instanceof LaminaError);
      assert.equal(e.code, 'truncated-data');
      assert.match(
        e.message,
        new RegExp(
          `declares ${bytes.byteLength} bytes of weights, the shards hold ${bytes.byteLength - 4}`,
        ),
      );
      assert.match(e.message, /loadModel\(http:\/\/127\.0\.0\.1:\d+\/broken\/model\.json\)/);
      return true;
    });
  });

  test('a refused connection is a LaminaError naming the URL', async () => {
    const closed = await startModelServer();
    await closed.close();
    await assert.rejects(loadModel(`${closed.base}/m/model.json`), (e: unknown) => {
      assert.ok(e instanceof LaminaError);
      assert.equal(e.code, 'io');
      assert.ok(e.message.includes(`GET ${closed.base}/m/model.json failed`), e.message);
      return true;
    });
  });

  test('requestInit with a body is refused', () => {
    assert.throws(
      () => io.http(`${server.base}/m`, { requestInit: { body: 'x' } }),
      LaminaTypeError,
    );
  });
});

describe('saving over http', () => {
  test('model.save(url) POSTs model.json and model.weights.bin as multipart/form-data', async () => {
    server.uploads.length = 0;
    server.requests.length = 0;
    const result = await model.save(`${server.base}/upload`);
    assert.equal(result.responses?.[0]?.status, 200);
    assert.equal(result.modelArtifactsInfo.weightDataBytes, bytes.byteLength);
    assert.equal(server.requests[0]?.method, 'POST');
    const upload = server.uploads[0];
    assert.ok(upload !== undefined);
    assert.match(upload.contentType, /^multipart\/form-data; boundary=/);
    assert.deepEqual([...upload.form.keys()], ['model.json', 'model.weights.bin']);
    const jsonPart = upload.form.get('model.json') as File;
    const weightsPart = upload.form.get('model.weights.bin') as File;
    assert.equal(jsonPart.name, 'model.json');
    assert.equal(jsonPart.type, 'application/json');
    assert.equal(weightsPart.name, 'model.weights.bin');
    assert.equal(weightsPart.type, 'application/octet-stream');
    const json = JSON.parse(await jsonPart.text()) as {
      weightsManifest: { paths: string[]; weights: unknown }[];
      format: string;
    };
    assert.deepEqual(json.weightsManifest, [
      { paths: ['./model.weights.bin'], weights: artifacts.weightSpecs },
    ]);
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(new Uint8Array(await weightsPart.arrayBuffer()), bytes);
    // What the server received is a loadable model: browserFiles reads the two parts.
    const loaded = await loadModel(io.browserFiles([jsonPart, weightsPart]));
    assert.deepEqual(predict(loaded), predict(model));
  });

  test('io.http sends requestInit (method, headers) with the form', async () => {
    server.requests.length = 0;
    await model.save(
      io.http(`${server.base}/upload`, {
        requestInit: { method: 'PUT', headers: { 'X-Key': 'k1' } },
      }),
    );
    assert.equal(server.requests[0]?.method, 'PUT');
    assert.equal(server.requests[0]?.headers['x-key'], 'k1');
  });

  test('a server error is a LaminaError naming the URL and the status', async () => {
    server.postStatus = 500;
    try {
      await assert.rejects(model.save(`${server.base}/upload`), (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'io');
        assert.match(
          e.message,
          /model\.save\(http:\/\/127\.0\.0\.1:\d+\/upload\): POST http:\/\/127\.0\.0\.1:\d+\/upload answered HTTP 500/,
        );
        return true;
      });
    } finally {
      server.postStatus = 200;
    }
  });
});
