/**
 * Seeded fuzzing of the loader: thousands of random mutations of valid artifacts (byte flips and
 * truncations of the weights and of the JSON text, JSON values replaced, weight specs changed).
 * Every case must either load or throw a LaminaError: no other error, crash, hang or huge
 * allocation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Conv2D,
  Dense,
  Flatten,
  input,
  l2,
  sequential,
  model,
  Concatenate,
} from '../../src/index.js';
import { loadModel, modelToArtifacts, type ModelArtifacts } from '../../src/saving/index.js';
import { LaminaError } from '../../src/errors.js';
import { fuzzRandom } from '../helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  2.5,
  3,
  64,
  1e9,
  -1e9,
  2 ** 31,
  1e300,
  '',
  'x',
  'relu',
  'float64',
  [],
  [null],
  [1e9, 1e9],
  [-1, 2],
  {},
  { class_name: 'Dense', config: {} },
  { class_name: '__keras_tensor__' },
];

function bases(): ModelArtifacts[] {
  const mlp = sequential({
    layers: [
      input({ shape: [3] }),
      new Dense({ units: 4, kernelRegularizer: l2(0.1) }),
      new Dense({ units: 2 }),
    ],
  });
  const conv = sequential({
    layers: [
      input({ shape: [5, 5, 1] }),
      new Conv2D({ filters: 2, kernelSize: 3 }),
      new Flatten(),
      new Dense({ units: 2 }),
    ],
  });
  const a = input({ shape: [3] });
  const b = new Dense({ units: 2 }).apply(a);
  const fn = model({
    inputs: a,
    outputs: new Concatenate({}).apply([b, new Dense({ units: 2 }).apply(b)]),
  });
  return [mlp, conv, fn].map((m) => modelToArtifacts(m));
}

function paths(
  v: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  out.push(prefix);
  return out;
}

function replaceAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  cur[path[path.length - 1] as string | number] = value;
  return copy as Json;
}

function mutateCase(base: ModelArtifacts, r: () => number): ModelArtifacts {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const data = new Uint8Array((base.weightData as ArrayBuffer).slice(0));
  const topology = JSON.stringify(base.modelTopology);
  const specs = structuredClone(base.weightSpecs ?? []);
  switch (Math.floor(r() * 6)) {
    case 0: // byte flips in the weights
      for (let k = 0; k < 1 + r() * 4; k++)
        data[Math.floor(r() * data.length)] = Math.floor(r() * 256);
      return { ...base, weightData: data.buffer };
    case 1: // truncated or extended weights
      return { ...base, weightData: data.slice(0, Math.floor(r() * (data.length + 8))).buffer };
    case 2: {
      // byte flips in the JSON text
      const chars = [...topology];
      for (let k = 0; k < 1 + r() * 3; k++)
        chars[Math.floor(r() * chars.length)] = String.fromCharCode(32 + Math.floor(r() * 95));
      return { ...base, modelTopology: chars.join('') as never };
    }
    case 3: // truncated JSON text
      return {
        ...base,
        modelTopology: topology.slice(0, Math.floor(r() * topology.length)) as never,
      };
    case 4: {
      // a JSON value replaced
      const root = JSON.parse(topology) as Json;
      return { ...base, modelTopology: replaceAt(root, pick(paths(root)), pick(VALUES)) as never };
    }
    default: {
      // weight specs changed
      const i = Math.floor(r() * specs.length);
      const spec = specs[i];
      if (spec === undefined) return base;
      const what = Math.floor(r() * 5);
      if (what === 0)
        spec.shape = spec.shape.map((d) => (r() < 0.5 ? d : pick([0, 1, d + 1, 1e6, 2 ** 40])));
      else if (what === 1) spec.shape = [...spec.shape, 2];
      else if (what === 2)
        (spec as { dtype: unknown }).dtype = pick(['int32', 'bool', 'float16', 'string', 7]);
      else if (what === 3) spec.name = pick(['', 'x/kernel', specs[0]?.name ?? 'a']);
      else specs.splice(i, 1);
      return { ...base, weightSpecs: specs as never };
    }
  }
}

test('fuzzed artifacts load or throw a LaminaError', { timeout: 60_000 }, async () => {
  const r = fuzzRandom(20240611);
  const all = bases();
  const warn = console.warn;
  console.warn = () => {};
  let loaded = 0;
  let failed = 0;
  try {
    for (let n = 0; n < 3000; n++) {
      const a = mutateCase(all[n % all.length] as ModelArtifacts, r);
      try {
        await loadModel(a);
        loaded++;
      } catch (e) {
        if (!(e instanceof LaminaError)) {
          assert.fail(
            `case ${n}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`,
          );
        }
        failed++;
      }
    }
  } finally {
    console.warn = warn;
  }
  assert.ok(loaded > 100 && failed > 100, `loaded ${loaded}, failed ${failed}`);
});
