import { snakeCase } from '../../serialization/keras-object.js';

const counters = new Map<string, number>();

/** Keras-style unique names: 'dense', 'dense_1', 'dense_2', ... per class. */
export function uniqueLayerName(className: string): string {
  const base = snakeCase(className);
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Restarts automatic naming (tests, or a fresh model-building session like Keras's clear_session). */
export function resetLayerNames(): void {
  counters.clear();
}
