/**
 * TimeDistributed (Keras 3, TensorFlow.js): applies one layer to every time step of a
 * [batch, time, ...] input, with one set of weights. As in Keras, each step is the wrapped
 * layer's `call` on a [batch, ...] slice, so layers that look across the batch (batch
 * normalization) see one step at a time, and the wrapped layer's own activity regularizer is not
 * applied (Keras calls `layer.call`, not the layer); the wrapper's is.
 */
import { stack, unstack } from '../../ops/movement.js';
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
import type { Mask } from '../base/masking.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied at every time step (or its serialized form). */
  layer: Layer | KerasObject;
}

export class TimeDistributed extends Layer {
  static override className = 'TimeDistributed';
  static override readonly argKeys: readonly string[] = layerArgKeys<TimeDistributedArgs>({
    layer: true,
  });
  readonly layer: Layer;
  override readonly supportsMasking: boolean = true;

  constructor(args: TimeDistributedArgs) {
    super(args);
    const where = `TimeDistributed '${this.name}'`;
    const layer = isKerasObject(args.layer) ? deserializeLayer(args.layer, where) : args.layer;
    if (!(layer instanceof Layer))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: Invalid value for argument layer: expected a Layer. Received: layer=${showValue(layer)}`,
      );
    this.layer = this.trackLayer(layer);
  }

  private stepShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    if (shape === undefined || shape.length < 3)
      throw new LaminaRangeError(
        'invalid-argument',
        `TimeDistributed '${this.name}': expected an input of rank 3 or more ([batch, time, ...]), received ${shape === undefined ? 'none' : formatSymbolicShape(shape)}`,
      );
    return [shape[0] ?? null, ...shape.slice(2)];
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const step = this.stepShape(inputShape);
    if (!this.layer.built) {
      this.layer.build(step);
      this.layer.built = true;
    }
  }

  call(inputs: LayerTensors, options: CallOptions): LayerTensors {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor;
    this.stepShape(x.shape);
    const steps = unstack(x, 1).map((slice) => {
      const y = this.layer.call(slice, { training: options.training });
      if (Array.isArray(y))
        throw new LaminaTypeError(
          'invalid-argument',
          `TimeDistributed '${this.name}': the wrapped layer '${this.layer.name}' must return one tensor per step, received ${y.length}`,
        );
      return y;
    });
    return stack(steps, 1);
  }

  override computeMask(_inputs: LayerTensors, mask: Mask): Mask {
    return Array.isArray(mask) ? (mask[0] ?? null) : mask;
  }

  override computeOutputShape(
    inputShape: SymbolicShape | SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shape = (isShapeList(inputShape) ? inputShape[0] : inputShape) as SymbolicShape;
    const out = this.layer.computeOutputShape(this.stepShape(shape));
    if (isShapeList(out))
      throw new LaminaTypeError(
        'invalid-argument',
        `TimeDistributed '${this.name}': the wrapped layer '${this.layer.name}' must have one output`,
      );
    return [out[0] ?? null, shape[1] ?? null, ...out.slice(1)];
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }
}

registerLayer(TimeDistributed, (config) => {
  const args = camelizeKeys(config);
  return new TimeDistributed({
    ...(args as unknown as LayerArgs),
    layer: config.layer as KerasObject,
  });
});
