/**
 * A model: a layer made of layers. The functional form (`model({ inputs, outputs })`) runs a
 * graph of layer applications recorded on symbolic tensors; `Sequential` stacks layers.
 */
import {
  Layer,
  isShapeList,
  type CallOptions,
  type LayerArgs,
  type LayerCall,
  type LayerObserver,
  type LayerTensors,
} from '../layers/base/layer.js';
import {
  formatSymbolicShape,
  SymbolicTensor,
  type LayerNode,
  type SymbolicShape,
} from '../layers/base/symbolic.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { whenNotDifferentiating } from '../autograd/grad.js';
import type { History } from '../training/callbacks/history.js';
import { compileArgs, type CompileArgs, type Compiled } from '../training/compiled.js';
import { toList, type Batch, type TensorData } from '../training/data.js';
import type { Logs } from '../training/logs.js';
import {
  evaluate,
  fit,
  predict,
  testOnBatch,
  trainOnBatch,
  type EvaluateArgs,
  type FitArgs,
} from '../training/loop.js';
import { lossParts } from '../training/step.js';
import {
  evaluateDataset,
  fitDataset,
  type EvaluateDatasetArgs,
  type FitDatasetArgs,
} from '../training/fit-dataset.js';
import type { BatchSource } from '../training/stream.js';
import { kerasLayerOrder, nodesBetween } from './graph.js';
import { checkOptions, optionKeys } from '../validation/options.js';
import { checkCompileArgs } from '../training/options.js';
import { reshapeView } from '../engine/engine.js';
import { getMask, setMask } from '../layers/base/masking.js';
import { summaryTable, type SummaryRow } from './summary.js';
import { layerConfigAs, serializedEntry, type ConfigForm } from './config.js';
import { LIBRARY_VERSION } from '../version.js';
import type {
  LoadHandler,
  ModelArtifacts,
  SaveHandler,
  SaveOptions,
  SaveResult,
} from '../saving/types.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  trainable?: boolean;
}

const MODEL_KEYS = optionKeys<ModelArgs>({
  inputs: true,
  outputs: true,
  name: true,
  trainable: true,
});

export class Model extends Layer {
  static override className = 'Functional';

  /** Graph inputs and outputs (empty for a Sequential model whose input shape is not known yet). */
  protected graphInputs: SymbolicTensor[] = [];
  protected graphOutputs: SymbolicTensor[] = [];
  protected nodes: LayerNode[] = [];
  private singleInput = true;
  private singleOutput = true;

  constructor(args?: ModelArgs, layerArgs: LayerArgs = {}) {
    checkOptions(args, MODEL_KEYS, 'model');
    super({
      ...layerArgs,
      name: args?.name ?? layerArgs.name,
      trainable: args?.trainable ?? layerArgs.trainable,
    });
    if (args !== undefined) this.setGraph(args.inputs, args.outputs);
  }

  /** Records the graph from `inputs` to `outputs` and tracks every layer on it. */
  protected setGraph(
    inputs: SymbolicTensor | SymbolicTensor[],
    outputs: SymbolicTensor | SymbolicTensor[],
  ): void {
    const where = `${this.className} '${this.name}'`;
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    for (const [k, t] of [
      ...ins.map((t) => ['inputs', t] as const),
      ...outs.map((t) => ['outputs', t] as const),
    ]) {
      if (!(t instanceof SymbolicTensor)) {
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: ${k} must be symbolic tensors (from input() and layer.apply), received ${typeof t}`,
        );
      }
    }
    if (ins.length === 0 || outs.length === 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: a model needs at least one input and one output`,
      );
    this.nodes = nodesBetween(ins, outs, where);
    this.graphInputs = ins;
    this.graphOutputs = outs;
    this.singleInput = !Array.isArray(inputs);
    this.singleOutput = !Array.isArray(outputs);
    for (const layer of kerasLayerOrder(ins, outs)) this.trackLayer(layer);
    this.built = true;
  }

  /** Set by a callback to end `fit` after the current batch. */
  stopTraining = false;
  /** What `compile` fixed (optimizer, losses, metrics); null before compiling. */
  compiled: Compiled | null = null;

  /**
   * Fixes the optimizer, the loss per output and the metrics, as Keras's compile.
   * @example
   * ```ts
   * const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
   * m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
   * ```
   */
  compile(args: CompileArgs): void {
    checkCompileArgs(args, `compile (${this.name})`);
    this.compiled = compileArgs(
      args,
      this.outputNames,
      this.graphOutputs.map((o) => o.shape),
    );
  }

  /**
   * Trains for `epochs` over (x, y) or over an async iterable of batches. The logs report the
   * Keras total `loss` (data loss plus every penalty) and `regularization_loss` beside it, for
   * training and validation; `History` also keeps every penalty term per layer and kind.
   * @example
   * ```ts
   * const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2], kernelRegularizer: l2(0.01) })] });
   * m.compile({ optimizer: 'sgd', loss: 'mse' });
   * const history = await m.fit(ones([8, 2]), ones([8, 1]), { epochs: 3, validationSplit: 0.25, seed: 1 });
   * history.history.loss.length; // 3
   * history.history.regularization_loss.length; // 3
   * ```
   */
  fit(x: TensorData, y: TensorData, args?: FitArgs): Promise<History>;
  fit(dataset: AsyncIterable<Batch> | BatchSource, args?: FitArgs): Promise<History>;
  fit(x: TensorData | BatchSource, y?: TensorData | FitArgs, args?: FitArgs): Promise<History> {
    return fit(this, x, y, args);
  }

  /**
   * TensorFlow.js's fitDataset: trains on a dataset whose elements are batches `{ xs, ys }` or
   * `[xs, ys]`, with `batchesPerEpoch`, validation on a dataset or arrays, and fit's logs.
   */
  fitDataset(dataset: BatchSource, args?: FitDatasetArgs): Promise<History> {
    return fitDataset(this, dataset, args);
  }

  /** Loss (with penalties), regularization_loss and metrics over a dataset of batches. */
  evaluateDataset(dataset: BatchSource, args?: EvaluateDatasetArgs): Promise<Logs> {
    return evaluateDataset(this, dataset, args);
  }

  /**
   * Loss (with penalties), regularization_loss, each penalty term and the metrics.
   * @example
   * ```ts
   * const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });
   * m.compile({ optimizer: 'sgd', loss: 'mse' });
   * const logs = await m.evaluate(ones([4, 2]), ones([4, 1]));
   * logs.loss; // 1
   * ```
   */
  evaluate(x: TensorData, y: TensorData, args?: EvaluateArgs): Promise<Logs> {
    return evaluate(this, x, y, args);
  }

  /**
   * The outputs for `x` (in inference mode: no dropout or noise), computed in batches of `batchSize`
   * (default 32); one tensor, or a list for a model with several outputs.
   * @example
   * ```ts
   * const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })] });
   * m.predict(ones([5, 3])); // shape [5, 2]
   * ```
   */
  predict(x: TensorData, args?: { batchSize?: number }): Tensor | Tensor[] {
    return predict(this, x, args);
  }

  trainOnBatch(x: TensorData, y: TensorData, sampleWeight?: Tensor): Logs {
    return trainOnBatch(this, x, y, sampleWeight);
  }

  testOnBatch(x: TensorData, y: TensorData, sampleWeight?: Tensor): Logs {
    return testOnBatch(this, x, y, sampleWeight);
  }

  predictOnBatch(x: TensorData): Tensor | Tensor[] {
    const xs = toList(x, this.inputNames, 'x', `predictOnBatch (${this.name})`);
    return whenNotDifferentiating(() => this.apply(xs.length === 1 ? (xs[0] as Tensor) : xs));
  }

  /**
   * The training loss for a custom loop: the compiled data loss plus every penalty in
   * `model.losses`, differentiable (use inside valueAndGrads / variableGrads).
   */
  computeLoss(
    x: TensorData,
    y: TensorData,
    options: { training?: boolean; sampleWeight?: Tensor } = {},
  ): Tensor {
    const where = `computeLoss (${this.name})`;
    if (this.compiled === null)
      throw new LaminaError(
        'invalid-state',
        `${where}: the model must be compiled first (model.compile({ optimizer, loss }))`,
      );
    const xs = toList(x, this.inputNames, 'x', where);
    const ys = toList(y, this.outputNames, 'y', where);
    return lossParts(this, this.compiled, xs, ys, options.sampleWeight, options.training ?? true)
      .total;
  }

  /** Names of the model's inputs (their input layers'), in order. */
  get inputNames(): string[] {
    return this.graphInputs.length > 0
      ? this.graphInputs.map((t) => t.sourceLayer.name)
      : ['input'];
  }

  /** Names of the model's outputs (the layers producing them), in order. */
  get outputNames(): string[] {
    if (this.graphOutputs.length > 0) return this.graphOutputs.map((t) => t.sourceLayer.name);
    const last = this.layers[this.layers.length - 1];
    return [last?.name ?? 'output'];
  }

  /** Layers in graph order (input layers first for a functional model). */
  get layers(): Layer[] {
    return [...this.sublayers];
  }

  get inputs(): SymbolicTensor[] {
    return [...this.graphInputs];
  }

  get outputs(): SymbolicTensor[] {
    return [...this.graphOutputs];
  }

  /**
   * The model's symbolic input: one tensor, or the list for several (TensorFlow.js's
   * `model.input`); a Sequential model has one once its input shape is known.
   */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    return this.graphEnds(this.graphInputs, 'input');
  }

  /** The model's symbolic output: one tensor, or the list for several. */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    return this.graphEnds(this.graphOutputs, 'output');
  }

  /** The shape(s) of the model's inputs (batch dimension included). */
  override get inputShape(): SymbolicShape | SymbolicShape[] {
    if (this.graphInputs.length === 0) return super.inputShape;
    const shapes = this.graphInputs.map((t) => t.shape);
    return shapes.length === 1 ? (shapes[0] as SymbolicShape) : shapes;
  }

  /** The shape(s) of the model's outputs (batch dimension null), once it has a graph. */
  override get outputShape(): SymbolicShape | SymbolicShape[] | null {
    if (this.graphOutputs.length === 0) return super.outputShape;
    const shapes = this.graphOutputs.map((t) => t.shape);
    return shapes.length === 1 ? (shapes[0] as SymbolicShape) : shapes;
  }

  private graphEnds(
    list: readonly SymbolicTensor[],
    what: string,
  ): SymbolicTensor | SymbolicTensor[] {
    if (list.length === 0) {
      throw new LaminaError(
        'invalid-state',
        `${this.className} '${this.name}': the model has no symbolic ${what} yet: give the first layer an inputShape, add an input(), or call build(inputShape)`,
      );
    }
    return list.length === 1 ? (list[0] as SymbolicTensor) : [...list];
  }

  /** A layer by name, or by index in `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const l = layers[nameOrIndex];
      if (l === undefined)
        throw new LaminaRangeError(
          'invalid-argument',
          `getLayer: index ${nameOrIndex} is out of range: the model has ${layers.length} layers`,
        );
      return l;
    }
    const l = layers.find((x) => x.name === nameOrIndex);
    if (l === undefined) {
      throw new LaminaError(
        'invalid-argument',
        `getLayer: no layer named '${nameOrIndex}'; layers: ${layers.map((x) => x.name).join(', ')}`,
      );
    }
    return l;
  }

  call(inputs: LayerTensors, options: CallOptions): LayerTensors {
    const where = `${this.className} '${this.name}'`;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.graphInputs.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: expected ${this.graphInputs.length} input tensor(s), received ${list.length}`,
      );
    }
    const values = new Map<number, Tensor>();
    const masks = Array.isArray(options.mask) ? options.mask : [options.mask ?? null];
    this.graphInputs.forEach((s, i) => {
      let x = list[i] as Tensor;
      checkAgainst(s, x, where);
      // A mask given to `apply` goes with a view of its input, so that the layers reading that
      // input see it and the caller's tensor keeps its own mask.
      const mask = masks[i] ?? null;
      if (mask !== null && mask !== getMask(x)) {
        x = reshapeView(x, x.shape);
        setMask(x, mask);
      }
      values.set(s.id, x);
    });
    for (const node of this.nodes) {
      const ins = node.inputs.map((s) => values.get(s.id) as Tensor);
      const out = this.applyLayer(
        node.layer,
        ins.length === 1 ? (ins[0] as Tensor) : ins,
        { training: node.training ?? options.training },
        options.observe,
      );
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((s, i) => values.set(s.id, outs[i] as Tensor));
    }
    const results = this.graphOutputs.map((s) => values.get(s.id) as Tensor);
    return this.singleOutput ? (results[0] as Tensor) : results;
  }

  /**
   * Applies one of the model's layers and reports it to `observe`; a nested model gets an
   * observer that reports its layers with this model in front of its own path.
   */
  protected applyLayer(
    layer: Layer,
    inputs: LayerTensors,
    options: Omit<CallOptions, 'observe'>,
    observe: LayerObserver | undefined,
  ): LayerTensors {
    if (observe === undefined) return layer.apply(inputs, options);
    if (typeof observe !== 'function') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.className} '${this.name}': options.observe must be a function ({ layer, inputs, outputs, models }) => void, received ${typeof observe}`,
      );
    }
    const outputs =
      layer instanceof Model
        ? layer.apply(inputs, {
            ...options,
            observe: (call: LayerCall) => observe({ ...call, models: [this, ...call.models] }),
          })
        : layer.apply(inputs, options);
    observe({ layer, inputs, outputs, models: [this] });
    return outputs;
  }

  /** `observe` (see CallOptions) besides the options every layer takes. */
  protected override callOptionNames(): readonly string[] {
    return [...super.callOptionNames(), 'observe'];
  }

  override computeOutputShape(
    inputShape: SymbolicShape | SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const known = new Map<number, SymbolicShape>();
    this.graphInputs.forEach((s, i) => known.set(s.id, shapes[i] ?? s.shape));
    for (const node of this.nodes) {
      const ins = node.inputs.map((s) => known.get(s.id) ?? s.shape);
      const out = node.layer.computeOutputShape(ins.length === 1 ? (ins[0] as SymbolicShape) : ins);
      const outs = isShapeList(out) ? out : [out];
      node.outputs.forEach((s, i) => known.set(s.id, outs[i] ?? s.shape));
    }
    const results = this.graphOutputs.map((s) => known.get(s.id) ?? s.shape);
    return this.singleOutput ? (results[0] as SymbolicShape) : results;
  }

  /** Keras's summary table, returned and (unless `print` is false) printed. */
  summary(options: { print?: boolean; lineLength?: number } = {}): string {
    const rows: SummaryRow[] = this.summaryRows();
    const text = summaryTable(this, rows, this.hasSharedOrBranchingGraph(), options.lineLength);
    if (options.print !== false) console.log(text);
    return text;
  }

  protected summaryRows(): SummaryRow[] {
    return this.layers.map((layer) => {
      const nodes = this.nodes.filter((n) => n.layer === layer);
      const first = nodes[0] ?? layer.inboundNodes[0];
      const shapes = nodes.map((n) =>
        n.outputs.map((o) => formatSymbolicShape(o.shape)).join(', '),
      );
      // Keras prints 'multiple' for a layer applied with different output shapes.
      const sameShape = shapes.every((x) => x === shapes[0]);
      const connectedTo = nodes.flatMap((n) =>
        n.inputs.map(
          (t) =>
            `${t.sourceLayer.name}[${t.sourceLayer.inboundNodes.indexOf(t.node)}][${t.outputIndex}]`,
        ),
      );
      const outputShape =
        first === undefined
          ? layer.outputShape
          : sameShape
            ? first.outputs.map((o) => o.shape)
            : 'multiple';
      return { layer, outputShape, connectedTo };
    });
  }

  private hasSharedOrBranchingGraph(): boolean {
    if (this.graphInputs.length > 1 || this.graphOutputs.length > 1) return true;
    return this.nodes.some((n) => n.inputs.length > 1);
  }

  /**
   * The model's config (the `config` entry of its serialized form): its layers with their inbound
   * nodes, as `{ args, kwargs }` (Keras 3) or `[[layer, node, tensor, kwargs]]` ('tfjs').
   */
  override getConfig(form: ConfigForm = 'keras3'): JsonObject {
    // Node indices are renumbered within this model, as Keras does: a layer shared with another
    // model may have nodes that do not belong here.
    const nodeIndex = (t: SymbolicTensor): number => {
      const own = this.nodes.filter((n) => n.layer === t.sourceLayer);
      const i = own.indexOf(t.node);
      return i < 0 ? 0 : i;
    };
    const ref = (t: SymbolicTensor): [string, number, number] => [
      t.sourceLayer.name,
      nodeIndex(t),
      t.outputIndex,
    ];
    const kerasTensor = (t: SymbolicTensor): JsonObject => ({
      class_name: '__keras_tensor__',
      config: { shape: [...t.shape], dtype: t.dtype, keras_history: ref(t) },
    });
    const kwargs = (n: LayerNode): JsonObject =>
      n.training === undefined ? {} : { training: n.training };
    // Initial states given as `initialState` are Keras's `initial_state` keyword argument; the
    // 'tfjs' form lists them after the sequence, as TensorFlow.js records them.
    const keras3Node = (n: LayerNode): JsonObject => {
      const states = n.initialStateCount ?? 0;
      const args = n.inputs.slice(0, n.inputs.length - states);
      const kw = kwargs(n);
      if (states > 0) kw.initial_state = n.inputs.slice(args.length).map(kerasTensor);
      return {
        args: args.length === 1 ? args.map(kerasTensor) : [args.map(kerasTensor)],
        kwargs: kw,
      };
    };
    const inputLayers = new Set(this.graphInputs.map((t) => t.sourceLayer));
    const layers = [...inputLayers, ...this.layers.filter((l) => !inputLayers.has(l))];
    return {
      name: this.name,
      trainable: this.trainable,
      layers: layers.map((l) => {
        const nodes = this.nodes.filter((n) => n.layer === l);
        const inbound: JsonValue[] =
          form === 'tfjs'
            ? nodes.map((n) => n.inputs.map((t): JsonValue => [...ref(t), kwargs(n)]))
            : nodes.map(keras3Node);
        return { ...serializeLayerAs(l, form), name: l.name, inbound_nodes: inbound };
      }),
      input_layers: this.graphInputs.map(ref),
      output_layers: this.graphOutputs.map(ref),
    };
  }

  /** The model in Keras's serialized form (`{ module, class_name, config, registered_name }`). */
  serialize(form: ConfigForm = 'keras3'): JsonObject {
    return serializedEntry(this.className, this.getConfig(form), form);
  }

  /** The whole model as Keras's `to_json` writes it: the serialized model and the writer. */
  topology(form: ConfigForm = 'keras3'): JsonObject {
    return { ...this.serialize(form), keras_version: LIBRARY_VERSION, backend: 'lamina' };
  }

  /**
   * The model as Keras JSON (`{ module, class_name, config, ... }`), a string unless
   * `returnString` is false (TensorFlow.js's signature; `JSON.stringify(model)` calls it).
   */
  toJSON(_key?: unknown, returnString = true): string | JsonObject {
    const topology = this.topology('keras3');
    return returnString ? JSON.stringify(topology) : topology;
  }

  /**
   * Saves in the TensorFlow.js Layers format: a directory or `.json` path (Node: model.json
   * plus binary shards, written crash-safely) or a handler `{ save(artifacts) }`.
   * @example
   * ```ts
   * const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
   * await m.save('my-model'); // my-model/model.json and its weights
   * await m.save('my-model.keras'); // a Keras 3 archive
   * const loaded = await loadModel('my-model.keras');
   * ```
   */
  async save(target: string | SaveHandler, options?: SaveOptions): Promise<SaveResult> {
    const { saveModel } = await import('../saving/index.js');
    return saveModel(this, target, options);
  }

  /**
   * Loads weights (a path, artifacts or a handler; a Keras file's path or bytes) into this model:
   * everything is checked before any value is assigned, so a failure leaves the model unchanged.
   */
  async loadWeights(
    source: string | ArrayBuffer | Uint8Array | Blob | ModelArtifacts | LoadHandler,
  ): Promise<void> {
    const { loadWeights } = await import('../saving/index.js');
    await loadWeights(this, source);
  }
}

function checkAgainst(s: SymbolicTensor, x: Tensor, where: string): void {
  if (!(x instanceof Tensor))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: input '${s.name}' must be a Tensor, received ${typeof x}`,
    );
  const ok = x.rank === s.rank && s.shape.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: input '${s.name}' expects shape ${formatSymbolicShape(s.shape)}, received ${formatShape(x.shape)}`,
    );
  }
}

/** A layer or a model (whose config holds its layers' in the same form) in Keras's serialized form. */
export function serializeLayerAs(layer: Layer, form: ConfigForm): JsonObject {
  return layer instanceof Model
    ? layer.serialize(form)
    : serializedEntry(layer.className, layerConfigAs(layer, form), form);
}

/**
 * The functional API: `model({ inputs, outputs })`.
 * @example
 * ```ts
 * const x = input({ shape: [4] });
 * const h = layers.dense({ units: 8, activation: 'relu' }).apply(x);
 * const y = layers.dense({ units: 1 }).apply(h);
 * const m = model({ inputs: x, outputs: y });
 * m.predict(ones([2, 4])); // shape [2, 1]
 * ```
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}
