// Deterministic data for the compatibility examples, in plain JavaScript so that both
// TensorFlow.js and lamina-nn/tfjs receive the very same numbers.

/** A seeded uniform generator in [0, 1) (a 32-bit LCG). */
export function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `n` rows of `d` features and a class in [0, classes) that depends on the features. */
export function classification(n, d, classes, seed) {
  const rand = lcg(seed);
  const xs = [];
  const labels = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rand() * 2 - 1);
    const score = row.reduce((a, v, j) => a + v * (j + 1), 0);
    labels.push(Math.min(classes - 1, Math.floor(((Math.tanh(score) + 1) / 2) * classes)));
    xs.push(row);
  }
  return { xs, labels };
}

export function oneHot(labels, classes) {
  return labels.map((l) => Array.from({ length: classes }, (_, k) => (k === l ? 1 : 0)));
}
