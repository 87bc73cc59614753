/**
 * The compatibility suite: TensorFlow.js programs written against `@tensorflow/tfjs` (each
 * module in compat/ mirrors the API usage of one official tfjs-example), run unchanged on both
 * `@tensorflow/tfjs` and `lamina-nn/tfjs`: the module receives the namespace, so the only
 * difference is the import. Weights start from different random streams, so the checks are the
 * ones a user would make: the same shapes, finite numbers, losses of the same size, and training
 * that lowers the loss.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as real from '@tensorflow/tfjs';
import * as lamina from '../../src/tfjs/index.js';

type Json = number | string | boolean | null | undefined | Json[] | { [k: string]: Json };
type Example = { run(tf: unknown): Promise<Record<string, Json>> };

const examples = [
  'iris',
  'boston-housing',
  'mnist-convnet',
  'custom-layer',
  'addition-rnn',
  'polynomial-regression-core',
  'sentiment-cnn',
  'jena-weather',
  'save-load',
  'date-attention',
  'policy-gradient',
  'iris-fitdataset',
  'data-csv',
  'vae',
  'translation',
  'text-generation',
  'transfer-cnn',
] as const;

function numbers(v: Json): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbers);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(numbers);
  return [];
}

describe('TensorFlow.js programs run unchanged on lamina-nn/tfjs', () => {
  for (const name of examples) {
    test(name, async () => {
      const example = (await import(`./compat/${name}.js`)) as Example;
      const theirs = await example.run(real);
      const ours = await example.run(lamina);
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), 'the same results');
      if (theirs.shapes !== undefined) assert.deepEqual(ours.shapes, theirs.shapes, 'shapes');
      for (const v of numbers(ours)) assert.ok(Number.isFinite(v), `finite: ${v}`);
      // Flags, names and counts a program reports are exact; round-trip differences are tiny.
      for (const [k, v] of Object.entries(theirs)) {
        if (typeof v === 'boolean' || typeof v === 'string') assert.equal(ours[k], v, k);
        if (['trainable', 'variables', 'epochs', 'batches', 'decodedLength'].includes(k))
          assert.equal(ours[k], v, k);
        if (k === 'maxDiff') assert.ok((ours[k] as number) < 1e-6, `${k}: ${String(ours[k])}`);
      }
      const a = numbers(ours.losses);
      const b = numbers(theirs.losses);
      assert.equal(a.length, b.length, 'as many losses');
      assert.ok(a.length > 0);
      // Losses of the same size: their means within a factor of 3 of TensorFlow.js's.
      const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
      const ratio = mean(a) / mean(b);
      assert.ok(ratio > 1 / 3 && ratio < 3, `mean loss ${mean(a)} vs TensorFlow.js ${mean(b)}`);
    });
  }
});
