/**
 * The two variants of src/platform (Node's, and the browser's that bundlers swap in through the
 * package.json `browser` map) offer the same functions, read the same data, and the browser's
 * refuses Node's modules with an error that says what to use instead.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as browser from '../../src/platform/browser.js';
import * as node from '../../src/platform/node.js';

test('platform variants export the same names', () => {
  assert.deepEqual(Object.keys(browser).sort(), Object.keys(node).sort());
});

test('package.json maps the Node variant to the browser one in dist/ (the package has no src/)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    browser: Record<string, string>;
  };
  assert.deepEqual(pkg.browser, {
    './dist/platform/node.js': './dist/platform/browser.js',
  });
});

test('the embedded data files read as the files in data/ do', async () => {
  for (const file of ['digits.csv.gz', 'iris.csv']) {
    const fromDisk = await node.readPackageData(file);
    assert.equal(await browser.readPackageData(file), fromDisk, file);
  }
  const digits = await browser.readPackageData('digits.csv.gz');
  assert.equal(digits.trim().split('\n').length, 1797);
  await assert.rejects(browser.readPackageData('mnist.csv'), {
    name: 'LaminaError',
    code: 'io',
    message:
      "readPackageData: no data file 'mnist.csv' in this bundle (have: digits.csv.gz, iris.csv)",
  });
});

test("the browser variant refuses Node's modules, naming the caller", async () => {
  await assert.rejects(browser.nodeBuiltin('fs/promises', 'CSVLogger'), {
    name: 'LaminaError',
    code: 'unsupported',
    message:
      "CSVLogger needs Node's file system (node:fs/promises), which a browser does not have; in " +
      "a browser, save and load through 'indexeddb://', 'localstorage://', 'downloads://' or " +
      "'http(s)://' URLs (the io namespace)",
  });
  const path = await node.nodeBuiltin('path', 'test');
  assert.equal(path.join('a', 'b'), 'a/b');
});
