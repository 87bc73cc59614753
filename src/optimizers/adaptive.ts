import { fill } from '../ops/creation.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { axpby, axpbySquare, rmsStep } from '../ops/fused.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkHyper, Optimizer, ownOptionKeys, type OptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSprop (Keras 3): v = rho * v + (1 - rho) g^2; increment = lr * g / sqrt(v + epsilon)
 * (centered: a = rho * a + (1 - rho) g, and sqrt(v - a^2 + epsilon)); with momentum,
 * m = momentum * m + increment and w -= m, else w -= increment.
 * Defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. Runs as fused
 * kernels (`ops/fused.ts`) with the same float32 roundings as the separate ops.
 */
export class RMSprop extends Optimizer {
  static override readonly optionKeys = ownOptionKeys<RMSpropOptions>({
    rho: true,
    momentum: true,
    epsilon: true,
    centered: true,
  });
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(options: RMSpropOptions = {}) {
    super(options, 0.001, 'rmsprop');
    this.rho = checkHyper(options.rho ?? 0.9, 'rho', 'RMSprop', 1);
    this.momentum = checkHyper(options.momentum ?? 0, 'momentum', 'RMSprop', 1);
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'epsilon', 'RMSprop');
    this.centered = options.centered ?? false;
  }
  protected slotNames(): string[] {
    const names = ['velocity'];
    if (this.momentum > 0) names.push('momentum');
    if (this.centered) names.push('average_gradient');
    return names;
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number): void {
    const rho = this.rho;
    const v = axpbySquare(s[0] as Tensor, g, rho, 1 - rho);
    s[0] = v;
    let variance = v;
    if (this.centered) {
      const k = s.length - 1;
      const a = axpby(s[k] as Tensor, g, rho, 1 - rho);
      s[k] = a;
      variance = axpbySquare(v, a, 1, -1);
    }
    if (this.momentum > 0) {
      // m = momentum * m + lr * g / sqrt(variance + epsilon)
      const m = rmsStep(s[1] as Tensor, g, variance, this.momentum, -lr, this.epsilon);
      s[1] = m;
      w.assign(sub(w, m));
    } else {
      w.assign(rmsStep(w, g, variance, 1, lr, this.epsilon));
    }
  }
  protected ownConfig(): JsonObject {
    return {
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad (Keras 3): acc += g^2; w -= lr * g / sqrt(acc + epsilon), acc starting at
 * initialAccumulatorValue. Defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7.
 */
export class Adagrad extends Optimizer {
  static override readonly optionKeys = ownOptionKeys<AdagradOptions>({
    initialAccumulatorValue: true,
    epsilon: true,
  });
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(options: AdagradOptions = {}) {
    super(options, 0.001, 'adagrad');
    const init = options.initialAccumulatorValue ?? 0.1;
    this.initialAccumulatorValue = checkHyper(init, 'initialAccumulatorValue', 'Adagrad');
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'epsilon', 'Adagrad');
  }
  protected slotNames(): string[] {
    return ['accumulator'];
  }
  protected override initialSlot(_name: string, v: Variable): Tensor {
    return fill(v.shape, this.initialAccumulatorValue);
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number): void {
    const acc = axpbySquare(s[0] as Tensor, g, 1, 1);
    s[0] = acc;
    w.assign(rmsStep(w, g, acc, 1, lr, this.epsilon));
  }
  protected ownConfig(): JsonObject {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/**
 * Adadelta (Keras 3): a = rho * a + (1 - rho) g^2; d = -sqrt(dacc + eps) * g / sqrt(a + eps);
 * dacc = rho * dacc + (1 - rho) d^2; w += lr * d. Defaults: learningRate 0.001 (the paper's
 * form is learningRate 1), rho 0.95, epsilon 1e-7.
 */
export class Adadelta extends Optimizer {
  static override readonly optionKeys = ownOptionKeys<AdadeltaOptions>({
    rho: true,
    epsilon: true,
  });
  readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  constructor(options: AdadeltaOptions = {}) {
    super(options, 0.001, 'adadelta');
    this.rho = checkHyper(options.rho ?? 0.95, 'rho', 'Adadelta', 1);
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'epsilon', 'Adadelta');
  }
  protected slotNames(): string[] {
    return ['accumulated_grad', 'accumulated_delta_var'];
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number): void {
    const rho = this.rho;
    const rms = (x: Tensor): Tensor => sqrt(add(x, this.epsilon));
    const acc = axpbySquare(s[0] as Tensor, g, rho, 1 - rho);
    const delta = neg(div(mul(rms(s[1] as Tensor), g), rms(acc)));
    s[0] = acc;
    s[1] = axpbySquare(s[1] as Tensor, delta, rho, 1 - rho);
    w.assign(axpby(w, delta, 1, lr));
  }
  protected ownConfig(): JsonObject {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}
