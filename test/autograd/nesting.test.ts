import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grad, noGrad, scalar, sum, tensor, valueAndGrad, variableGrads } from '../../src/index.js';
import { forEachBackend } from '../helpers.js';

forEachBackend('nested gradient tapes', () => {
  test('a gradient opened inside a recording gradient is refused, not silently cut', () => {
    const f = (t: ReturnType<typeof scalar>) => t.square();
    assert.throws(
      () => grad((t) => valueAndGrad(f)(t).value)(scalar(3)),
      /valueAndGrads: called while another gradient is being recorded; nested/,
    );
    assert.throws(
      () => grad((t) => variableGrads(() => sum(t)).value)(scalar(3)),
      /variableGrads: called while another gradient is being recorded/,
    );
  });

  test('an unrelated inner gradient works inside noGrad', () => {
    const outer = grad((t) => {
      const inner = noGrad(() => grad((u) => u.square().sum())(tensor([2])));
      return t.mul(inner.reshape([]));
    })(scalar(5));
    assert.deepEqual(outer.arraySync(), 4);
  });
});
