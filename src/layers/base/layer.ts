/**
 * The Keras layer base: naming, building on first use, weights with their regularizers and
 * constraints, activity regularization, losses, eager and symbolic (functional) application,
 * and configs.
 */
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../../errors.js';
import { noGrad } from '../../autograd/grad.js';
import { zeros } from '../../ops/creation.js';
import { div, mul } from '../../ops/elementwise.js';
import {
  getRegularizer,
  serializeRegularizer,
  type RegularizerIdentifier,
} from '../../regularizers/index.js';
import type { Regularizer } from '../../regularizers/regularizer.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { DType } from '../../tensor/dtype.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  checkActivityNormalization,
  getActivityNormalization,
  type ActivityNormalization,
} from './activity.js';
import {
  BASE_CALL_OPTIONS,
  checkCallOptions,
  withInitialState,
  type StateLike,
} from './call-options.js';
import {
  checkGivenMask,
  inputMasks,
  registerOutputMasks,
  withoutMask,
  type Mask,
} from './masking.js';
import { checkBaseLayerArgs, checkLayerArgs } from './arg-keys.js';
import { uniqueLayerName } from './naming.js';
import {
  formatSymbolicShape,
  SymbolicTensor,
  type LayerNode,
  type SymbolicShape,
} from './symbolic.js';
import { LayerWeight, type WeightConstraint } from './weight.js';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Shape of one sample, for the first layer of a Sequential model (TensorFlow.js style). */
  inputShape?: SymbolicShape;
  /** Batch size that goes with `inputShape`. */
  batchSize?: number;
  /** Full input shape including the batch dimension. */
  batchInputShape?: SymbolicShape;
  /** A penalty on each output of the layer (after its activation). */
  activityRegularizer?: RegularizerIdentifier;
  /** How activity penalties are normalized; defaults to the library-wide setting ('batch'). */
  activityNormalization?: ActivityNormalization;
  /**
   * Initial values of the layer's weights (in `weights` order), assigned once the layer is
   * built, as Keras 2's and TensorFlow.js's `weights` argument.
   */
  weights?: readonly Tensor[] | null;
}

export interface CallOptions {
  /** Dropout and noise layers act only when training; batch normalization uses batch statistics. */
  training?: boolean;
  /**
   * The inputs' timestep masks ([batch, timesteps] bool, false at padding): a tensor for a
   * single input, a list (null where absent) for several. Given to `apply` (not null), it is
   * used instead of the inputs' registered masks (Keras's `mask=`); otherwise `apply` sets it
   * from the mask registry (see masking.ts) when an input has one. Eager application only.
   */
  mask?: Mask;
  /**
   * Models only (other layers refuse it): called after every layer application inside the
   * model, nested models' layers included, in execution order. Eager application only.
   */
  observe?: LayerObserver;
}

/** One layer application inside a model's call, as `CallOptions.observe` sees it. */
export interface LayerCall {
  readonly layer: Layer;
  readonly inputs: LayerTensors;
  readonly outputs: LayerTensors;
  /** The models whose call applied it, outermost (the observed model) first. */
  readonly models: readonly Layer[];
}

export type LayerObserver = (call: LayerCall) => void;

/** What `apply` takes: the options `call` receives, and a recurrent layer's initial states. */
export interface ApplyOptions extends CallOptions {
  /**
   * Initial states of a recurrent layer (SimpleRNN, GRU: [h]; LSTM: [h, c]; Bidirectional: the
   * forward then the backward states), as Keras's `initial_state`: tensors when applied eagerly,
   * symbolic tensors (an encoder's `returnState` outputs) in a functional graph. `call` receives
   * them after the sequence: [sequence, ...states]. Refused by layers without states.
   */
  initialState?: StateLike | readonly StateLike[];
}

export type LayerTensors = Tensor | Tensor[];
export type SymbolicTensors = SymbolicTensor | SymbolicTensor[];

/** Generates initial values for a weight (initializers satisfy this). */
export interface WeightInitializer {
  generate(shape: readonly number[], dtype?: DType): Tensor;
}

export interface AddWeightOptions {
  name: string;
  shape: readonly number[];
  dtype?: DType;
  initializer: WeightInitializer;
  regularizer?: Regularizer | null;
  constraint?: WeightConstraint | null;
  trainable?: boolean;
}

/** One term of `losses`, labeled by where it comes from (for per-layer reporting). */
export interface LossTerm {
  /** 'dense_1/kernel' for a weight penalty, 'dense_1/activity' or 'dense_1/added' otherwise. */
  readonly name: string;
  readonly layer: string;
  readonly kind: 'weight' | 'activity' | 'added';
  readonly value: Tensor;
}

/** Nesting depth of eager layer calls: a call at depth 0 is top-level and clears losses. */
let callDepth = 0;

interface ParameterBudget {
  remaining: number;
  readonly refuse: (layer: Layer, weight: string, shape: readonly number[]) => Error;
  /** False when every weight is about to be overwritten (loading): start them at zeros. */
  readonly initialize: boolean;
}

/**
 * The most elements one weight may have (1 GiB of float32): beyond it a shape is a mistake
 * (`units: 1e9`) that would otherwise exhaust memory before any error names the layer.
 */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;

/** Set while a model is built from an untrusted config (see `withParameterBudget`). */
let parameterBudget: ParameterBudget | null = null;

/**
 * Runs `build` with every `addWeight` counted against `maxParams`, so that a config declaring
 * huge weights is refused before their memory is allocated; `refuse` makes the error.
 */
export function withParameterBudget<T>(
  maxParams: number,
  refuse: ParameterBudget['refuse'],
  build: () => T,
  options: { initialize?: boolean } = {},
): T {
  const previous = parameterBudget;
  parameterBudget = { remaining: maxParams, refuse, initialize: options.initialize ?? true };
  try {
    return build();
  } finally {
    parameterBudget = previous;
  }
}

export abstract class Layer {
  /** The Keras class name; subclasses set it. */
  static className = 'Layer';
  /**
   * The constructor options this class adds to LayerArgs (see arg-keys.ts); declared, any
   * other key is refused. Undeclared (a user's subclass), options are not checked.
   */
  static argKeys?: readonly string[];

  readonly name: string;
  readonly dtype: DType;
  built = false;
  activityRegularizer: Regularizer | null;
  activityNormalization: ActivityNormalization | undefined;
  /** Full input shape declared at construction (inputShape / batchInputShape), if any. */
  readonly batchInputShape: SymbolicShape | null;
  /** Applications of this layer in functional graphs. */
  readonly inboundNodes: LayerNode[] = [];
  /**
   * Whether the layer passes its input mask on unchanged (layers acting elementwise along time
   * set it). Layers that change or consume masks override `computeMask` instead.
   */
  readonly supportsMasking: boolean = false;

  private trainableFlag: boolean;
  private readonly ownWeights: LayerWeight[] = [];
  /** Weights created trainable: freezing and unfreezing toggles these only (not BN statistics). */
  private readonly ownTrainableWeights: LayerWeight[] = [];
  private readonly children: Layer[] = [];
  private recordedLosses: LossTerm[] = [];
  private readonly lazyLosses: (() => Tensor)[] = [];
  private lastOutputShape: SymbolicShape | SymbolicShape[] | null = null;
  /** `weights` given at construction, assigned after the build. */
  private initialWeights: readonly Tensor[] | null;

  constructor(args: LayerArgs = {}) {
    const where = this.className;
    const named = typeof args?.name === 'string' ? `${where} '${args.name}'` : where;
    checkLayerArgs(new.target, args, named);
    checkBaseLayerArgs(args, where);
    this.name = args.name ?? uniqueLayerName(this.className);
    this.dtype = args.dtype ?? 'float32';
    this.trainableFlag = args.trainable ?? true;
    this.activityRegularizer = getRegularizer(args.activityRegularizer, `${where} '${this.name}'`);
    this.activityNormalization =
      args.activityNormalization === undefined
        ? undefined
        : checkActivityNormalization(args.activityNormalization, `${where} '${this.name}'`);
    const initial: unknown = args.weights ?? null;
    if (initial !== null && (!Array.isArray(initial) || !initial.every((w) => w instanceof Tensor)))
      throw new LaminaError(
        'invalid-argument',
        `${where} '${this.name}': weights must be a list of Tensors (the initial weight values), received ${Array.isArray(initial) ? 'a list holding other values' : typeof initial}`,
      );
    this.initialWeights = initial as readonly Tensor[] | null;
    if (args.batchInputShape !== undefined) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape !== undefined)
      this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
  }

  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  // ---- to implement in subclasses ------------------------------------------------------------

  /** Creates the weights once the input shape is known. Called once, before the first call. */
  build(_inputShape: SymbolicShape | SymbolicShape[]): void {}

  /** The layer's computation on concrete tensors. */
  abstract call(inputs: LayerTensors, options: CallOptions): LayerTensors;

  /**
   * For a layer whose output is `activation(linear part)` (Dense, the convolutions): the linear
   * part on `inputs`, computed as `call` computes it; for an Activation layer, its input; null
   * for other layers. Diagnostics measures it; the layer is not changed.
   */
  preActivation(_inputs: LayerTensors): Tensor | null {
    return null;
  }

  /**
   * Output shape(s) for an input shape with an unknown batch. The default runs `call` on zeros
   * with a batch of 1 (without recording anything); layers whose other dimensions may be
   * unknown override it.
   */
  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const concrete = (s: SymbolicShape, dtype: DType): Tensor => {
      const dims = s.map((d, i) => {
        if (d !== null) return d;
        if (i === 0) return 1;
        throw new LaminaError(
          'invalid-argument',
          `${this.className} '${this.name}': cannot infer the output shape for input shape ${formatSymbolicShape(s)}: only the batch dimension may be unknown unless the layer defines computeOutputShape`,
        );
      });
      return zeros(dims, dtype);
    };
    const multi = isShapeList(inputShape);
    const out = noGrad(() =>
      this.call(
        multi
          ? inputShape.map((s) => concrete(s, 'float32'))
          : concrete(inputShape, this.expectedInputDType()),
        { training: false },
      ),
    );
    const batch = (multi ? inputShape[0]?.[0] : inputShape[0]) ?? null;
    const withBatch = (t: Tensor): SymbolicShape =>
      t.rank === 0 ? [] : [batch, ...t.shape.slice(1)];
    return Array.isArray(out) ? out.map(withBatch) : withBatch(out);
  }

  /**
   * The mask(s) of the outputs, from the inputs and their masks (`mask` is null when no input
   * has one). The default passes the first input mask on when `supportsMasking`, else none.
   * Called by eager `apply` after `call`.
   */
  computeMask(_inputs: LayerTensors, mask: Mask): Mask {
    if (!this.supportsMasking || mask === null) return null;
    return Array.isArray(mask) ? (mask[0] ?? null) : mask;
  }

  /** The dtype of the inputs this layer takes (Embedding: int32), for tracing and model inputs. */
  expectedInputDType(): DType {
    return 'float32';
  }

  /** The Keras config (snake_case keys). Subclasses add their own entries. */
  getConfig(): JsonObject {
    const config: JsonObject = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape !== null) config.batch_input_shape = [...this.batchInputShape];
    if (this.activityRegularizer !== null) {
      config.activity_regularizer = serializeRegularizer(this.activityRegularizer);
    }
    if (this.activityNormalization !== undefined)
      config.activity_normalization = this.activityNormalization;
    return config;
  }

  // ---- weights -------------------------------------------------------------------------------

  /** Creates a weight named '<layer>/<name>', registers it, and returns it. */
  addWeight(options: AddWeightOptions): LayerWeight {
    const where = `${this.className} '${this.name}'.addWeight`;
    if (typeof options.name !== 'string' || options.name.length === 0) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: name must be a non-empty string, received ${String(options.name)}`,
      );
    }
    if (this.ownWeights.some((w) => w.shortName === options.name)) {
      throw new LaminaError(
        'invalid-state',
        `${where}: the layer already has a weight named '${options.name}'`,
      );
    }
    const dtype = options.dtype ?? this.dtype;
    const size = options.shape.reduce((n, d) => n * (Number.isFinite(d) ? d : Infinity), 1);
    if (!(size <= MAX_WEIGHT_ELEMENTS))
      throw new LaminaError(
        'too-large',
        `${where}: weight '${options.name}' of shape [${options.shape.join(',')}] would hold ${size} values, more than the ${MAX_WEIGHT_ELEMENTS} one weight may hold`,
      );
    if (parameterBudget !== null) {
      parameterBudget.remaining -= size;
      if (!(parameterBudget.remaining >= 0))
        throw parameterBudget.refuse(this, options.name, options.shape);
    }
    const value =
      parameterBudget?.initialize === false
        ? zeros(options.shape, dtype)
        : options.initializer.generate(options.shape, dtype);
    if (!shapesEqual(value.shape, options.shape) || value.dtype !== dtype) {
      throw new LaminaError(
        'invalid-argument',
        `${where}: initializer for '${options.name}' returned shape ${formatShape(value.shape)} ${value.dtype}, expected ${formatShape(options.shape)} ${dtype}`,
      );
    }
    const weight = new LayerWeight(value, {
      name: `${this.name}/${options.name}`,
      shortName: options.name,
      trainable: (options.trainable ?? true) && this.trainableFlag,
      regularizer: options.regularizer ?? null,
      constraint: options.constraint ?? null,
    });
    this.ownWeights.push(weight);
    if (options.trainable ?? true) this.ownTrainableWeights.push(weight);
    return weight;
  }

  /** Tracks a layer owned by this one (its weights and losses count as this layer's). */
  protected trackLayer<L extends Layer>(layer: L): L {
    if (!this.children.includes(layer)) this.children.push(layer);
    return layer;
  }

  protected untrackLayer(layer: Layer): void {
    const i = this.children.indexOf(layer);
    if (i >= 0) this.children.splice(i, 1);
  }

  /** Directly owned sublayers. */
  protected get sublayers(): readonly Layer[] {
    return this.children;
  }

  /** This layer and every layer below it, each once, depth first. */
  flattenLayers(): Layer[] {
    const seen = new Set<Layer>();
    const visit = (l: Layer): void => {
      if (seen.has(l)) return;
      seen.add(l);
      for (const c of l.children) visit(c);
    };
    visit(this);
    return [...seen];
  }

  get trainable(): boolean {
    return this.trainableFlag;
  }

  /** Freezing a layer freezes its weights and sublayers (Keras 3): their penalties vanish too. */
  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const w of this.ownTrainableWeights) w.trainable = value;
    for (const c of this.children) c.trainable = value;
  }

  /** All weights, own first, then sublayers', each once. */
  get weights(): LayerWeight[] {
    const out = new Set<LayerWeight>();
    for (const l of this.flattenLayers()) for (const w of l.ownWeights) out.add(w);
    return [...out];
  }

  get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }

  /** Current values of `weights`, in order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.storage, w.shape, w.dtype));
  }

  /** Assigns values to `weights`, in order; shapes and dtypes must match. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.className} '${this.name}'.setWeights: expected ${weights.length} arrays (${weights.map((w) => w.name).join(', ')}), received ${values.length}`,
      );
    }
    weights.forEach((w, i) => w.assign(values[i] as Tensor));
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  // ---- losses --------------------------------------------------------------------------------

  /**
   * Adds a loss: a tensor (kept until the next top-level call clears it) or a zero-argument
   * function, evaluated each time `losses` is read (for penalties on weights).
   */
  addLoss(loss: Tensor | (() => Tensor)): void {
    if (typeof loss === 'function') {
      this.lazyLosses.push(loss);
      return;
    }
    this.recordLoss('added', checkScalarLoss(loss, `${this.className} '${this.name}'.addLoss`));
  }

  /**
   * Every loss term with its origin: activity and added losses of the latest top-level call
   * (this layer and below), then the penalties of trainable weights, each weight once,
   * computed now from the weights' current values.
   */
  lossTerms(): LossTerm[] {
    const terms: LossTerm[] = [];
    for (const l of this.lossOrder()) {
      terms.push(...l.recordedLosses);
      for (const f of l.lazyLosses) {
        terms.push({
          name: `${l.name}/added`,
          layer: l.name,
          kind: 'added',
          value: checkScalarLoss(f(), `${l.name} lazy loss`),
        });
      }
    }
    for (const w of this.trainableWeights) {
      if (w.regularizer === null) continue;
      const layer = w.name.slice(0, w.name.length - w.shortName.length - 1);
      terms.push({
        name: w.name,
        layer,
        kind: 'weight',
        value: checkScalarLoss(w.regularizer.apply(w), `regularizer of ${w.name}`),
      });
    }
    return terms;
  }

  /**
   * The layers whose own losses `lossTerms` collects, in Keras's order (`_flatten_layers`): this
   * layer, then its sublayers depth first, where every layer below the first level puts its own
   * sublayers in reverse order (Keras pushes them with `deque.extendleft`). So a Bidirectional's
   * backward layer comes before its forward layer, as in Keras's `model.losses`.
   */
  private lossOrder(): Layer[] {
    const out: Layer[] = [this];
    const seen = new Set<Layer>([this]);
    const pending = [...this.children];
    for (let l = pending.shift(); l !== undefined; l = pending.shift()) {
      if (seen.has(l)) continue;
      seen.add(l);
      out.push(l);
      pending.unshift(...[...l.children].reverse());
    }
    return out;
  }

  /** The scalar losses Keras adds to the training loss (activity, added, weight penalties). */
  get losses(): Tensor[] {
    return this.lossTerms().map((t) => t.value);
  }

  private recordLoss(kind: 'activity' | 'added', value: Tensor): void {
    this.recordedLosses.push({ name: `${this.name}/${kind}`, layer: this.name, kind, value });
  }

  private clearLosses(): void {
    for (const l of this.flattenLayers()) l.recordedLosses = [];
  }

  // ---- application ---------------------------------------------------------------------------

  /**
   * Calls the layer: on tensors it computes now (building the layer on first use); on symbolic
   * tensors it records a node of a functional graph and returns symbolic outputs.
   */
  apply(inputs: Tensor, options?: ApplyOptions): Tensor;
  apply(inputs: SymbolicTensor, options?: ApplyOptions): SymbolicTensor;
  apply(inputs: Tensor[], options?: ApplyOptions): LayerTensors;
  apply(inputs: SymbolicTensor[], options?: ApplyOptions): SymbolicTensors;
  apply(inputs: LayerTensors, options?: ApplyOptions): LayerTensors;
  apply(inputs: SymbolicTensors, options?: ApplyOptions): SymbolicTensors;
  apply(
    inputs: LayerTensors | SymbolicTensors,
    options?: ApplyOptions,
  ): LayerTensors | SymbolicTensors;
  apply(
    given: LayerTensors | SymbolicTensors,
    applyOptions: ApplyOptions = {},
  ): LayerTensors | SymbolicTensors {
    const where = `${this.className} '${this.name}'.apply`;
    checkCallOptions(applyOptions, this.callOptionNames(), where);
    if (Array.isArray(given) && given.length === 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.className} '${this.name}': called with no inputs`,
      );
    const { initialState, ...options } = applyOptions;
    // Initial states become inputs after the sequence: [sequence, ...states].
    const { inputs, stateCount } = withInitialState<Tensor | SymbolicTensor>(
      given,
      initialState,
      where,
    );
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.every((x) => x instanceof SymbolicTensor))
      return this.applySymbolic(inputs as SymbolicTensors, options, stateCount);
    if (list.every((x) => x instanceof Tensor))
      return this.applyEager(inputs as LayerTensors, options);
    throw new LaminaTypeError(
      'invalid-argument',
      `${this.className} '${this.name}': inputs must be all Tensors (eager) or all SymbolicTensors (functional), received ${list.map((x) => (x instanceof Tensor ? 'Tensor' : x instanceof SymbolicTensor ? 'SymbolicTensor' : typeof x)).join(', ')}`,
    );
  }

  private ensureBuilt(shape: SymbolicShape | SymbolicShape[]): void {
    if (this.built) return;
    this.checkDeclaredShape(shape);
    this.build(shape);
    this.built = true;
    if (this.initialWeights !== null) {
      this.setWeights(this.initialWeights);
      this.initialWeights = null;
    }
  }

  private checkDeclaredShape(shape: SymbolicShape | SymbolicShape[]): void {
    if (this.batchInputShape === null || isShapeList(shape)) return;
    const declared = this.batchInputShape;
    const ok =
      declared.length === shape.length &&
      declared.every((d, i) => d === null || shape[i] === null || d === shape[i]);
    if (!ok) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.className} '${this.name}': expected input shape ${formatSymbolicShape(declared)}, received ${formatSymbolicShape(shape)}`,
      );
    }
  }

  private applyEager(inputs: LayerTensors, options: CallOptions): LayerTensors {
    const topLevel = callDepth === 0;
    if (topLevel) this.clearLosses();
    callDepth++;
    try {
      this.ensureBuilt(Array.isArray(inputs) ? inputs.map((t) => t.shape) : inputs.shape);
      // Masks: given in the options (Keras's `mask=`) or read from the registry, handed to call,
      // and the outputs' masks registered. Without any mask, call gets no mask entry. A null
      // mask means "not given", as Keras's mask=None.
      const mask =
        options.mask === undefined || options.mask === null
          ? inputMasks(inputs)
          : checkGivenMask(options.mask, inputs, `${this.className} '${this.name}'.apply`);
      const outputs = this.call(
        inputs,
        mask === null ? withoutMask(options) : { ...options, mask },
      );
      registerOutputMasks(
        outputs,
        noGrad(() => this.computeMask(inputs, mask)),
      );
      this.lastOutputShape = Array.isArray(outputs) ? outputs.map((t) => t.shape) : outputs.shape;
      if (this.activityRegularizer !== null) {
        for (const out of Array.isArray(outputs) ? outputs : [outputs]) this.recordActivity(out);
      }
      return outputs;
    } finally {
      callDepth--;
    }
  }

  /** The activity penalty on one output, normalized by its batch size unless configured not to. */
  private recordActivity(output: Tensor): void {
    const regularizer = this.activityRegularizer as Regularizer;
    const where = `activity regularizer of ${this.className} '${this.name}'`;
    let loss = checkScalarLoss(regularizer.apply(output), where);
    const mode = this.activityNormalization ?? getActivityNormalization();
    if (mode === 'batch' && output.rank > 0) {
      const batch = output.shape[0] as number;
      loss = batch === 0 ? mul(loss, 0) : div(loss, batch);
    }
    this.recordLoss('activity', loss);
  }

  /**
   * The keys `apply` accepts in its options (others are refused, naming the valid ones). Layers
   * taking more options than `training` and `mask` extend the list.
   */
  protected callOptionNames(): readonly string[] {
    return BASE_CALL_OPTIONS;
  }

  private applySymbolic(
    inputs: SymbolicTensors,
    options: CallOptions,
    initialStateCount: number,
  ): SymbolicTensors {
    if (options.mask !== undefined && options.mask !== null) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.className} '${this.name}'.apply: a mask cannot be given to a symbolic application (a functional graph records none); masks come from the layers producing the inputs, such as Embedding with maskZero`,
      );
    }
    const shapes = Array.isArray(inputs) ? inputs.map((t) => t.shape) : inputs.shape;
    this.ensureBuilt(shapes);
    const outShapes = this.computeOutputShape(shapes);
    const node: LayerNode = {
      layer: this,
      inputs: Array.isArray(inputs) ? inputs : [inputs],
      outputs: [],
      training: options.training,
      initialStateCount,
    };
    const make = (shape: SymbolicShape, i: number, count: number): SymbolicTensor =>
      new SymbolicTensor(
        shape,
        this.outputDType(),
        count === 1 ? this.name : `${this.name}:${i}`,
        node,
        i,
      );
    if (isShapeList(outShapes)) {
      node.outputs.push(...outShapes.map((s, i) => make(s, i, outShapes.length)));
    } else {
      node.outputs.push(make(outShapes, 0, 1));
    }
    this.inboundNodes.push(node);
    this.lastOutputShape = outShapes;
    return isShapeList(outShapes) ? node.outputs : (node.outputs[0] as SymbolicTensor);
  }

  /** The dtype of symbolic outputs. */
  protected outputDType(): DType {
    return this.dtype;
  }

  /** The output shape seen at the latest application (symbolic, or eager with the batch unknown). */
  get outputShape(): SymbolicShape | SymbolicShape[] | null {
    const s = this.lastOutputShape;
    if (s === null) return null;
    const unbatch = (x: SymbolicShape): SymbolicShape =>
      x.length === 0 ? x : [null, ...x.slice(1)];
    return isShapeList(s) ? s.map(unbatch) : unbatch(s);
  }

  /**
   * The symbolic input of the layer's one application in a functional graph (a list for several
   * inputs), as Keras's and TensorFlow.js's `layer.input`; an error when the layer was applied
   * symbolically never or more than once (use `getInputAt(nodeIndex)` then).
   */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.onlyNode('input', 'getInputAt');
    return singleOrList(node.inputs);
  }

  /** The symbolic output of the layer's one application (see `input`). */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.onlyNode('output', 'getOutputAt');
    return singleOrList(node.outputs);
  }

  /** The symbolic input(s) of the layer's `nodeIndex`-th application. */
  getInputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return singleOrList(this.nodeAt(nodeIndex, 'getInputAt').inputs);
  }

  /** The symbolic output(s) of the layer's `nodeIndex`-th application. */
  getOutputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return singleOrList(this.nodeAt(nodeIndex, 'getOutputAt').outputs);
  }

  /**
   * The input shape (batch dimension included, null where unknown): that of the layer's
   * applications when they agree, else the shape declared at construction.
   */
  get inputShape(): SymbolicShape | SymbolicShape[] {
    const shapes = this.inboundNodes.map((n) => n.inputs.map((t) => t.shape));
    const text = shapes.map((s) => s.map(formatSymbolicShape).join(','));
    if (shapes.length > 0 && text.every((t) => t === text[0])) {
      const first = shapes[0] as SymbolicShape[];
      return first.length === 1 ? (first[0] as SymbolicShape) : first;
    }
    if (shapes.length > 1) {
      throw new LaminaError(
        'invalid-state',
        `${this.className} '${this.name}': the layer has several inbound nodes with different input shapes (${text.join(' and ')}), so "the input shape" is ill-defined; read getInputAt(nodeIndex).shape instead`,
      );
    }
    if (this.batchInputShape !== null) return this.batchInputShape;
    throw new LaminaError(
      'invalid-state',
      `${this.className} '${this.name}': the layer has never been called symbolically and declares no input shape, so it has no defined input shape`,
    );
  }

  private onlyNode(what: 'input' | 'output', instead: string): LayerNode {
    const count = this.inboundNodes.length;
    if (count === 1) return this.inboundNodes[0] as LayerNode;
    if (count === 0) {
      throw new LaminaError(
        'invalid-state',
        `${this.className} '${this.name}': the layer is not connected (never applied to a symbolic tensor), so it has no ${what}; apply it to input() or a layer's output first`,
      );
    }
    throw new LaminaError(
      'invalid-state',
      `${this.className} '${this.name}': the layer has ${count} inbound nodes, so the notion of "layer ${what}" is ill-defined; use ${instead}(nodeIndex) instead`,
    );
  }

  private nodeAt(nodeIndex: number, where: string): LayerNode {
    const node = Number.isInteger(nodeIndex) ? this.inboundNodes[nodeIndex] : undefined;
    if (node === undefined) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.className} '${this.name}'.${where}: node index ${String(nodeIndex)} is out of range: the layer has ${this.inboundNodes.length} inbound node(s)`,
      );
    }
    return node;
  }

  toString(): string {
    return `${this.className} '${this.name}'`;
  }
}

function singleOrList(list: readonly SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
  return list.length === 1 ? (list[0] as SymbolicTensor) : [...list];
}

export function isShapeList(
  shape: SymbolicShape | readonly SymbolicShape[],
): shape is SymbolicShape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

function checkScalarLoss(value: unknown, where: string): Tensor {
  if (!(value instanceof Tensor) || value.rank !== 0 || value.dtype !== 'float32') {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: a loss must be a float32 scalar tensor, received ${value instanceof Tensor ? `${value.dtype} ${formatShape(value.shape)}` : typeof value}`,
    );
  }
  return value;
}
