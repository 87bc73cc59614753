/**
 * Saved files name their writer with the version in src/version.ts; it must be package.json's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LIBRARY_VERSION, VERSION } from '../../src/version.js';

test("the version written into saved models is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(VERSION, pkg.version);
  assert.equal(LIBRARY_VERSION, `lamina-nn ${pkg.version}`);
});
