/**
 * A `.keras` archive by URL: fetched over http and loaded with the same weights as from its file;
 * an HTTP error is a LaminaError naming the URL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LaminaError } from '../../src/errors.js';
import { loadModel } from '../../src/saving/index.js';

const FILE = fileURLToPath(
  new URL('../fixtures/keras3/dense_regularized/model.keras', import.meta.url),
);
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/models/m.keras') res.writeHead(200).end(readFileSync(FILE));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('loadModel fetches a .keras archive over http', async () => {
  const fromUrl = await loadModel(`${base}/models/m.keras`);
  const fromFile = await loadModel(FILE);
  assert.equal(fromUrl.weights.length, fromFile.weights.length);
  fromUrl.weights.forEach((w, i) =>
    assert.deepEqual(w.dataSync(), fromFile.weights[i]!.dataSync(), w.name),
  );
});

test('an HTTP error names the URL and the status', async () => {
  await assert.rejects(loadModel(`${base}/models/missing.keras`), (e: unknown) => {
    assert.ok(e instanceof LaminaError);
    assert.match(e.message, /missing\.keras.*answered 404/);
    return true;
  });
});
