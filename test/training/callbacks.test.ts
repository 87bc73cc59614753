import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  callbacks,
  CSVLogger,
  Dense,
  EarlyStopping,
  LearningRateScheduler,
  ReduceLROnPlateau,
  sequential,
  tensor,
  TerminateOnNaN,
  type Logs,
} from '../../src/index.js';
import { forEachBackend } from '../helpers.js';

const x = tensor([[1], [2], [3], [4]]);
const y = tensor([[2], [4], [6], [8]]);

function linear(lr = 0.01) {
  const m = sequential({
    layers: [new Dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', useBias: false })],
  });
  m.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: lr } }, loss: 'mse' });
  return m;
}

/** Replays a fixed sequence of monitored values, one per epoch. */
function scripted(values: number[], key = 'val_loss') {
  return { onEpochEnd: (epoch: number, logs?: Logs) => void (logs![key] = values[epoch]!) };
}

forEachBackend('callbacks', () => {
  test('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const m = linear();
    const weightsAt: number[] = [];
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await m.fit(x, y, {
      epochs: 20,
      batchSize: 4,
      verbose: 0,
      shuffle: false,
      callbacks: [
        scripted([5, 3, 4, 3.5, 1, 0]),
        { onEpochEnd: () => void weightsAt.push(m.getWeights()[0]!.dataSync()[0]!) },
        es,
      ],
    });
    assert.equal(
      h.epoch.length,
      4,
      'best at epoch 1; epochs 2 and 3 do not improve; stops after epoch 3',
    );
    assert.equal(es.stoppedEpoch, 3);
    assert.equal(es.bestEpoch, 1);
    assert.equal(
      m.getWeights()[0]!.dataSync()[0],
      weightsAt[1],
      'weights of the best epoch restored',
    );
  });

  test('EarlyStopping: mode auto maximizes accuracy; minDelta and baseline', async () => {
    const m = linear();
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 1 });
    const h = await m.fit(x, y, {
      epochs: 10,
      verbose: 0,
      callbacks: [scripted([0.5, 0.6, 0.6, 0.7], 'val_accuracy'), es],
    });
    assert.equal(h.epoch.length, 3);
    const es2 = new EarlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.5 });
    const h2 = await linear().fit(x, y, {
      epochs: 10,
      verbose: 0,
      callbacks: [scripted([5, 4.8, 4.6, 4.4]), es2],
    });
    assert.equal(h2.epoch.length, 2, 'improvements smaller than minDelta do not count');
  });

  test('a custom callback object can stop training', async () => {
    const m = linear();
    const seen: number[] = [];
    const h = await m.fit(x, y, {
      epochs: 10,
      batchSize: 1,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (batch: number) => {
            seen.push(batch);
            if (seen.length === 6) m.stopTraining = true;
          },
        },
      ],
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 0, 1]);
    assert.equal(h.epoch.length, 2);
  });

  test('TerminateOnNaN stops on the first non-finite batch loss', async () => {
    const m = linear(1e6);
    const t = new TerminateOnNaN();
    const warn = console.warn;
    console.warn = () => {};
    try {
      await m.fit(tensor([[1e20], [1e20]]), tensor([[1e20], [1e20]]), {
        epochs: 50,
        batchSize: 1,
        verbose: 0,
        callbacks: [t],
      });
    } finally {
      console.warn = warn;
    }
    assert.notEqual(t.terminatedAtBatch, null);
  });

  test('ReduceLROnPlateau multiplies the learning rate by factor after patience epochs', async () => {
    const m = linear(0.1);
    const cb = new ReduceLROnPlateau({
      monitor: 'val_loss',
      factor: 0.5,
      patience: 2,
      minDelta: 0,
    });
    const h = await m.fit(x, y, {
      epochs: 5,
      verbose: 0,
      callbacks: [scripted([1, 1, 1, 1, 1]), cb],
    });
    // wait reaches 2 at epoch 2 (lr 0.05), again at epoch 4 (lr 0.025)
    assert.deepEqual(h.history.learning_rate, [0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  test('LearningRateScheduler sets the rate each epoch', async () => {
    const m = linear(0.1);
    const h = await m.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [new LearningRateScheduler((epoch) => 0.1 / (epoch + 1))],
    });
    assert.deepEqual(h.history.learning_rate, [0.1, 0.05, 0.1 / 3]);
    await assert.rejects(
      linear().fit(x, y, {
        epochs: 1,
        verbose: 0,
        callbacks: [callbacks.learningRateScheduler(() => -1)],
      }),
      /must return a finite non-negative number, returned -1/,
    );
  });

  test('CSVLogger writes one row per epoch, atomically, and can append', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-csv-'));
    try {
      const file = join(dir, 'log.csv');
      await linear().fit(x, y, { epochs: 2, verbose: 0, callbacks: [new CSVLogger(file)] });
      const rows = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(rows.length, 3);
      assert.equal(
        rows[0],
        'epoch,loss,penalty_free_placeholder'.replace(
          ',penalty_free_placeholder',
          ',regularization_loss',
        ),
      );
      assert.match(rows[1]!, /^0,[\d.e-]+,0$/);
      await linear().fit(x, y, {
        epochs: 1,
        verbose: 0,
        callbacks: [new CSVLogger(file, { append: true })],
      });
      assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4);
      assert.deepEqual(readdirSync(dir), ['log.csv'], 'no temporary files left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
