import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { data, LaminaError, type Tensor } from '../../src/index.js';
import { csvRecords } from '../../src/data/csv/records.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

test('quoted fields with delimiters, doubled quotes and line breaks; CRLF; blank lines skipped', async () => {
  const path = file(
    'id,text,value\r\n1,"a, b",2.5\r\n2,"say ""hi""",-3\r\n\r\n3,"two\r\nlines",1e3\n4,plain,\n',
  );
  assert.deepEqual(await data.csv(path).toArray(), [
    { id: 1, text: 'a, b', value: 2.5 },
    { id: 2, text: 'say "hi"', value: -3 },
    { id: 3, text: 'two\nlines', value: 1000 },
    { id: 4, text: 'plain', value: undefined },
  ]);
});

test('label columns go to ys, the rest to xs; defaults fill empty cells; dtypes', async () => {
  const path = file('a,b,flag,label\n1.5,,true,1\n2.7,4,0,0\n');
  const ds = data.csv(path, {
    columnConfigs: {
      b: { default: -1 },
      a: { dtype: 'int32' },
      flag: { dtype: 'bool' },
      label: { isLabel: true },
    },
  });
  assert.deepEqual(await ds.toArray(), [
    { xs: { a: 1, b: -1, flag: 1 }, ys: { label: 1 } },
    { xs: { a: 2, b: 4, flag: 0 }, ys: { label: 0 } },
  ]);
  assert.deepEqual(await ds.columnNames(), ['a', 'b', 'flag', 'label']);
  // The usual pipeline: features to a vector, then batches of { xs, ys } tensors.
  const [batch] = await ds
    .map(({ xs, ys }) => ({ xs: Object.values(xs) as number[], ys: ys.label as number }))
    .batch(2)
    .toArray();
  assert.deepEqual((batch!.xs as Tensor).arraySync(), [
    [1, -1, 1],
    [2, 4, 0],
  ]);
  assert.deepEqual((batch!.ys as Tensor).arraySync(), [1, 0]);
});

test('required and label columns refuse empty cells, naming the line', async () => {
  const path = file('x,y\n1,2\n3,4\n,6\n');
  await assert.rejects(
    data.csv(path, { columnConfigs: { x: { required: true } } }).toArray(),
    /line 4: the required column 'x' is empty/,
  );
  const labels = file('x,y\n1,2\n3,\n');
  await assert.rejects(
    data.csv(labels, { columnConfigs: { y: { isLabel: true } } }).toArray(),
    /line 3: the label column 'y' is empty \(give it a default to fill empty cells\)/,
  );
});

test('columnNames, hasHeader, configuredColumnsOnly, delimiters', async () => {
  const noHeader = file('1;2;3\n4;5;6\n');
  const ds = data.csv(noHeader, {
    hasHeader: false,
    columnNames: ['p', 'q', 'r'],
    delimiter: ';',
    columnConfigs: { r: {}, p: {} },
    configuredColumnsOnly: true,
  });
  assert.deepEqual(await ds.toArray(), [
    { p: 1, r: 3 },
    { p: 4, r: 6 },
  ]);
  assert.deepEqual(await ds.columnNames(), ['r', 'p']);
  const renamed = file('a,b\n1,2\n');
  assert.deepEqual(await data.csv(renamed, { columnNames: ['x', 'y'] }).toArray(), [
    { x: 1, y: 2 },
  ]);
  const spaced = file('a  b\tc\n 1 2   3  \n');
  assert.deepEqual(await data.csv(spaced, { delimWhitespace: true }).toArray(), [
    { a: 1, b: 2, c: 3 },
  ]);
  const text = file('a,b\nx,0x10\n');
  assert.deepEqual(
    await data.csv(text).toArray(),
    [{ a: 'x', b: 16 }],
    'Number() as TensorFlow.js',
  );
});

test('malformed files and options are refused with the line and what was expected', async () => {
  await assert.rejects(
    data.csv(file('a,b\n1,2\n3\n')).toArray(),
    /line 3 has 1 fields, expected 2 \(a, b\)/,
  );
  await assert.rejects(
    data.csv(file('a,b\n1,"open\n2,3\n')).toArray(),
    /the quoted field opened on line 2 is never closed/,
  );
  await assert.rejects(
    data.csv(file('a,b\n"x"y,2\n')).toArray(),
    /line 2: unexpected "y" after the closing quote of field 1/,
  );
  await assert.rejects(
    data.csv(file('a,a\n1,2\n')).toArray(),
    /duplicate column names in the header \(line 1\): a/,
  );
  await assert.rejects(
    data.csv(file('a,b\n1,2\n'), { columnNames: ['x'] }).toArray(),
    /columnNames has 1 names but the header \(line 1\) has 2 columns/,
  );
  await assert.rejects(
    data.csv(file('a,b\n1,2\n'), { columnConfigs: { c: { isLabel: true } } }).toArray(),
    /columnConfigs names c, which are not columns \(a, b\)/,
  );
  await assert.rejects(data.csv(file('')).toArray(), /the data is empty: no header line was found/);
  assert.throws(
    () => data.csv('x.csv', { hasHeader: false }),
    /columnNames are required when hasHeader is false/,
  );
  assert.throws(
    () => data.csv('x.csv', { delimiter: ';;' }),
    /delimiter must be one character other than a quote or a line break, received ";;"/,
  );
  assert.throws(
    () => data.csv('x.csv', { columnConfigs: { a: { dtype: 'float64' as 'float32' } } }),
    /columnConfigs.a.dtype must be one of float32, int32, bool, string, received float64/,
  );
  assert.throws(
    () => data.csv(42 as unknown as string),
    /source must be a file path, a URL \(string or URL\), a Request or a Response, received number/,
  );
  const missing = join(dir, 'missing.csv');
  const error = await data
    .csv(missing)
    .toArray()
    .then(
      () => null,
      (e: unknown) => e,
    );
  assert.ok(error instanceof LaminaError && error.code === 'io', String(error));
  assert.match((error as Error).message, /cannot read '.*missing.csv': ENOENT/);
});

test('file:// URLs, as strings and URL objects', async () => {
  const path = file('v\n1\n2\n');
  const url = pathToFileURL(path);
  assert.deepEqual(await data.csv(url.href).toArray(), [{ v: 1 }, { v: 2 }]);
  assert.deepEqual(await data.csv(url).toArray(), [{ v: 1 }, { v: 2 }]);
});

test('records survive chunk boundaries inside CRLF, quotes and multi-byte characters', async () => {
  const text = 'name,v\r\n"é, ü",1\r\n"q""q",2\r\n';
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 2, 3, 5]) {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    const records = [];
    for await (const r of csvRecords(chunks(), { delimiter: ',', delimWhitespace: false }, 't'))
      records.push(r);
    assert.deepEqual(records, [
      { fields: ['name', 'v'], line: 1 },
      { fields: ['é, ü', '1'], line: 2 },
      { fields: ['q"q', '2'], line: 3 },
    ]);
  }
});

// An HTTP server with a small file, a 404, and an endless CSV that counts the rows it sent.
let server: Server;
let base = '';
let endlessRowsSent = 0;
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/small.csv') {
      res.end('a,b\n1,2\n3,4\n');
    } else if (req.url === '/endless.csv') {
      res.write('i,sq\n');
      let i = 0;
      const pump = (): void => {
        // write() returns false once the socket buffers are full: wait until the client reads.
        while (!res.destroyed && res.write(`${i},${i * i}\n`)) endlessRowsSent = ++i;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else {
      res.statusCode = 404;
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('http(s) URLs, Requests and Responses are read through fetch', async () => {
  const rows = [
    { a: 1, b: 2 },
    { a: 3, b: 4 },
  ];
  assert.deepEqual(await data.csv(`${base}/small.csv`).toArray(), rows);
  assert.deepEqual(await data.csv(new Request(`${base}/small.csv`)).toArray(), rows);
  const response = await fetch(`${base}/small.csv`);
  const ds = data.csv(response);
  assert.deepEqual(await ds.columnNames(), ['a', 'b']);
  assert.deepEqual(await ds.toArray(), rows);
  await assert.rejects(ds.toArray(), /the Response body has already been read/);
  await assert.rejects(
    data.csv(`${base}/nothing.csv`).toArray(),
    /fetching .*nothing.csv answered 404 Not Found/,
  );
});

test('streaming: an endless CSV over http is read only as far as it is consumed', async () => {
  const ds = data.csv(`${base}/endless.csv`);
  const rows = await ds.skip(1000).take(3).toArray();
  assert.deepEqual(rows, [
    { i: 1000, sq: 1000000 },
    { i: 1001, sq: 1002001 },
    { i: 1002, sq: 1004004 },
  ]);
  // The server stopped at what the socket buffers hold: far below what an eager read would take.
  assert.ok(endlessRowsSent < 2_000_000, `sent ${endlessRowsSent} rows`);
  const [batch] = await ds.batch(4).take(1).toArray();
  assert.deepEqual((batch!.sq as Tensor).arraySync(), [0, 1, 4, 9]);
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ElementOf<D> = D extends data.Dataset<infer T> ? T : never;

test('the element type follows the config: isLabel: true gives { xs, ys } (checked by tsc)', async () => {
  const path = file('x,y\n1,2\n');
  const plain = data.csv(path);
  const labeled = data.csv(path, { columnConfigs: { y: { isLabel: true }, x: { default: 0 } } });
  const unlabeled = data.csv(path, { columnConfigs: { y: { default: 1 } } });
  const config: data.CsvConfig = { columnConfigs: { y: { isLabel: true } } };
  const unknown = data.csv(path, config);
  const types: [
    Same<ElementOf<typeof plain>, data.CsvRow>,
    Same<ElementOf<typeof labeled>, data.LabeledCsvRow>,
    Same<ElementOf<typeof unlabeled>, data.CsvRow>,
    Same<ElementOf<typeof unknown>, data.CsvElement>,
  ] = [true, true, true, true];
  assert.deepEqual(types, [true, true, true, true]);
  const [row] = await labeled.toArray();
  assert.deepEqual([row!.xs.x, row!.ys.y], [1, 2]);
  assert.deepEqual(await plain.toArray(), [{ x: 1, y: 2 }]);
  assert.deepEqual(await unlabeled.toArray(), [{ x: 1, y: 2 }]);
  assert.deepEqual(await unknown.toArray(), [{ xs: { x: 1 }, ys: { y: 2 } }]);
});
