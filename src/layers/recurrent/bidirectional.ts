/**
 * Bidirectional wrapper (Keras 3): a forward and a backward copy of a recurrent layer, their
 * outputs merged. The copies are made from the wrapped layer's config ('forward_<name>', and
 * 'backward_<name>' with goBackwards flipped), so the wrapped instance itself is not used.
 * A mask on the input reaches both directions (they are applied to the same input tensor).
 */
import { add, div, mul } from '../../ops/elementwise.js';
import { concat, reverse } from '../../ops/movement.js';
import {
  isKerasObject,
  type JsonObject,
  type KerasObject,
} from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { camelizeKeys, deserializeLayer, registerLayer, serializeLayer } from '../base/config.js';
import {
  isShapeList,
  Layer,
  type CallOptions,
  type LayerArgs,
  type LayerTensors,
} from '../base/layer.js';
import { firstMask, type Mask } from '../base/masking.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { RNN } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue, showJson } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run in both directions (or its serialized form). */
  layer: Layer | KerasObject;
  /** How the two outputs combine; null returns both: [forward, backward]. Default 'concat'. */
  mergeMode?: MergeMode;
  /** A separate recurrent layer for the backward direction (goBackwards must differ). */
  backwardLayer?: Layer | KerasObject | null;
}

function asRNN(layer: unknown, arg: string, where: string): RNN {
  const l = isKerasObject(layer) ? deserializeLayer(layer, where) : layer;
  if (!(l instanceof RNN)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a recurrent layer (SimpleRNN, LSTM, GRU). Received: ${arg}=${l instanceof Layer ? l.toString() : showValue(l)}`,
    );
  }
  return l;
}

/** A copy of `layer` from its config, renamed and with goBackwards as given. */
function copyOf(layer: RNN, prefix: string, goBackwards: boolean): RNN {
  const serialized = serializeLayer(layer);
  const base = layer.name.startsWith(prefix) ? layer.name.slice(prefix.length) : layer.name;
  const config: JsonObject = { ...serialized.config, name: prefix + base };
  config.go_backwards = goBackwards;
  return deserializeLayer({ ...serialized, config }) as RNN;
}

export class Bidirectional extends Layer {
  static override className = 'Bidirectional';
  static override readonly argKeys: readonly string[] = layerArgKeys<BidirectionalArgs>({
    layer: true,
    mergeMode: true,
    backwardLayer: true,
  });
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  override readonly supportsMasking: boolean = true;

  constructor(args: BidirectionalArgs) {
    super(args);
    const where = `Bidirectional '${this.name}'`;
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: Invalid value for argument mergeMode: expected one of 'concat', 'sum', 'mul', 'ave', null. Received: mergeMode=${showJson(mergeMode)}`,
      );
    }
    this.mergeMode = mergeMode;
    const layer = asRNN(args.layer, 'layer', where);
    this.forwardLayer = copyOf(layer, 'forward_', layer.goBackwards);
    if (args.backwardLayer === undefined || args.backwardLayer === null) {
      this.backwardLayer = copyOf(layer, 'backward_', !layer.goBackwards);
    } else {
      const backward = asRNN(args.backwardLayer, 'backwardLayer', where);
      for (const key of ['returnSequences', 'returnState'] as const) {
        if (backward[key] !== layer[key]) {
          throw new LaminaRangeError(
            'invalid-argument',
            `${where}: the backward layer must have the same ${key} as the forward layer: received ${String(backward[key])} and ${String(layer[key])}`,
          );
        }
      }
      if (backward.goBackwards === layer.goBackwards) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: the backward layer must have goBackwards opposite to the forward layer's (both are ${String(layer.goBackwards)})`,
        );
      }
      this.backwardLayer = backward;
    }
    this.returnSequences = layer.returnSequences;
    this.returnState = layer.returnState;
    // Keras forces this on both directions: masked steps of the merged sequence are zeros.
    this.forwardLayer.zeroOutputForMask = this.returnSequences;
    this.backwardLayer.zeroOutputForMask = this.returnSequences;
    this.trackLayer(this.forwardLayer);
    this.trackLayer(this.backwardLayer);
  }

  /** Also `initialState`: the states to start from (Keras's `initial_state`). */
  protected override callOptionNames(): readonly string[] {
    return [...super.callOptionNames(), 'initialState'];
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    // Build both directions now, so that symbolic (functional) use creates the weights too.
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      if (l.built) continue;
      l.build(inputShape);
      l.built = true;
    }
  }

  /** `inputs` is the sequence, or [sequence, ...forwardStates, ...backwardStates] (Keras). */
  call(inputs: LayerTensors, options: CallOptions): LayerTensors {
    const [x, ...initial] = Array.isArray(inputs) ? inputs : [inputs];
    if (x === undefined)
      throw new LaminaRangeError(
        'invalid-argument',
        `Bidirectional '${this.name}': called with no inputs`,
      );
    if (initial.length % 2 !== 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Bidirectional '${this.name}': expected as many forward as backward initial states, received ${initial.length} in all`,
      );
    }
    const half = initial.length / 2;
    const run = (layer: RNN, states: Tensor[]): [Tensor, ...Tensor[]] => {
      // Both directions get this layer's mask (given or registered): their input is the same.
      const y = layer.apply(states.length === 0 ? x : [x, ...states], options);
      return (Array.isArray(y) ? y : [y]) as [Tensor, ...Tensor[]];
    };
    const [yf, ...statesF] = run(this.forwardLayer, initial.slice(0, half));
    const [yb0, ...statesB] = run(this.backwardLayer, initial.slice(half));
    // The backward layer returns its sequence in processing order: put it back in time order.
    const yb = this.returnSequences ? reverse(yb0, 1) : yb0;
    const merged = this.merge(yf, yb);
    if (!this.returnState) return merged.length === 1 ? (merged[0] as Tensor) : merged;
    return [...merged, ...statesF, ...statesB];
  }

  /** The input mask for each merged output with returnSequences (else none); none for states. */
  override computeMask(_inputs: LayerTensors, mask: Mask): Mask {
    const m = this.returnSequences ? firstMask(mask) : null;
    const outputs: (Tensor | null)[] = this.mergeMode === null ? [m, m] : [m];
    if (!this.returnState) return outputs.length === 1 ? (outputs[0] ?? null) : outputs;
    const states = this.forwardLayer.stateCount + this.backwardLayer.stateCount;
    return [...outputs, ...Array.from({ length: states }, () => null)];
  }

  private merge(yf: Tensor, yb: Tensor): Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [concat([yf, yb], -1)];
      case 'sum':
        return [add(yf, yb)];
      case 'mul':
        return [mul(yf, yb)];
      case 'ave':
        return [div(add(yf, yb), 2)];
      case null:
        return [yf, yb];
    }
  }

  override computeOutputShape(
    inputShape: SymbolicShape | SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shape = isShapeList(inputShape) ? (inputShape[0] as SymbolicShape) : inputShape;
    const fwd = this.forwardLayer.computeOutputShape(shape);
    const bwd = this.backwardLayer.computeOutputShape(shape);
    const [outF, ...statesF] = (isShapeList(fwd) ? fwd : [fwd]) as [
      SymbolicShape,
      ...SymbolicShape[],
    ];
    const statesB = isShapeList(bwd) ? bwd.slice(1) : [];
    let outputs: SymbolicShape[];
    if (this.mergeMode === 'concat') {
      const last = outF[outF.length - 1] ?? null;
      outputs = [[...outF.slice(0, -1), last === null ? null : 2 * last]];
    } else if (this.mergeMode === null) {
      outputs = [outF, outF];
    } else {
      outputs = [outF];
    }
    if (!this.returnState) return outputs.length === 1 ? (outputs[0] as SymbolicShape) : outputs;
    return [...outputs, ...statesF, ...statesB];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serializeLayer(this.forwardLayer),
      backward_layer: serializeLayer(this.backwardLayer),
    };
  }
}

registerLayer(Bidirectional, (config) => {
  const args = camelizeKeys(config);
  return new Bidirectional({
    ...(args as unknown as LayerArgs),
    mergeMode: args.mergeMode as MergeMode,
    layer: config.layer as KerasObject,
    backwardLayer: (config.backward_layer ?? null) as KerasObject | null,
  });
});
