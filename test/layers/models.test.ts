import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Dense,
  Dropout,
  Flatten,
  input,
  InputLayer,
  Layer,
  layers,
  model,
  ones,
  resetLayerNames,
  Sequential,
  sequential,
  tensor,
  zeros,
  type LayerTensors,
  type Tensor,
} from '../../src/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

forEachBackend('layer base', () => {
  test('automatic names are unique per class: dense, dense_1, ...; weights are named by hierarchy', () => {
    resetLayerNames();
    const a = new Dense({ units: 1 });
    const b = new Dense({ units: 1 });
    const f = new Flatten();
    assert.deepEqual([a.name, b.name, f.name], ['dense', 'dense_1', 'flatten']);
    b.apply(ones([1, 2]));
    assert.deepEqual(
      b.weights.map((w) => w.name),
      ['dense_1/kernel', 'dense_1/bias'],
    );
    assert.equal(new Dense({ units: 1, name: 'head' }).name, 'head');
    assert.throws(() => new Dense({ units: 1, name: '' }), /name must be a non-empty string/);
  });
  test('build happens on first call; weights, trainable split, getWeights/setWeights, countParams', () => {
    const d = new Dense({ units: 2, kernelInitializer: 'ones' });
    assert.equal(d.built, false);
    assert.equal(d.weights.length, 0);
    d.apply(ones([1, 3]));
    assert.equal(d.built, true);
    assert.equal(d.countParams(), 8);
    d.setWeights([
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tensor([10, 20]),
    ]);
    assertClose(d.apply(tensor([[1, 1, 1]])), [[19, 32]]);
    assert.deepEqual(d.getWeights()[1]!.arraySync(), [10, 20]);
    assert.throws(
      () => d.setWeights([ones([3, 2])]),
      /setWeights: expected 2 arrays \(dense_\d+\/kernel, dense_\d+\/bias\), received 1/,
    );
    assert.throws(
      () => d.setWeights([ones([2, 2]), ones([2])]),
      /Variable.assign \(dense_\d+\/kernel\): expected shape \[3,2\]/,
    );
    d.trainable = false;
    assert.equal(d.trainableWeights.length, 0);
    assert.equal(d.nonTrainableWeights.length, 2);
  });
  test('addWeight creates named weights; duplicate names are refused; addLoss tensors and functions', () => {
    class Scale extends Layer {
      static override className = 'Scale';
      w: Tensor | null = null;
      override build(): void {
        this.w = this.addWeight({
          name: 'w',
          shape: [1],
          initializer: { generate: () => tensor([3]) },
        });
        assert.throws(
          () =>
            this.addWeight({ name: 'w', shape: [1], initializer: { generate: () => tensor([3]) } }),
          /already has a weight named 'w'/,
        );
      }
      call(inputs: LayerTensors): Tensor {
        const y = (inputs as Tensor).mul(this.w as Tensor);
        this.addLoss(y.sum());
        return y;
      }
    }
    const s = new Scale();
    s.addLoss(() => (s.w as Tensor).square().sum());
    s.apply(tensor([[1, 2]]));
    assert.deepEqual(
      s.lossTerms().map((t) => [t.kind, t.value.dataSync()[0]]),
      [
        ['added', 9],
        ['added', 9],
      ],
    );
    s.apply(tensor([[1, 0]]));
    assert.deepEqual(
      s.losses.map((t) => t.dataSync()[0]),
      [3, 9],
      'tensor losses are cleared per call, functions recomputed',
    );
    assert.throws(
      () => s.addLoss(tensor([1, 2])),
      /a loss must be a float32 scalar tensor, received float32 \[2\]/,
    );
  });
  test('a declared input shape is checked', () => {
    const d = new Dense({ units: 1, inputShape: [3] });
    assert.throws(
      () => d.apply(ones([2, 4])),
      /Dense 'dense_\d+': expected input shape \(None, 3\), received \(2, 4\)/,
    );
  });
  test('mixing tensors and symbolic tensors is an error', () => {
    const d = new Dense({ units: 1 });
    assert.throws(
      () => d.apply([ones([1, 2]), input({ shape: [2] })] as never),
      /inputs must be all Tensors .* or all SymbolicTensors/,
    );
  });
});

forEachBackend('Sequential', () => {
  test('with a known input shape, layers are built as they are added; add/pop; layers excludes the input', () => {
    const m = sequential({
      layers: [new Dense({ units: 4, inputShape: [3] }), new Dense({ units: 2 })],
    });
    assert.equal(m.built, true);
    assert.equal(m.layers.length, 2);
    assert.equal(m.weights.length, 4);
    m.add(new Dense({ units: 1 }));
    assert.deepEqual(m.apply(ones([5, 3])).shape, [5, 1]);
    const popped = m.pop();
    assert.equal(popped.className, 'Dense');
    assert.deepEqual(m.apply(ones([5, 3])).shape, [5, 2]);
    assert.deepEqual(
      m.outputs.map((o) => [...o.shape]),
      [[null, 2]],
    );
    assert.throws(() => m.add(m.layers[0]!), /is already in the model/);
  });
  test('without an input shape, the model is built on the first call', () => {
    const m = new Sequential();
    m.add(new Dense({ units: 2 }));
    assert.equal(m.weights.length, 0);
    assert.deepEqual(m.apply(ones([1, 7])).shape, [1, 2]);
    assert.equal(m.countParams(), 16);
    assert.throws(() => new Sequential().apply(ones([1, 2])), /the model has no layers/);
  });
  test('an input() may start a Sequential model', () => {
    const m = sequential({ layers: [input({ shape: [2] }) as never, new Dense({ units: 1 })] });
    assert.deepEqual(m.outputs[0]!.shape, [null, 1]);
  });
  test('training flag reaches dropout only when training', () => {
    const m = sequential({ layers: [new Dropout({ rate: 0.5, seed: 1, inputShape: [100] })] });
    assert.deepEqual(m.apply(ones([1, 100])).dataSync(), ones([1, 100]).dataSync());
    assert.ok(
      Array.from(m.apply(ones([1, 100]), { training: true }).dataSync()).some((v) => v === 0),
    );
  });
  test('summary prints the Keras table', () => {
    resetLayerNames();
    const m = sequential({
      name: 'mlp',
      layers: [
        layers.dense({ units: 4, inputShape: [3], activation: 'relu' }),
        layers.dropout({ rate: 0.1 }),
        layers.dense({ units: 2 }),
      ],
    });
    const text = m.summary({ print: false });
    assert.equal(
      text,
      [
        'Model: "mlp"',
        '_________________________________________________________________',
        'Layer (type)                 Output Shape              Param #',
        '=================================================================',
        'dense (Dense)                (None, 4)                 16',
        '_________________________________________________________________',
        'dropout (Dropout)            (None, 4)                 0',
        '_________________________________________________________________',
        'dense_1 (Dense)              (None, 2)                 10',
        '=================================================================',
        'Total params: 26 (104.00 B)',
        'Trainable params: 26 (104.00 B)',
        'Non-trainable params: 0 (0.00 B)',
        '_________________________________________________________________',
      ].join('\n'),
    );
  });
});

forEachBackend('functional Model', () => {
  test('several inputs and outputs; getLayer by name and index; config lists the graph', () => {
    resetLayerNames();
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const ha = new Dense({ units: 2, kernelInitializer: 'ones', useBias: false, name: 'da' }).apply(
      a,
    );
    const hb = new Dense({ units: 2, kernelInitializer: 'ones', useBias: false, name: 'db' }).apply(
      b,
    );
    const sum = new Dense({ units: 1, kernelInitializer: 'ones', useBias: false, name: 'head' });
    const out1 = sum.apply(ha);
    const out2 = sum.apply(hb);
    const m = model({ inputs: [a, b], outputs: [out1, out2], name: 'two' });
    const [y1, y2] = m.apply([tensor([[1, 2]]), tensor([[1, 1, 1]])]) as Tensor[];
    assertClose(y1!, [[6]]);
    assertClose(y2!, [[6]]);
    assert.equal(m.getLayer('head'), sum);
    assert.equal(m.getLayer(0).className, 'InputLayer');
    assert.throws(() => m.getLayer('nope'), /no layer named 'nope'; layers: a, b, da, db, head/);
    const config = m.getConfig();
    assert.deepEqual(config.input_layers, [
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    assert.deepEqual(config.output_layers, [
      ['head', 0, 0],
      ['head', 1, 0],
    ]);
    const text = m.summary({ print: false });
    assert.match(text, /head \(Dense\)\s+\(None, 1\)\s+2\s+da\[0\]\[0\]\n\s+db\[0\]\[0\]/);
  });
  test('a disconnected graph is refused; wrong input shapes name the input', () => {
    const a = input({ shape: [2], name: 'in_a' });
    const b = input({ shape: [2], name: 'in_b' });
    const y = new Dense({ units: 1 }).apply(b);
    assert.throws(
      () => model({ inputs: a, outputs: y }),
      /graph disconnected: output depends on input 'in_b'/,
    );
    const m = model({ inputs: b, outputs: y });
    assert.throws(
      () => m.apply(zeros([1, 3])),
      /input 'in_b' expects shape \(None, 2\), received \[1,3\]/,
    );
  });
  test('a model is a layer: nested inside another model, applied symbolically and eagerly', () => {
    const x = input({ shape: [3] });
    const inner = model({
      inputs: x,
      outputs: new Dense({ units: 2, kernelInitializer: 'ones', useBias: false }).apply(x),
    });
    const y = input({ shape: [3] });
    const z = new Dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(
      inner.apply(y),
    );
    const outer = model({ inputs: y, outputs: z });
    assert.deepEqual([...z.shape], [null, 1]);
    assertClose(outer.apply(tensor([[1, 2, 3]])) as Tensor, [[12]]);
    assert.equal(outer.weights.length, 2);
    assert.ok(outer.layers.includes(inner));
  });
  test('InputLayer checks dtype and shape of what it is given', () => {
    const layer = new InputLayer({ shape: [2] });
    assert.throws(() => layer.apply(ones([1, 3])), /expected shape \(None, 2\), received \[1,3\]/);
    assert.throws(() => new InputLayer({}), /pass exactly one of shape or batchShape/);
  });
});
