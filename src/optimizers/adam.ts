import { abs, add, div, maximum, mul, sub } from '../ops/elementwise.js';
import { adamStep, axpby, axpbySquare } from '../ops/fused.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkHyper, Optimizer, ownOptionKeys, type OptimizerOptions } from './optimizer.js';
import { LaminaTypeError } from '../errors.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Adam only: use the running maximum of the second moment (AMSGrad). */
  amsgrad?: boolean;
}

/** The shared hyperparameters of the Adam family (beta1 0.9, beta2 0.999, epsilon 1e-7). */
abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(options: AdamOptions, defaultName: string) {
    super(options, 0.001, defaultName);
    const where = new.target.name;
    this.beta1 = checkHyper(options.beta1 ?? 0.9, 'beta1', where, 1);
    this.beta2 = checkHyper(options.beta2 ?? 0.999, 'beta2', where, 1);
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'epsilon', where);
  }
  protected ownConfig(): JsonObject {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Adam (Keras 3 form): lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1);
 * v += (g^2 - v)(1 - beta2); w -= lr_t * m / (sqrt(v) + epsilon). With `amsgrad`, v is replaced
 * by vhat = max(vhat, v). Defaults: learningRate 0.001. Runs as three fused kernels per variable
 * (m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, and the step; `ops/fused.ts`).
 */
export class Adam extends AdamBase {
  static override readonly optionKeys = ownOptionKeys<AdamOptions>({
    beta1: true,
    beta2: true,
    epsilon: true,
    amsgrad: true,
  });
  readonly className: string = 'Adam';
  readonly amsgrad: boolean;
  constructor(options: AdamOptions = {}) {
    super(options, 'adam');
    this.amsgrad = options.amsgrad ?? false;
  }
  protected slotNames(): string[] {
    return this.amsgrad ? ['momentum', 'velocity', 'velocity_hat'] : ['momentum', 'velocity'];
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number, t: number): void {
    const alpha = (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    const m = axpby(s[0] as Tensor, g, this.beta1, 1 - this.beta1);
    let v = axpbySquare(s[1] as Tensor, g, this.beta2, 1 - this.beta2);
    s[0] = m;
    s[1] = v;
    if (this.amsgrad) {
      v = maximum(s[2] as Tensor, v);
      s[2] = v;
    }
    w.assign(adamStep(w, m, v, alpha, this.epsilon));
  }
  protected override ownConfig(): JsonObject {
    return { ...super.ownConfig(), amsgrad: this.amsgrad };
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): Adam whose `weightDecay` defaults to
 * 0.004, as in Keras 3. Every Lamina optimizer accepts `weightDecay`; AdamW only changes the
 * default and requires it.
 */
export class AdamW extends Adam {
  static override readonly optionKeys = Adam.optionKeys;
  override readonly className: string = 'AdamW';
  constructor(options: AdamOptions = {}) {
    const weightDecay = options.weightDecay === undefined ? 0.004 : options.weightDecay;
    if (weightDecay === null)
      throw new LaminaTypeError(
        'invalid-argument',
        'AdamW: Argument weightDecay must be a float. Received: weightDecay=null',
      );
    super({ name: 'adamw', ...options, weightDecay });
  }
}

/**
 * Adamax, Adam with the infinity norm: m += (g - m)(1 - beta1); u = max(beta2 * u, |g|);
 * w -= lr * m / ((1 - beta1^t)(u + epsilon)).
 */
export class Adamax extends AdamBase {
  static override readonly optionKeys = ownOptionKeys<Omit<AdamOptions, 'amsgrad'>>({
    beta1: true,
    beta2: true,
    epsilon: true,
  });
  readonly className = 'Adamax';
  constructor(options: Omit<AdamOptions, 'amsgrad'> = {}) {
    super(options, 'adamax');
  }
  protected slotNames(): string[] {
    return ['momentum', 'norm'];
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number, t: number): void {
    const m = axpby(s[0] as Tensor, g, this.beta1, 1 - this.beta1);
    const u = maximum(mul(s[1] as Tensor, this.beta2), abs(g));
    s[0] = m;
    s[1] = u;
    const correction = 1 - Math.pow(this.beta1, t);
    w.assign(sub(w, div(mul(m, lr), mul(add(u, this.epsilon), correction))));
  }
}

/**
 * Nadam, Adam with Nesterov momentum (Dozat, 2015), Keras 3's momentum-cache form:
 * u_t = beta1 * (1 - 0.5 * 0.96^t); the cache is the product u_1 ... u_t (a function of the step,
 * so it needs no stored state); m_hat = u_{t+1} m / (1 - cache * u_{t+1}) + (1 - u_t) g / (1 - cache);
 * v_hat = v / (1 - beta2^t); w -= lr * m_hat / (sqrt(v_hat) + epsilon).
 */
export class Nadam extends AdamBase {
  static override readonly optionKeys = Adamax.optionKeys;
  readonly className = 'Nadam';
  private cache = { step: 0, value: 1 };
  constructor(options: Omit<AdamOptions, 'amsgrad'> = {}) {
    super(options, 'nadam');
  }
  private u(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }
  /** u_1 * ... * u_t. */
  private uProduct(t: number): number {
    if (this.cache.step > t) this.cache = { step: 0, value: 1 };
    while (this.cache.step < t) {
      this.cache = {
        step: this.cache.step + 1,
        value: this.cache.value * this.u(this.cache.step + 1),
      };
    }
    return this.cache.value;
  }
  protected slotNames(): string[] {
    return ['momentum', 'velocity'];
  }
  protected updateStep(g: Tensor, w: Variable, s: Tensor[], lr: number, t: number): void {
    const uT = this.u(t);
    const uNext = this.u(t + 1);
    const product = this.uProduct(t);
    const m = axpby(s[0] as Tensor, g, this.beta1, 1 - this.beta1);
    const v = axpbySquare(s[1] as Tensor, g, this.beta2, 1 - this.beta2);
    s[0] = m;
    s[1] = v;
    const mHat = axpby(m, g, uNext / (1 - product * uNext), (1 - uT) / (1 - product));
    // With k = 1 - beta2^t and r = sqrt(k): lr * mHat / (sqrt(v / k) + eps)
    // = (lr * r) * mHat / (sqrt(v) + eps * r), one AdamStep instead of dividing v by k first.
    const r = Math.sqrt(1 - Math.pow(this.beta2, t));
    w.assign(adamStep(w, mHat, v, lr * r, this.epsilon * r));
  }
}
