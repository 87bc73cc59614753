import {
  getActivation,
  serializeActivation,
  type Activation as ActivationFunction,
  type ActivationIdentifier,
} from '../../activations/index.js';
import { L1L2 } from '../../regularizers/l1l2.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { singleInput } from '../base/args.js';
import { layerArgKeys } from '../base/arg-keys.js';

export interface ActivationArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

/** Applies an activation function. */
export class Activation extends Layer {
  static override className = 'Activation';
  static override readonly argKeys: readonly string[] = layerArgKeys<ActivationArgs>({
    activation: true,
  });
  override readonly supportsMasking: boolean = true;
  readonly activation: ActivationFunction;
  constructor(args: ActivationArgs) {
    super(args);
    this.activation = getActivation(args.activation, `Activation '${this.name}'`);
  }
  call(inputs: LayerTensors): Tensor {
    return this.activation.apply(singleInput(inputs, `Activation '${this.name}'`));
  }

  override preActivation(inputs: LayerTensors): Tensor {
    return singleInput(inputs, `Activation '${this.name}'`);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return singleInput(inputShape, `Activation '${this.name}'`);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}
registerLayer(Activation);

export interface ActivityRegularizationArgs extends Omit<LayerArgs, 'activityRegularizer'> {
  l1?: number;
  l2?: number;
}

/** An identity layer whose activity regularizer is L1L2(l1, l2). */
export class ActivityRegularization extends Layer {
  static override className = 'ActivityRegularization';
  static override readonly argKeys: readonly string[] = layerArgKeys<ActivityRegularizationArgs>({
    l1: true,
    l2: true,
  });
  override readonly supportsMasking: boolean = true;
  readonly l1: number;
  readonly l2: number;
  constructor(args: ActivityRegularizationArgs = {}) {
    const regularizer = new L1L2(args.l1 ?? 0, args.l2 ?? 0);
    super({ ...args, activityRegularizer: regularizer });
    this.l1 = regularizer.l1;
    this.l2 = regularizer.l2;
  }
  call(inputs: LayerTensors): Tensor {
    return singleInput(inputs, `ActivityRegularization '${this.name}'`);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return singleInput(inputShape, `ActivityRegularization '${this.name}'`);
  }
  override getConfig(): JsonObject {
    const config = super.getConfig();
    delete config.activity_regularizer;
    return { ...config, l1: this.l1, l2: this.l2 };
  }
}
registerLayer(ActivityRegularization);
