/**
 * Metrics give and take their accumulated state, so a checkpoint saved in the middle of an
 * epoch resumes the epoch's metric values exactly (training/resume.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LaminaError, Metric, metrics, tensor } from '../../src/index.js';

const { AUC, Mean, Precision, Recall } = metrics;

const yTrue = tensor([1, 0, 1, 1, 0, 0], [6, 1]);
const yPred = tensor([0.9, 0.2, 0.4, 0.7, 0.6, 0.1], [6, 1]);
const yTrue2 = tensor([0, 1, 1, 0], [4, 1]);
const yPred2 = tensor([0.3, 0.8, 0.45, 0.55], [4, 1]);

test('built-in metrics: state after part of the data, restored into a fresh one, ends the same', () => {
  const makers: [string, () => Metric][] = [
    ['AUC', () => new AUC({ numThresholds: 7 })],
    ['Precision', () => new Precision()],
    ['Recall', () => new Recall({ thresholds: 0.5 })],
  ];
  for (const [name, make] of makers) {
    const straight = make();
    straight.updateState(yTrue, yPred);
    straight.updateState(yTrue2, yPred2);
    const first = make();
    first.updateState(yTrue, yPred);
    const state = first.getState();
    assert.ok(state !== null, name);
    const resumed = make();
    resumed.setState(JSON.parse(JSON.stringify(state)) as number[]);
    resumed.updateState(yTrue2, yPred2);
    assert.equal(resumed.result(), straight.result(), name);
    assert.notEqual(first.result(), straight.result(), `${name}: the second batch matters`);
  }
  const mean = new Mean();
  mean.updateState(tensor([1, 2, 3]));
  const again = new Mean();
  again.setState(mean.getState());
  again.updateState(tensor([10]));
  assert.equal(again.result(), 4);
  assert.deepEqual(mean.getState(), [6, 3]);
});

test('a state of the wrong length is a LaminaError naming the metric; a custom metric has none', () => {
  assert.throws(
    () => new AUC({ numThresholds: 3 }).setState([1, 2]),
    (e: unknown) =>
      e instanceof LaminaError &&
      e.code === 'invalid-config' &&
      e.message === "AUC 'auc': a saved metric state must be 12 numbers, received 2 values",
  );
  class Count extends Metric {
    readonly className = 'Count';
    private n = 0;
    constructor() {
      super('count');
    }
    updateState(): void {
      this.n += 1;
    }
    result(): number {
      return this.n;
    }
    resetState(): void {
      this.n = 0;
    }
  }
  const custom = new Count();
  assert.equal(custom.getState(), null);
  assert.throws(
    () => custom.setState([1]),
    /^LaminaError: Count 'count': this metric cannot restore a saved state/,
  );
});
