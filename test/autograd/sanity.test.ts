import { test } from 'node:test';
import { matMul, randomNormal, relu } from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { tensor } from '../../src/index.js';

forEachBackend('gradcheck harness', () => {
  test('matMul then relu', () => {
    const a = randomNormal([3, 4], 0, 1, 1);
    const b = randomNormal([4, 2], 0, 1, 2);
    checkGrad((x, y) => relu(matMul(x, y)), [a, b]);
  });
  test('assertClose', () => {
    assertClose(tensor([1, 2]).add(1), [2, 3]);
  });
});
