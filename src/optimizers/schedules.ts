/**
 * Learning-rate schedules (Keras 3 `keras.optimizers.schedules`): functions of the optimizer's
 * step (`optimizer.iterations`, the number of updates already applied). Values are computed in
 * float64. Pass one as `learningRate` to any optimizer.
 */
import { configNumber, type JsonObject } from '../serialization/keras-object.js';
import { LearningRateSchedule, scheduleRegistry as registry } from './schedule.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export {
  LearningRateSchedule,
  serializeSchedule,
  deserializeSchedule,
  registerLearningRateSchedule,
} from './schedule.js';

function invalid(where: string, arg: string, expected: string, value: unknown): RangeError {
  return new LaminaRangeError(
    'invalid-argument',
    `${where}: Invalid value for argument ${arg}: expected ${expected}. Received: ${arg}=${showJson(value) ?? String(value)}`,
  );
}

function finite(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(where, arg, 'a finite number', value);
  return value;
}

function positive(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw invalid(where, arg, 'a number > 0', value);
  return value;
}

function nonNegative(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw invalid(where, arg, 'a number >= 0', value);
  return value;
}

function checkStep(step: number, where: string): number {
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0)
    throw invalid(`${where}.valueAt`, 'step', 'a number >= 0', step);
  return step;
}

/** initialLearningRate * decayRate ^ (step / decaySteps), the exponent floored if `staircase`. */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'ExponentialDecay',
  ) {
    super();
    finite(initialLearningRate, 'initialLearningRate', this.className);
    positive(decaySteps, 'decaySteps', this.className);
    finite(decayRate, 'decayRate', this.className);
  }
  valueAt(step: number): number {
    let p = checkStep(step, this.className) / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/** values[0] while step <= boundaries[0], values[i] while step <= boundaries[i], then the last. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  constructor(
    boundaries: readonly number[],
    values: readonly number[],
    readonly name = 'PiecewiseConstant',
  ) {
    super();
    const where = this.className;
    if (!Array.isArray(boundaries) || !Array.isArray(values))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: boundaries and values must be arrays of numbers`,
      );
    if (boundaries.length !== values.length - 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: The length of boundaries should be 1 less than the length of values. Received: boundaries=${showJson(boundaries)} of length ${boundaries.length}, and values=${showJson(values)} of length ${values.length}.`,
      );
    }
    boundaries.forEach((b, i) => finite(b, `boundaries[${i}]`, where));
    values.forEach((v, i) => finite(v, `values[${i}]`, where));
    for (let i = 1; i < boundaries.length; i++) {
      if (!((boundaries[i] as number) > (boundaries[i - 1] as number)))
        throw invalid(where, 'boundaries', 'strictly increasing numbers', boundaries);
    }
    this.boundaries = [...boundaries];
    this.values = [...values];
  }
  valueAt(step: number): number {
    checkStep(step, this.className);
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i] as number;
  }
  getConfig(): JsonObject {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

/**
 * Cosine decay from initialLearningRate (or warmupTarget) to alpha times it over decaySteps.
 * With `warmupTarget`, the rate first rises linearly from initialLearningRate to warmupTarget
 * over warmupSteps, as in Keras 3.
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;
  readonly name: string;
  constructor(
    initialLearningRate: number,
    decaySteps: number,
    options: {
      alpha?: number;
      warmupTarget?: number | null;
      warmupSteps?: number;
      name?: string;
    } = {},
  ) {
    super();
    const where = this.className;
    this.initialLearningRate = finite(initialLearningRate, 'initialLearningRate', where);
    this.decaySteps = positive(decaySteps, 'decaySteps', where);
    this.alpha = finite(options.alpha ?? 0, 'alpha', where);
    const target = options.warmupTarget ?? null;
    this.warmupTarget = target === null ? null : finite(target, 'warmupTarget', where);
    this.warmupSteps = nonNegative(options.warmupSteps ?? 0, 'warmupSteps', where);
    this.name = options.name ?? 'CosineDecay';
  }
  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }
  valueAt(step: number): number {
    checkStep(step, this.className);
    if (this.warmupTarget === null)
      return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      const delta = this.warmupTarget - this.initialLearningRate;
      return delta * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }
}

/** initialLearningRate / (1 + decayRate * step / decaySteps), the ratio floored if `staircase`. */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'InverseTimeDecay',
  ) {
    super();
    finite(initialLearningRate, 'initialLearningRate', this.className);
    positive(decaySteps, 'decaySteps', this.className);
    finite(decayRate, 'decayRate', this.className);
  }
  valueAt(step: number): number {
    let p = checkStep(step, this.className) / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/**
 * (initial - end) * (1 - step / decaySteps) ^ power + end, with step capped at decaySteps; with
 * `cycle`, decaySteps becomes the first multiple of itself not below step.
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly endLearningRate = 0.0001,
    readonly power = 1,
    readonly cycle = false,
    readonly name = 'PolynomialDecay',
  ) {
    super();
    finite(initialLearningRate, 'initialLearningRate', this.className);
    positive(decaySteps, 'decaySteps', this.className);
    finite(endLearningRate, 'endLearningRate', this.className);
    finite(power, 'power', this.className);
  }
  valueAt(step: number): number {
    let s = checkStep(step, this.className);
    let steps = this.decaySteps;
    if (this.cycle) steps *= s === 0 ? 1 : Math.ceil(s / steps);
    else s = Math.min(s, steps);
    const p = s / steps;
    return (
      (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) +
      this.endLearningRate
    );
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): the rate falls from
 * initialLearningRate to alpha times it over firstDecaySteps, then restarts; each period runs
 * tMul times longer than the one before and starts mMul times lower, as Keras 3's
 * `CosineDecayRestarts`.
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;
  constructor(
    initialLearningRate: number,
    firstDecaySteps: number,
    options: { tMul?: number; mMul?: number; alpha?: number; name?: string } = {},
  ) {
    super();
    const where = this.className;
    this.initialLearningRate = finite(initialLearningRate, 'initialLearningRate', where);
    this.firstDecaySteps = positive(firstDecaySteps, 'firstDecaySteps', where);
    this.tMul = positive(options.tMul ?? 2, 'tMul', where);
    this.mMul = finite(options.mMul ?? 1, 'mMul', where);
    this.alpha = finite(options.alpha ?? 0, 'alpha', where);
    this.name = options.name ?? 'SGDRDecay';
  }
  valueAt(step: number): number {
    let fraction = checkStep(step, this.className) / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods 1, tMul, tMul^2, ... (in units of firstDecaySteps) end at the partial sums of a
      // geometric series; invert that sum to find the period, then the place within it.
      const t = this.tMul;
      restart = Math.floor(Math.log(1 - fraction * (1 - t)) / Math.log(t));
      const before = (1 - Math.pow(t, restart)) / (1 - t);
      fraction = (fraction - before) / Math.pow(t, restart);
    }
    const cosine = 0.5 * Math.pow(this.mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      first_decay_steps: this.firstDecaySteps,
      t_mul: this.tMul,
      m_mul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }
}

function bool(c: JsonObject, key: string, where: string, fallback: boolean): boolean {
  const v = c[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config '${key}' must be a boolean, received ${showJson(v)}`,
    );
  return v;
}

function str(c: JsonObject, key: string, fallback: string): string {
  const v = c[key];
  return typeof v === 'string' ? v : fallback;
}

function numbers(c: JsonObject, key: string, where: string): number[] {
  const v = c[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config '${key}' must be an array of numbers`,
    );
  return v as number[];
}

const num = configNumber;
registry.register('ExponentialDecay', (c) => {
  const w = 'ExponentialDecay';
  return new ExponentialDecay(
    num(c, 'initial_learning_rate', w),
    num(c, 'decay_steps', w),
    num(c, 'decay_rate', w),
    bool(c, 'staircase', w, false),
    str(c, 'name', w),
  );
});
registry.register(
  'PiecewiseConstantDecay',
  (c) =>
    new PiecewiseConstantDecay(
      numbers(c, 'boundaries', 'PiecewiseConstantDecay'),
      numbers(c, 'values', 'PiecewiseConstantDecay'),
      str(c, 'name', 'PiecewiseConstant'),
    ),
);
registry.register('CosineDecay', (c) => {
  const w = 'CosineDecay';
  const target = c.warmup_target;
  return new CosineDecay(num(c, 'initial_learning_rate', w), num(c, 'decay_steps', w), {
    alpha: num(c, 'alpha', w, 0),
    warmupTarget: target === undefined || target === null ? null : num(c, 'warmup_target', w),
    warmupSteps: num(c, 'warmup_steps', w, 0),
    name: str(c, 'name', w),
  });
});
registry.register('InverseTimeDecay', (c) => {
  const w = 'InverseTimeDecay';
  return new InverseTimeDecay(
    num(c, 'initial_learning_rate', w),
    num(c, 'decay_steps', w),
    num(c, 'decay_rate', w),
    bool(c, 'staircase', w, false),
    str(c, 'name', w),
  );
});
registry.register('PolynomialDecay', (c) => {
  const w = 'PolynomialDecay';
  return new PolynomialDecay(
    num(c, 'initial_learning_rate', w),
    num(c, 'decay_steps', w),
    num(c, 'end_learning_rate', w, 0.0001),
    num(c, 'power', w, 1),
    bool(c, 'cycle', w, false),
    str(c, 'name', w),
  );
});
registry.register('CosineDecayRestarts', (c) => {
  const w = 'CosineDecayRestarts';
  return new CosineDecayRestarts(
    num(c, 'initial_learning_rate', w),
    num(c, 'first_decay_steps', w),
    {
      tMul: num(c, 't_mul', w, 2),
      mMul: num(c, 'm_mul', w, 1),
      alpha: num(c, 'alpha', w, 0),
      name: str(c, 'name', 'SGDRDecay'),
    },
  );
});
