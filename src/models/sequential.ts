import { Layer, isShapeList, type CallOptions, type LayerTensors } from '../layers/base/layer.js';
import { SymbolicTensor, type SymbolicShape } from '../layers/base/symbolic.js';
import { withoutMask } from '../layers/base/masking.js';
import { InputLayer } from '../layers/input.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';
import type { ConfigForm } from './config.js';
import { Model, serializeLayerAs } from './model.js';
import { checkOptions, optionKeys } from '../validation/options.js';
import type { SummaryRow } from './summary.js';
import { LaminaError, LaminaTypeError } from '../errors.js';

export interface SequentialArgs {
  layers?: readonly (Layer | SymbolicTensor)[];
  name?: string;
  trainable?: boolean;
}

const SEQUENTIAL_KEYS = optionKeys<SequentialArgs>({ layers: true, name: true, trainable: true });

/**
 * A stack of single-input, single-output layers. When the input shape is known (an `input()`
 * first, or `inputShape` on the first layer) every added layer is built at once; otherwise the
 * stack is built on its first call.
 */
export class Sequential extends Model {
  static override className = 'Sequential';
  private readonly stack: Layer[] = [];
  /** The symbolic output after each layer of the stack, once the input shape is known. */
  private readonly stackOutputs: SymbolicTensor[] = [];
  private inputLayer: InputLayer | null = null;

  constructor(args: SequentialArgs = {}) {
    checkOptions(args, SEQUENTIAL_KEYS, 'sequential');
    super(undefined, { name: args.name, trainable: args.trainable });
    this.built = false;
    for (const l of args.layers ?? []) this.add(l);
  }

  /** Appends a layer (or, first, an `input()` that fixes the input shape). */
  add(layer: Layer | SymbolicTensor): void {
    const where = `Sequential '${this.name}'.add`;
    if (layer instanceof SymbolicTensor) {
      if (
        !(layer.sourceLayer instanceof InputLayer) ||
        this.stack.length > 0 ||
        this.inputLayer !== null
      ) {
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: a symbolic input may only be added first, and must come from input()`,
        );
      }
      this.inputLayer = layer.sourceLayer;
      this.rebuildGraph();
      return;
    }
    if (!(layer instanceof Layer))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: expected a Layer, received ${typeof layer}`,
      );
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (this.stack.includes(layer))
      throw new LaminaError(
        'invalid-state',
        `${where}: layer '${layer.name}' is already in the model`,
      );
    if (this.stack.length === 0 && this.inputLayer === null && layer.batchInputShape !== null) {
      this.inputLayer = new InputLayer({
        batchShape: layer.batchInputShape,
        name: `${layer.name}_input`,
        dtype: layer.expectedInputDType(),
      });
    }
    this.stack.push(layer);
    this.trackLayer(layer);
    if (this.inputLayer !== null) this.rebuildGraph();
  }

  /** Removes the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (layer === undefined)
      throw new LaminaError(
        'invalid-state',
        `Sequential '${this.name}'.pop: there are no layers to remove`,
      );
    this.untrackLayer(layer);
    if (this.stackOutputs.length > this.stack.length) this.stackOutputs.pop();
    if (this.inputLayer !== null && this.stack.length > 0) this.rebuildGraph();
    else {
      this.graphOutputs = [];
      this.nodes = [];
    }
    return layer;
  }

  /** Layers in order, without the input layer (as Keras lists them). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /**
   * Builds every layer for inputs of `inputShape` (batch dimension included). The batch size is
   * not kept: a model built by its first call (with that call's batch) takes any batch after.
   */
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    if (isShapeList(inputShape))
      throw new LaminaTypeError(
        'invalid-argument',
        `Sequential '${this.name}': expects a single input`,
      );
    if (this.inputLayer === null) {
      const batchShape = inputShape.length === 0 ? inputShape : [null, ...inputShape.slice(1)];
      this.inputLayer = new InputLayer({ batchShape });
    }
    this.rebuildGraph();
  }

  /** Applies the layers not yet on the symbolic graph and records the graph. */
  private rebuildGraph(): void {
    const inputLayer = this.inputLayer as InputLayer;
    for (let i = this.stackOutputs.length; i < this.stack.length; i++) {
      const layer = this.stack[i] as Layer;
      const y = layer.apply(this.stackOutputs[i - 1] ?? inputLayer.output);
      if (Array.isArray(y)) {
        throw new LaminaTypeError(
          'invalid-argument',
          `Sequential '${this.name}': layer '${layer.name}' has several outputs; use the functional API`,
        );
      }
      this.stackOutputs.push(y);
    }
    const last = this.stackOutputs[this.stack.length - 1];
    if (last !== undefined) {
      super.setGraph(inputLayer.output, last);
      // Keras lists a Sequential model's layers without its input layer.
      this.untrackLayer(inputLayer);
    }
    this.built = true;
  }

  override call(inputs: LayerTensors, options: CallOptions): LayerTensors {
    if (Array.isArray(inputs)) {
      if (inputs.length !== 1)
        throw new LaminaTypeError(
          'invalid-argument',
          `Sequential '${this.name}': expects a single input tensor, received ${inputs.length}`,
        );
      return this.call(inputs[0] as LayerTensors, options);
    }
    if (this.stack.length === 0)
      throw new LaminaError('invalid-state', `Sequential '${this.name}': the model has no layers`);
    let x: LayerTensors = inputs;
    if (this.inputLayer !== null) x = this.inputLayer.call(x);
    // The first layer gets the stack's input mask (given or registered); the others read their
    // own input's mask from the registry (the first mask is wrong after a layer changing it).
    const { observe, ...first } = options;
    const inner = withoutMask(first);
    this.stack.forEach((layer, i) => {
      x = this.applyLayer(layer, x, i === 0 ? first : inner, observe);
    });
    return x;
  }

  override computeOutputShape(
    inputShape: SymbolicShape | SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    let shape = inputShape;
    for (const layer of this.stack) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /** Keras's Sequential config: the input layer (once the input shape is known), then the stack. */
  override getConfig(form: ConfigForm = 'keras3'): JsonObject {
    const layers: JsonValue[] = [];
    const first = this.graphInputs[0];
    if (first !== undefined) layers.push(serializeLayerAs(first.sourceLayer, form));
    for (const l of this.stack) layers.push(serializeLayerAs(l, form));
    const config: JsonObject = { name: this.name, trainable: this.trainable, layers };
    if (first !== undefined) config.build_input_shape = [...first.shape];
    return config;
  }

  protected override summaryRows(): SummaryRow[] {
    return this.stack.map((layer) => {
      const node = this.nodes.find((n) => n.layer === layer);
      return {
        layer,
        outputShape:
          node !== undefined ? (node.outputs.map((o) => o.shape)[0] ?? null) : layer.outputShape,
        connectedTo: [],
      };
    });
  }
}

/**
 * `sequential({ layers: [...] })`, as in TensorFlow.js.
 * @example
 * ```ts
 * const m = sequential({
 *   layers: [layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), layers.dense({ units: 1 })],
 * });
 * m.add(layers.activation({ activation: 'sigmoid' }));
 * m.predict(ones([2, 4])); // shape [2, 1]
 * ```
 */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}
