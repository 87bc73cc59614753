import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumericCsv } from '../../src/index.js';

test('parseNumericCsv reads headers, quotes and numbers', () => {
  const t = parseNumericCsv('a,"b,c",label\n1,2.5,0\n-3,1e2,1\n', { source: 'x.csv' });
  assert.deepEqual(t.columns, ['a', 'b,c', 'label']);
  assert.equal(t.rows, 2);
  assert.deepEqual(Array.from(t.values), [1, 2.5, 0, -3, 100, 1]);
  assert.deepEqual(parseNumericCsv('1,2\n3,4').columns, ['column_0', 'column_1']);
});

test('parseNumericCsv names the file, line and column of bad input', () => {
  assert.throws(
    () => parseNumericCsv('a,b\n1,2\n3\n', { source: 'data.csv' }),
    /^LaminaError: data.csv:3: expected 2 columns \(as line 1\), received 1$/,
  );
  assert.throws(
    () => parseNumericCsv('a,b\n1,x\n', { source: 'data.csv' }),
    /^LaminaError: data.csv:2: column 2 \('b'\): expected a number, received "x"$/,
  );
  assert.throws(
    () => parseNumericCsv('a,b\n1,\n', { source: 'd.csv' }),
    /d.csv:2: column 2 \('b'\): expected a number, received ""/,
  );
  assert.throws(() => parseNumericCsv('', { source: 'e.csv' }), /e.csv: the file is empty/);
  assert.throws(
    () => parseNumericCsv('a,b\n', { source: 'h.csv' }),
    /h.csv: the file has a header but no data rows/,
  );
});
