/**
 * The fused sequence kernels against the step-by-step loop (the same layer configuration with
 * `setRecurrentFusion(false)`), under every option the layers take: outputs, final states and
 * the gradients of the inputs, initial states and every weight within 1e-5 relative + 1e-6
 * (the fused kernels' float32 sigmoid and tanh are within 2 ulp of the elementwise kernels'; the
 * backward kernel sums in float64 and forms the recurrent kernel's gradient as one product over
 * all steps). The two backends' kernels bit for bit where their products are exact, the
 * float32 activations against float64 ones, and the gradient rules against finite differences.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add,
  grads,
  listBackends,
  l1l2,
  mul,
  randomNormal,
  randomUniform,
  sum,
  tensor,
  type Layer,
  type Tensor,
} from '../../src/index.js';
import { Bidirectional, GRU, LSTM, SimpleRNN } from '../../src/layers/recurrent/index.js';
import { setRecurrentFusion } from '../../src/layers/recurrent/base.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';
import { runKernel } from '../../src/engine/engine.js';
import { recordLayout } from '../../src/backend/recurrent-layout.js';
import { slice } from '../../src/ops/movement.js';
import type { RecurrentCell } from '../../src/backend/kernels.js';
import { expF32, sigmoidF32, tanhF32 } from '../../src/backend/js/recurrent.js';
import { getBackend, setBackend } from '../../src/engine/engine.js';
import { checkGrad } from '../gradcheck.js';
import { forEachBackend } from '../helpers.js';

const seeded = {
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
  biasInitializer: { class_name: 'RandomNormal', config: { seed: 3, mean: 0, stddev: 0.3 } },
};

const BATCH = 3;
const STEPS = 4;
const FEATURES = 3;
const UNITS = 5;

/** Row 0 kept throughout, row 1 skips its first two steps, row 2 skips every step. */
const MASK = tensor(
  [
    [true, true, false, true],
    [false, false, true, true],
    [false, false, false, false],
  ],
  [BATCH, STEPS],
  'bool',
);

interface Options {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  masked: boolean;
  /** dropout, recurrentDropout, initial states and useBias false where the cell allows. */
  extras: boolean;
}

type Maker = (args: Record<string, unknown>) => Layer;

const CELLS: [string, number, Maker][] = [
  ['SimpleRNN tanh', 1, (a) => new SimpleRNN({ units: UNITS, ...a })],
  ['SimpleRNN relu', 1, (a) => new SimpleRNN({ units: UNITS, activation: 'relu', ...a })],
  ['LSTM', 2, (a) => new LSTM({ units: UNITS, ...a })],
  ['GRU resetAfter', 1, (a) => new GRU({ units: UNITS, ...a })],
  ['GRU resetBefore', 1, (a) => new GRU({ units: UNITS, resetAfter: false, ...a })],
];

const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);

/** The outputs and the gradients of sum(outputs * fixed weights) by every tensor involved. */
function run(
  make: Maker,
  args: Record<string, unknown>,
  stateCount: number,
  o: Options,
  fused: boolean,
): { outputs: Tensor[]; grads: Tensor[]; losses: number[] } {
  const previous = setRecurrentFusion(fused);
  try {
    const layer = make(args);
    const x = randomNormal([BATCH, STEPS, FEATURES], 0, 1, 7);
    const states = o.extras
      ? Array.from({ length: stateCount }, (_, i) => randomNormal([BATCH, UNITS], 0, 0.5, 20 + i))
      : [];
    const call = (xs: Tensor[]): Tensor[] =>
      list(
        layer.apply(
          states.length > 0 ? [xs[0] as Tensor, ...xs.slice(1, 1 + stateCount)] : (xs[0] as Tensor),
          {
            training: true,
            ...(o.masked ? { mask: MASK } : {}),
          },
        ) as Tensor | Tensor[],
      );
    const outputs = call([x, ...states]);
    const losses = layer.losses.map((l) => l.dataSync()[0] as number);
    const weights = outputs.map((y, i) => randomUniform(y.shape, 0.5, 1.5, 40 + i));
    const loss = (...xs: Tensor[]): Tensor =>
      call(xs)
        .map((y, i) => sum(mul(y, weights[i] as Tensor)))
        .reduce((a, b) => add(a, b));
    const inputs = [x, ...states, ...layer.trainableWeights];
    return { outputs, grads: grads(loss)(inputs), losses };
  } finally {
    setRecurrentFusion(previous);
  }
}

/** |a - b| <= atol + rtol |b| elementwise. */
function close(a: Tensor, b: Tensor, what: string, rtol = 1e-5, atol = 1e-6): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const av = a.dataSync();
  const bv = b.dataSync();
  for (let i = 0; i < bv.length; i++) {
    const d = Math.abs((av[i] as number) - (bv[i] as number));
    assert.ok(
      d <= atol + rtol * Math.abs(bv[i] as number),
      `${what}, element ${i}: fused ${av[i]}, step by step ${bv[i]}`,
    );
  }
}

function combos(): Options[] {
  const out: Options[] = [];
  for (let bits = 0; bits < 32; bits++) {
    out.push({
      returnSequences: (bits & 1) !== 0,
      returnState: (bits & 2) !== 0,
      goBackwards: (bits & 4) !== 0,
      masked: (bits & 8) !== 0,
      extras: (bits & 16) !== 0,
    });
  }
  return out;
}

const label = (o: Options): string =>
  Object.entries(o)
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join('+') || 'defaults';

forEachBackend('fused recurrent kernels against the step-by-step loop', () => {
  for (const [name, stateCount, make] of CELLS) {
    test(`${name}: every combination of returnSequences, returnState, goBackwards, mask, dropout/initial states`, () => {
      for (const o of combos()) {
        const args: Record<string, unknown> = {
          ...seeded,
          returnSequences: o.returnSequences,
          returnState: o.returnState,
          goBackwards: o.goBackwards,
          ...(o.extras ? { dropout: 0.3, recurrentDropout: 0.4, seed: 9 } : {}),
          ...(o.extras && name.startsWith('LSTM') ? { useBias: false } : {}),
        };
        const fused = run(make, args, stateCount, o, true);
        const loop = run(make, args, stateCount, o, false);
        const at = `${name} ${label(o)}`;
        assert.equal(fused.outputs.length, loop.outputs.length, `${at}: outputs`);
        fused.outputs.forEach((y, i) => close(y, loop.outputs[i] as Tensor, `${at} output ${i}`));
        assert.equal(fused.grads.length, loop.grads.length);
        fused.grads.forEach((g, i) => close(g, loop.grads[i] as Tensor, `${at} gradient ${i}`));
      }
    });
  }

  test('every regularizer (kernel, recurrent, bias, activity) gives the same losses', () => {
    const reg = l1l2({ l1: 0.01, l2: 0.02 });
    for (const [name, stateCount, make] of CELLS) {
      const args = {
        ...seeded,
        returnSequences: true,
        kernelRegularizer: reg,
        recurrentRegularizer: reg,
        biasRegularizer: reg,
        activityRegularizer: reg,
      };
      const o = {
        returnSequences: true,
        returnState: false,
        goBackwards: false,
        masked: true,
        extras: false,
      };
      const fused = run(make, args, stateCount, o, true);
      const loop = run(make, args, stateCount, o, false);
      assert.equal(fused.losses.length, 4, name);
      fused.losses.forEach((l, i) => {
        const want = loop.losses[i] as number;
        assert.ok(
          Math.abs(l - want) <= 1e-5 * Math.abs(want),
          `${name} loss ${i}: ${l} vs ${want}`,
        );
      });
    }
  });

  test('Bidirectional over each cell, merged and not', () => {
    for (const [name, , make] of CELLS) {
      for (const mergeMode of ['concat', null] as const) {
        const build: Maker = (a) =>
          new Bidirectional({ layer: make({ ...seeded, ...a }), mergeMode });
        const o = {
          returnSequences: true,
          returnState: false,
          goBackwards: false,
          masked: true,
          extras: false,
        };
        const args = { returnSequences: true, dropout: 0.2, recurrentDropout: 0.2, seed: 5 };
        const fused = run(build, args, 0, o, true);
        const loop = run(build, args, 0, o, false);
        const at = `Bidirectional ${name} ${String(mergeMode)}`;
        fused.outputs.forEach((y, i) => close(y, loop.outputs[i] as Tensor, `${at} output ${i}`));
        fused.grads.forEach((g, i) => close(g, loop.grads[i] as Tensor, `${at} gradient ${i}`));
      }
    }
  });
});

forEachBackend('recurrentSequence: gradients against finite differences', () => {
  const cells: [RecurrentCell, number][] = [
    ['simple', 1],
    ['lstm', 4],
    ['gru', 3],
    ['gruResetAfter', 3],
  ];
  const T = 3;
  const B = 2;
  const U = 3;
  for (const [cell, g] of cells) {
    for (const masked of [false, true]) {
      test(`${cell}${masked ? ', masked, with recurrent dropout' : ''}`, () => {
        const states = cell === 'lstm' ? 2 : 1;
        const inputs = [
          randomNormal([T, B, g * U], 0, 0.8, 1),
          randomNormal([U, g * U], 0, 0.6, 2),
          ...Array.from({ length: states }, (_, i) => randomNormal([B, U], 0, 0.5, 3 + i)),
          ...(cell === 'gruResetAfter' ? [randomNormal([g * U], 0, 0.3, 6)] : []),
        ];
        const mask = masked ? tensor([1, 0, 0, 0, 1, 1], [T, B]) : null;
        const drop = masked ? tensor([1.5, 0, 1.5, 1.5, 1.5, 0], [B, U]) : null;
        const f = (...xs: Tensor[]): Tensor => {
          const { outputs, states: finals } = recurrentSequence({
            cell,
            activation: 'tanh',
            recurrentActivation: 'sigmoid',
            projected: xs[0] as Tensor,
            kernel: xs[1] as Tensor,
            initialStates: xs.slice(2, 2 + states),
            recurrentBias: cell === 'gruResetAfter' ? (xs[2 + states] as Tensor) : null,
            mask,
            recurrentDropout: drop,
          });
          return add(sum(mul(outputs, 1.3), 2), sum(finals.reduce((a, b) => add(a, mul(b, 0.7)))));
        };
        checkGrad(f, inputs, { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
      });
    }
  }
  test('relu and linear activations', () => {
    for (const activation of ['relu', 'linear'] as const) {
      const f = (p: Tensor, k: Tensor, h: Tensor): Tensor =>
        recurrentSequence({
          cell: 'simple',
          activation,
          recurrentActivation: 'linear',
          projected: p,
          kernel: k,
          initialStates: [h],
        }).outputs;
      checkGrad(f, [
        randomNormal([3, 2, 3], 0, 1, 11),
        randomNormal([3, 3], 0, 0.5, 12),
        randomNormal([2, 3], 0, 1, 13),
      ]);
    }
  });
});

forEachBackend('RecurrentSequence: the gradient table rule on the raw record', () => {
  test('finite differences, with and without the saved part', () => {
    for (const saveForBackward of [true, false]) {
      const [T, B, U] = [3, 2, 2];
      const f = (p: Tensor, k: Tensor, h: Tensor, c: Tensor): Tensor => {
        const record = runKernel(
          'RecurrentSequence',
          [p, k, h, c],
          {
            cell: 'lstm',
            activation: 'tanh',
            recurrentActivation: 'sigmoid',
            recurrentBias: false,
            masked: false,
            zeroOutputForMask: false,
            recurrentDropout: false,
            saveForBackward,
          },
          {
            shape: [saveForBackward ? recordLayout('lstm', T, B, U).size : (T + 2) * B * U],
            dtype: 'float32',
          },
        );
        return slice(record, [0], [(T + 2) * B * U]);
      };
      checkGrad(f, [
        randomNormal([T, B, 4 * U], 0, 0.8, 1),
        randomNormal([U, 4 * U], 0, 0.6, 2),
        randomNormal([B, U], 0, 0.5, 3),
        randomNormal([B, U], 0, 0.5, 4),
      ]);
    }
  });
});

/** Distance in float32 units in the last place. */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat32(0, a);
  buf.setFloat32(4, b);
  const ia = buf.getInt32(0);
  const ib = buf.getInt32(4);
  const key = (i: number): number => (i < 0 ? -2147483648 - i : i);
  return Math.abs(key(ia) - key(ib));
}

test('float32 exp, sigmoid and tanh of the fused kernels: within 2 ulp of float64 ones', () => {
  let worst = [0, 0, 0];
  for (let i = -20000; i <= 20000; i++) {
    const x = Math.fround(i / 1000);
    const e = ulps(expF32(x), Math.fround(Math.exp(x)));
    const sg = ulps(sigmoidF32(x), Math.fround(1 / (1 + Math.exp(-x))));
    const th = ulps(tanhF32(x), Math.fround(Math.tanh(x)));
    worst = [
      Math.max(worst[0] as number, e),
      Math.max(worst[1] as number, sg),
      Math.max(worst[2] as number, th),
    ];
  }
  assert.ok(
    worst.every((w) => w <= 2),
    `worst ulps exp/sigmoid/tanh: ${worst.join(', ')}`,
  );
  assert.equal(tanhF32(-0), -0);
  assert.equal(tanhF32(100), 1);
  assert.equal(tanhF32(-100), -1);
  assert.equal(sigmoidF32(-200) >= 0 && sigmoidF32(-200) < 1e-37, true);
  assert.equal(sigmoidF32(200), 1);
  assert.ok(Number.isNaN(tanhF32(NaN)) && Number.isNaN(sigmoidF32(NaN)));
});

test('float32 exp, sigmoid and tanh: relative error against Math.exp / Math.tanh below 2e-7', () => {
  // Measured 2026-12-04: 7.6e-8 (exp), 1.4e-7 (sigmoid), 1.1e-7 (tanh) over [-20, 20].
  let worst = [0, 0, 0];
  for (let i = -20000; i <= 20000; i++) {
    const x = Math.fround(i / 1000);
    const sg = 1 / (1 + Math.exp(-x));
    const th = Math.tanh(x);
    worst = [
      Math.max(worst[0] as number, Math.abs(expF32(x) - Math.exp(x)) / Math.exp(x)),
      Math.max(worst[1] as number, Math.abs(sigmoidF32(x) - sg) / sg),
      Math.max(worst[2] as number, x === 0 ? 0 : Math.abs(tanhF32(x) - th) / Math.abs(th)),
    ];
  }
  assert.ok(
    worst.every((w) => w < 2e-7),
    `worst relative errors exp/sigmoid/tanh: ${worst.join(', ')}`,
  );
});

test('both backends give the same bits where the recurrent products are exact (zero kernel)', () => {
  if (!listBackends().includes('wasm')) return;
  const previous = getBackend();
  const cases: [RecurrentCell, number][] = [
    ['simple', 1],
    ['lstm', 4],
    ['gru', 3],
    ['gruResetAfter', 3],
  ];
  try {
    for (const [cell, g] of cases) {
      for (const activation of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
        const [T, B, U] = [5, 3, 7];
        const values = (backend: string): number[] => {
          setBackend(backend);
          const states = cell === 'lstm' ? 2 : 1;
          const r = recurrentSequence({
            cell,
            activation,
            recurrentActivation: activation === 'tanh' ? 'sigmoid' : 'tanh',
            projected: randomNormal([T, B, g * U], 0, 3, 1),
            kernel: tensor(new Float32Array(U * g * U), [U, g * U]),
            initialStates: Array.from({ length: states }, (_, i) =>
              randomNormal([B, U], 0, 1, 2 + i),
            ),
            recurrentBias: cell === 'gruResetAfter' ? randomNormal([g * U], 0, 1, 5) : null,
            mask: tensor([1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1], [T, B]),
          });
          return [...r.outputs.dataSync(), ...r.states.flatMap((s) => [...s.dataSync()])];
        };
        assert.deepEqual(values('wasm'), values('js'), `${cell} ${activation}`);
      }
    }
  } finally {
    setBackend(previous);
  }
});

test('recurrentSequence: bad arguments name what was expected and received', () => {
  const projected = randomNormal([3, 2, 8], 0, 1, 1);
  const base = {
    cell: 'lstm' as const,
    activation: 'tanh' as const,
    recurrentActivation: 'sigmoid' as const,
    projected,
    kernel: randomNormal([2, 8], 0, 1, 2),
    initialStates: [randomNormal([2, 2], 0, 1, 3), randomNormal([2, 2], 0, 1, 4)],
  };
  assert.throws(
    () => recurrentSequence({ ...base, kernel: randomNormal([2, 6], 0, 1, 2) }),
    /expected kernel float32 of shape \[2,8\], received float32 \[2,6\]/,
  );
  assert.throws(
    () => recurrentSequence({ ...base, initialStates: [base.initialStates[0] as Tensor] }),
    /expected 2 initial state\(s\) for 'lstm', received 1/,
  );
  assert.throws(
    () => recurrentSequence({ ...base, mask: tensor([1, 1, 1], [3, 1]) }),
    /expected mask float32 of shape \[3,2\], received float32 \[3,1\]/,
  );
  assert.throws(
    () => recurrentSequence({ ...base, recurrentBias: randomNormal([8], 0, 1, 5) }),
    /only 'gruResetAfter' takes a recurrent bias/,
  );
});
