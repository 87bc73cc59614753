/**
 * The layer-conformance harness (after Keras's `run_layer_test`): one call checks a layer's
 * output shape eagerly and symbolically, its weight and loss counts, a config round-trip that
 * reproduces the outputs, that gradients reach every trainable weight, and finite differences
 * of the input and weight gradients (of sum(output * r) + sum(losses), r fixed and random).
 */
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/index.js';
import {
  deserializeLayer,
  input,
  mul,
  randomUniform,
  serializeLayer,
  sum,
  tensor,
  variable,
  variableGrads,
  type Layer,
  type Variable,
} from '../../src/index.js';

export interface LayerCheck {
  /** Makes a fresh, unbuilt layer. Called twice (the second for the symbolic check). */
  make: () => Layer;
  /** A small concrete input (batch first). */
  input: Tensor | Tensor[];
  expectedOutputShape: readonly number[] | readonly (readonly number[])[];
  expectedWeights: number;
  expectedTrainableWeights?: number;
  /** Number of loss terms after one call (activity + weight penalties + added). */
  expectedLosses?: number;
  /** Skip the finite-difference check for the inputs (integer inputs). */
  skipInputGradient?: boolean;
  /** Skip all finite differences (non-differentiable layers such as argmax-like ones). */
  skipGradientCheck?: boolean;
  /** Call with training: true for the shape and gradient checks. */
  training?: boolean;
  rtol?: number;
  atol?: number;
  eps?: number;
}

const asList = (t: Tensor | Tensor[]): Tensor[] => (Array.isArray(t) ? t : [t]);

export function checkLayer(spec: LayerCheck): void {
  const layer = spec.make();
  const inputs = spec.input;
  const out = layer.apply(inputs, { training: spec.training ?? false });
  const outs = asList(out);
  const expectedShapes = (
    Array.isArray(spec.expectedOutputShape[0])
      ? spec.expectedOutputShape
      : [spec.expectedOutputShape]
  ) as readonly (readonly number[])[];
  assert.deepEqual(
    outs.map((o) => [...o.shape]),
    expectedShapes.map((s) => [...s]),
    'eager output shapes',
  );

  // Symbolic application on a fresh layer gives the same shapes with the batch unknown.
  const symbolicLayer = spec.make();
  const symbolicInputs = asList(inputs).map((t) =>
    input({ shape: t.shape.slice(1), dtype: t.dtype }),
  );
  const symOut = symbolicLayer.apply(
    symbolicInputs.length === 1 ? symbolicInputs[0]! : symbolicInputs,
  );
  const symShapes = (Array.isArray(symOut) ? symOut : [symOut]).map((s) => [...s.shape]);
  assert.deepEqual(
    symShapes,
    expectedShapes.map((s) => [null, ...s.slice(1)]),
    'symbolic output shapes',
  );
  assert.equal(
    symbolicLayer.lossTerms().filter((t) => t.kind === 'activity').length,
    0,
    'symbolic calls record no activity loss',
  );

  assert.equal(layer.weights.length, spec.expectedWeights, 'weight count');
  if (spec.expectedTrainableWeights !== undefined) {
    assert.equal(
      layer.trainableWeights.length,
      spec.expectedTrainableWeights,
      'trainable weight count',
    );
  }
  if (spec.expectedLosses !== undefined)
    assert.equal(layer.losses.length, spec.expectedLosses, 'loss count');

  // Config round-trip: same config, and with the same weights the same outputs.
  const serialized = serializeLayer(layer);
  const clone = deserializeLayer(JSON.parse(JSON.stringify(serialized)));
  assert.equal(clone.className, layer.className);
  assert.deepEqual(clone.getConfig(), layer.getConfig(), 'config round-trip');
  clone.apply(inputs);
  clone.setWeights(layer.getWeights());
  const again = asList(clone.apply(inputs));
  const first = asList(layer.apply(inputs));
  again.forEach((t, i) =>
    assert.deepEqual(Array.from(t.dataSync()), Array.from(first[i]!.dataSync()), 'clone output'),
  );

  if (spec.skipGradientCheck) return;
  gradientChecks(layer, inputs, spec);
}

function gradientChecks(layer: Layer, inputs: Tensor | Tensor[], spec: LayerCheck): void {
  const training = spec.training ?? false;
  const xs = asList(inputs).map((t, i) =>
    variable(t, { name: `harness_input_${i}_${layer.name}` }),
  );
  const probe = asList(layer.apply(xs.length === 1 ? xs[0]! : xs, { training }));
  const weightsR = probe.map((o, i) => randomUniform(o.shape, 0.5, 1.5, 100 + i));
  const loss = (): Tensor => {
    const o = asList(layer.apply(xs.length === 1 ? xs[0]! : xs, { training }));
    let total = sum(mul(o[0]!, weightsR[0]!));
    for (let i = 1; i < o.length; i++) total = total.add(sum(mul(o[i]!, weightsR[i]!)));
    for (const l of layer.losses) total = total.add(l);
    return total;
  };
  const checked: Variable[] = [
    ...layer.trainableWeights,
    ...(spec.skipInputGradient ? [] : xs.filter((x) => x.dtype === 'float32')),
  ];
  const { grads } = variableGrads(loss, checked);
  for (const w of layer.trainableWeights) {
    const g = grads[w.name]!;
    assert.ok(
      Array.from(g.dataSync()).some((v) => v !== 0),
      `gradient reaches ${w.name}`,
    );
  }
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3 } = spec;
  const lossValue = (): number => loss().dataSync()[0]!;
  for (const v of checked) {
    const base = v.dataSync() as Float32Array;
    const g = grads[v.name]!.dataSync();
    // At most 24 positions per tensor keep the suite fast.
    const stride = Math.max(1, Math.floor(base.length / 24));
    for (let i = 0; i < base.length; i += stride) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] = base[i]! + eps;
      minus[i] = base[i]! - eps;
      v.assign(tensor(plus, v.shape));
      const lp = lossValue();
      v.assign(tensor(minus, v.shape));
      const lm = lossValue();
      v.assign(tensor(base, v.shape));
      const numeric = (lp - lm) / (2 * eps);
      assert.ok(
        Math.abs(g[i]! - numeric) <= atol + rtol * Math.abs(numeric),
        `${layer.className} '${layer.name}': d/d ${v.name}[${i}]: analytic ${g[i]} vs numeric ${numeric}`,
      );
    }
  }
}
