/**
 * The base optimizer (Keras 3 `keras.optimizers.Optimizer`). One `applyGradients` call: clip the
 * gradients, apply decoupled weight decay, apply each optimizer's update, project variables
 * through their constraints, then count one iteration. Nothing in it is recorded for autodiff.
 */
import { noGrad, variableGradPairs } from '../autograd/grad.js';
import { scalar } from '../ops/convert.js';
import { zerosLike } from '../ops/creation.js';
import { axpby } from '../ops/fused.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { shapesEqual } from '../tensor/shape.js';
import { findVariable, Tensor, Variable } from '../tensor/tensor.js';
import { checkOptions, optionKeys, showValue } from '../validation/options.js';
import { clipGradients } from './clip.js';
import { LearningRateSchedule, serializeSchedule } from './schedule.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface OptimizerOptions {
  /** A number >= 0 or a schedule of the step; each optimizer has its Keras default. */
  learningRate?: number | LearningRateSchedule;
  /** Each gradient is rescaled so that its L2 norm is at most this. */
  clipNorm?: number | null;
  /** Each gradient element is clipped to [-clipValue, clipValue]. */
  clipValue?: number | null;
  /** All gradients are rescaled together so that their joint L2 norm is at most this. */
  globalClipNorm?: number | null;
  /** Decoupled weight decay: before each update, w -= learningRate * weightDecay * w. */
  weightDecay?: number | null;
  /**
   * Lamina's default excludes biases and normalization weights from weight decay (LayerWeights
   * named bias, beta, gamma, moving_mean, moving_variance, and every rank-1 variable); `true`
   * decays every variable, as Keras does.
   */
  decayAllVariables?: boolean;
  name?: string;
}

/** Short names that are never decayed unless `decayAllVariables`. */
export const NO_DECAY_SHORT_NAMES: readonly string[] = [
  'bias',
  'beta',
  'gamma',
  'moving_mean',
  'moving_variance',
];

type MaybeConstrained = { constraint?: { apply(w: Tensor): Tensor } | null };

export function checkHyper(value: unknown, arg: string, where: string, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    const range = max === Infinity ? 'a number >= 0' : `a number in [0, ${max}]`;
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected ${range}. Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}

function optional(value: unknown, arg: string, where: string): number | null {
  return value === undefined || value === null ? null : checkHyper(value, arg, where);
}

/** An optimizer class's own option keys: every key of `O` not in OptimizerOptions. */
export function ownOptionKeys<O>(keys: {
  readonly [K in Exclude<keyof O, keyof OptimizerOptions>]-?: true;
}): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/** The options every optimizer accepts. */
export const OPTIMIZER_KEYS = optionKeys<OptimizerOptions>({
  learningRate: true,
  clipNorm: true,
  clipValue: true,
  globalClipNorm: true,
  weightDecay: true,
  decayAllVariables: true,
  name: true,
});

export abstract class Optimizer {
  /**
   * The options this class adds to OptimizerOptions; declared, any other key is refused (a
   * user's subclass that declares none is not checked).
   */
  static optionKeys?: readonly string[];
  abstract readonly className: string;
  readonly name: string;
  /** Number of `applyGradients` calls so far (the step handed to schedules). */
  iterations = 0;
  readonly clipNorm: number | null;
  readonly clipValue: number | null;
  readonly globalClipNorm: number | null;
  weightDecay: number | null;
  decayAllVariables: boolean;
  private lr: number | LearningRateSchedule;
  /** Per-variable slots, by variable identity, in order of first use. */
  private readonly slots = new Map<Variable, Tensor[]>();
  /** Restored slots of variables not seen yet, by name. */
  private pending = new Map<string, Tensor[]>();
  private readonly excludedVariables = new Set<Variable>();
  private readonly excludedNames: string[] = [];

  constructor(options: OptimizerOptions, defaultLearningRate: number, defaultName: string) {
    const where = new.target.name;
    if (Object.hasOwn(new.target, 'optionKeys'))
      checkOptions(options, [...OPTIMIZER_KEYS, ...(new.target.optionKeys ?? [])], where);
    this.lr = Optimizer.checkLearningRate(options.learningRate ?? defaultLearningRate, where);
    this.clipNorm = optional(options.clipNorm, 'clipNorm', where);
    this.clipValue = optional(options.clipValue, 'clipValue', where);
    this.globalClipNorm = optional(options.globalClipNorm, 'globalClipNorm', where);
    const set = [this.clipNorm, this.clipValue, this.globalClipNorm].filter((c) => c !== null);
    if (set.length > 1) {
      throw new LaminaError(
        'invalid-argument',
        `${where}: Only one of clipNorm, clipValue and globalClipNorm can be set. Received: clipNorm=${this.clipNorm}, clipValue=${this.clipValue}, globalClipNorm=${this.globalClipNorm}`,
      );
    }
    this.weightDecay = optional(options.weightDecay, 'weightDecay', where);
    this.decayAllVariables = options.decayAllVariables ?? false;
    this.name = options.name ?? defaultName;
  }

  private static checkLearningRate(lr: unknown, where: string): number | LearningRateSchedule {
    if (lr instanceof LearningRateSchedule) return lr;
    return checkHyper(lr, 'learningRate', where);
  }

  /** The learning rate: a number, or the schedule it was created with. */
  get learningRate(): number | LearningRateSchedule {
    return this.lr;
  }

  /** A schedule replaces the current one; a number cannot replace a schedule (as in Keras). */
  set learningRate(value: number | LearningRateSchedule) {
    const where = `${this.className}.learningRate`;
    if (this.lr instanceof LearningRateSchedule && !(value instanceof LearningRateSchedule)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: this optimizer was created with a LearningRateSchedule as its learning rate, hence its learning rate is not settable to a number; assign a new schedule instead`,
      );
    }
    this.lr = Optimizer.checkLearningRate(value, where);
  }

  /** The learning rate for the next update: the schedule evaluated at `iterations`. */
  currentLearningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr.valueAt(this.iterations);
  }

  /**
   * Excludes variables from weight decay: these exact variables, and every variable whose name
   * contains one of `varNames` (Keras 3 takes these as regular expressions; Lamina as substrings).
   */
  excludeFromWeightDecay(options: {
    variables?: readonly Variable[];
    varNames?: readonly string[];
  }): void {
    for (const v of options.variables ?? []) this.excludedVariables.add(v);
    for (const n of options.varNames ?? []) {
      if (typeof n !== 'string' || n.length === 0)
        throw new LaminaTypeError(
          'invalid-argument',
          `${this.className}.excludeFromWeightDecay: varNames must be non-empty strings`,
        );
      this.excludedNames.push(n);
    }
  }

  /** Whether weight decay (if any) applies to `v`. */
  usesWeightDecay(v: Variable): boolean {
    if (this.excludedVariables.has(v)) return false;
    if (this.excludedNames.some((n) => v.name.includes(n))) return false;
    if (this.decayAllVariables) return true;
    const shortName = (v as { shortName?: unknown }).shortName;
    if (typeof shortName === 'string' && NO_DECAY_SHORT_NAMES.includes(shortName)) return false;
    return v.rank !== 1;
  }

  /** Names of the per-variable slots, in order (e.g. ['momentum', 'velocity']). */
  protected abstract slotNames(): string[];
  /** The initial value of slot `name` for `v` (zeros by default). */
  protected initialSlot(_name: string, v: Variable): Tensor {
    return zerosLike(v);
  }
  /**
   * Updates `variable` from `gradient`; replaces entries of `slots` with their new values.
   * `step` is iterations + 1, Keras's `local_step`.
   */
  protected abstract updateStep(
    gradient: Tensor,
    variable: Variable,
    slots: Tensor[],
    lr: number,
    step: number,
  ): void;
  /** The optimizer's own config keys (beta_1, momentum...). */
  protected abstract ownConfig(): JsonObject;

  /** Creates the slots of `variables` now (otherwise they are created on first update). */
  build(variables: readonly Variable[]): void {
    for (const v of variables) this.slotsFor(v);
  }

  private slotsFor(v: Variable): Tensor[] {
    let s = this.slots.get(v);
    if (s !== undefined) return s;
    const names = this.slotNames();
    const restored = this.pending.get(v.name);
    if (restored !== undefined) {
      this.checkSlots(v, restored, `${this.className}: restored state of '${v.name}'`);
      this.pending.delete(v.name);
      s = [...restored];
    } else {
      s = names.map((n) => this.initialSlot(n, v));
    }
    this.slots.set(v, s);
    return s;
  }

  private checkSlots(v: Variable, slots: readonly Tensor[], where: string): void {
    const names = this.slotNames();
    if (slots.length !== names.length)
      throw new LaminaError(
        'invalid-argument',
        `${where}: expected ${names.length} slots (${names.join(', ')}), received ${slots.length}`,
      );
    slots.forEach((t, i) => {
      if (!(t instanceof Tensor) || !shapesEqual(t.shape, v.shape) || t.dtype !== v.dtype)
        throw new LaminaError(
          'invalid-argument',
          `${where}: slot ${names[i]} must be a ${v.dtype} tensor of shape [${v.shape.join(',')}]`,
        );
    });
  }

  /**
   * One step on the scalar `loss()`: its gradients with respect to `varList` (every trainable
   * variable `loss` reads when omitted), then `applyGradients`. Two forms: Keras-like
   * `minimize(loss, varList)` returns the loss; TensorFlow.js's `minimize(loss, returnCost,
   * varList)` returns it only when `returnCost` is true, else null.
   */
  minimize(loss: () => Tensor, varList: readonly Variable[]): Tensor;
  minimize(loss: () => Tensor, returnCost?: boolean, varList?: readonly Variable[]): Tensor | null;
  minimize(
    loss: () => Tensor,
    second?: boolean | readonly Variable[],
    third?: readonly Variable[],
  ): Tensor | null {
    const where = `${this.className}.minimize`;
    const keras = Array.isArray(second);
    const varList = keras ? (second as readonly Variable[]) : third;
    if (!keras && second !== undefined && typeof second !== 'boolean')
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: the second argument must be returnCost (a boolean) or varList (an array of variables), received ${typeof second}`,
      );
    if (varList !== undefined && !Array.isArray(varList))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: varList must be an array of variables`,
      );
    const { value, pairs } = variableGradPairs(loss, varList, where);
    this.applyGradients(pairs);
    return keras || second === true ? value : null;
  }

  /**
   * Clips, decays, updates and constrains. `gradients` are `[gradient, variable]` pairs (Keras),
   * or TensorFlow.js's forms: gradients keyed by variable name (what `variableGrads` returns) or
   * `{ name, tensor }` entries; a name must belong to exactly one live variable.
   */
  applyGradients(gradients: GradientsArg): void {
    const where = `${this.className}.applyGradients`;
    const pairs = gradientPairs(gradients, where);
    noGrad(() => {
      const lr = this.currentLearningRate();
      const grads = clipGradients(
        pairs.map((p) => p[0]),
        this,
      );
      const vars = pairs.map((p) => p[1]);
      if (this.weightDecay !== null && this.weightDecay > 0) {
        for (const v of vars) {
          if (this.usesWeightDecay(v)) v.assign(axpby(v, v, 1, -lr * this.weightDecay));
        }
      }
      vars.forEach((v, i) =>
        this.updateStep(grads[i] as Tensor, v, this.slotsFor(v), lr, this.iterations + 1),
      );
      for (const v of vars) {
        const c = (v as MaybeConstrained).constraint;
        if (c !== undefined && c !== null) v.assign(c.apply(v));
      }
    });
    this.iterations += 1;
  }

  /** [iterations (int32 scalar), then each variable's slots in order of first use]. */
  getWeights(): Tensor[] {
    return [scalar(this.iterations, 'int32'), ...[...this.slots.values()].flat()];
  }

  /** The inverse of `getWeights`, for an optimizer whose slots exist (see `build`). */
  setWeights(weights: readonly Tensor[]): void {
    const where = `${this.className}.setWeights`;
    const total = 1 + [...this.slots.values()].reduce((n, s) => n + s.length, 0);
    if (!Array.isArray(weights) || weights.length !== total)
      throw new LaminaError(
        'invalid-argument',
        `${where}: expected ${total} tensors (iterations and the slots of ${this.slots.size} variables; call build(variables) first), received ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    this.iterations = readIterations(weights[0], where);
    let k = 1;
    for (const [v, s] of this.slots) {
      const next = weights.slice(k, k + s.length);
      this.checkSlots(v, next, `${where} (${v.name})`);
      s.splice(0, s.length, ...next);
      k += next.length;
    }
  }

  /** The state, with slots keyed by variable name (for checkpoints). */
  getState(): { iterations: number; slots: Record<string, Tensor[]> } {
    const slots: Record<string, Tensor[]> = {};
    for (const [name, s] of this.pending) slots[name] = [...s];
    for (const [v, s] of this.slots) {
      if (Object.prototype.hasOwnProperty.call(slots, v.name) && !this.pending.has(v.name))
        throw new LaminaError(
          'invalid-argument',
          `${this.className}.getState: two variables share the name '${v.name}'`,
        );
      slots[v.name] = [...s];
    }
    return { iterations: this.iterations, slots };
  }

  /** Replaces the state; slots of variables not seen yet are used when they first are. */
  setState(state: { iterations: number; slots: Record<string, readonly Tensor[]> }): void {
    const where = `${this.className}.setState`;
    this.iterations = readIterations(state?.iterations, where);
    const entries = new Map(Object.entries(state.slots ?? {}).map(([n, s]) => [n, [...s]]));
    for (const [v, s] of [...this.slots]) {
      const restored = entries.get(v.name);
      if (restored === undefined) {
        this.slots.delete(v);
        continue;
      }
      this.checkSlots(v, restored, `${where} (${v.name})`);
      s.splice(0, s.length, ...restored);
      entries.delete(v.name);
    }
    this.pending = entries;
  }

  /** Keras 3 config keys (snake_case). */
  getConfig(): JsonObject {
    const config: JsonObject = {
      name: this.name,
      learning_rate: typeof this.lr === 'number' ? this.lr : serializeSchedule(this.lr),
      weight_decay: this.weightDecay,
      clipnorm: this.clipNorm,
      global_clipnorm: this.globalClipNorm,
      clipvalue: this.clipValue,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
      ...this.ownConfig(),
    };
    if (this.decayAllVariables) config.decay_all_variables = true;
    return config;
  }
}

function readIterations(value: unknown, where: string): number {
  const n = value instanceof Tensor ? Number(value.dataSync()[0]) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: iterations must be an integer >= 0, received ${String(n)}`,
    );
  return n;
}

export type GradientsArg =
  | readonly (readonly [Tensor, Variable])[]
  | Readonly<Record<string, Tensor>>
  | readonly { name: string; tensor: Tensor }[];

/** `applyGradients`'s three argument forms as checked `[gradient, variable]` pairs. */
function gradientPairs(gradients: GradientsArg, where: string): [Tensor, Variable][] {
  let entries: [unknown, unknown, string][];
  const named = (name: string, g: unknown, at: string): [unknown, unknown, string] => {
    const v = findVariable(name);
    if (v === null)
      throw new LaminaError(
        'invalid-argument',
        `${where}: no live variable is named '${name}' (${at} names it)`,
      );
    return [g, v, at];
  };
  if (Array.isArray(gradients)) {
    entries = (gradients as readonly unknown[]).map((entry, i) => {
      const at = `gradients[${i}]`;
      if (Array.isArray(entry)) return [entry[0], entry[1], at];
      const e = entry as { name?: unknown; tensor?: unknown } | null;
      if (typeof e === 'object' && e !== null && typeof e.name === 'string')
        return named(e.name, e.tensor, at);
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: ${at} must be a [gradient, variable] pair or a { name, tensor } entry`,
      );
    });
  } else if (typeof gradients === 'object' && gradients !== null) {
    entries = Object.entries(gradients).map(([name, g]) => named(name, g, `gradients.${name}`));
  } else {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected [gradient, variable] pairs, a { name: gradient } map or { name, tensor } entries, received ${gradients === null ? 'null' : typeof gradients}`,
    );
  }
  const seen = new Set<Variable>();
  return entries.map(([g, v, at]) => {
    if (!(g instanceof Tensor) || !(v instanceof Variable))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: ${at} must hold a gradient Tensor and a Variable`,
      );
    if (v.dtype !== 'float32' || g.dtype !== 'float32')
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: variable '${v.name}' and its gradient must be float32`,
      );
    if (!shapesEqual(g.shape, v.shape))
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: gradient of '${v.name}' has shape [${g.shape.join(',')}], variable [${v.shape.join(',')}]`,
      );
    if (seen.has(v))
      throw new LaminaError('invalid-argument', `${where}: variable '${v.name}' appears twice`);
    seen.add(v);
    return [g, v];
  });
}
