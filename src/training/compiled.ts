/**
 * What `compile` fixes: the optimizer, one loss (with its weight) and a list of metrics per model
 * output, resolved from Keras-style identifiers.
 */
import { getLoss, type Loss, type LossIdentifier } from '../losses/index.js';
import { getMetric, type Metric, type MetricIdentifier } from '../metrics/index.js';
import { getOptimizer, type Optimizer, type OptimizerIdentifier } from '../optimizers/index.js';
import type { SymbolicShape } from '../layers/base/symbolic.js';
import { showValue } from '../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

export type PerOutput<T> = T | readonly T[] | Readonly<Record<string, T>>;

export interface CompileArgs {
  optimizer: OptimizerIdentifier;
  /** One loss for every output, a list (one per output) or a record by output name. */
  loss: PerOutput<LossIdentifier>;
  /** Metrics for every output (a list), or per output (a list of lists or a record). */
  metrics?:
    | readonly MetricIdentifier[]
    | readonly (readonly MetricIdentifier[])[]
    | Readonly<Record<string, readonly MetricIdentifier[]>>;
  /** Scales each output's loss in the total (default 1 each). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
}

export interface Compiled {
  optimizer: Optimizer;
  outputNames: string[];
  losses: Loss[];
  lossWeights: number[];
  metrics: Metric[][];
}

function perOutput<T>(
  value: PerOutput<T>,
  names: readonly string[],
  arg: string,
  isValue: (v: unknown) => boolean,
): T[] {
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `compile: ${arg} has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')})`,
      );
    }
    return [...(value as readonly T[])];
  }
  if (typeof value === 'object' && value !== null && !isValue(value)) {
    const record = value as Readonly<Record<string, T>>;
    const unknown = Object.keys(record).filter((k) => !names.includes(k));
    if (unknown.length > 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `compile: ${arg} names unknown outputs ${unknown.join(', ')}; outputs: ${names.join(', ')}`,
      );
    return names.map((n) => {
      if (!(n in record))
        throw new LaminaRangeError(
          'invalid-argument',
          `compile: ${arg} has no entry for output '${n}'`,
        );
      return record[n] as T;
    });
  }
  return names.map(() => value as T);
}

const isConfigObject = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  ('class_name' in v || 'className' in v || typeof (v as { apply?: unknown }).apply === 'function');

export function compileArgs(
  args: CompileArgs,
  outputNames: readonly string[],
  outputShapes: readonly (SymbolicShape | null)[],
): Compiled {
  if (typeof args !== 'object' || args === null)
    throw new LaminaTypeError(
      'invalid-argument',
      'compile: expected { optimizer, loss, metrics?, lossWeights? }',
    );
  if (args.optimizer === undefined)
    throw new LaminaTypeError('invalid-argument', 'compile: optimizer is required');
  if (args.loss === undefined)
    throw new LaminaTypeError('invalid-argument', 'compile: loss is required');
  const optimizer = getOptimizer(args.optimizer);
  const losses = perOutput(args.loss, outputNames, 'loss', isConfigObject).map((l) => getLoss(l));
  const lossWeights =
    args.lossWeights === undefined
      ? outputNames.map(() => 1)
      : perOutput(args.lossWeights, outputNames, 'lossWeights', () => false);
  lossWeights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `compile: lossWeights for output '${outputNames[i]}' must be a finite number, received ${showValue(w)}`,
      );
    }
  });
  let metricLists: (readonly MetricIdentifier[])[];
  const m = args.metrics;
  if (m === undefined) metricLists = outputNames.map(() => []);
  else if (Array.isArray(m) && m.length > 0 && Array.isArray(m[0]))
    metricLists = perOutput(
      m as readonly (readonly MetricIdentifier[])[],
      outputNames,
      'metrics',
      () => false,
    );
  else if (Array.isArray(m)) metricLists = outputNames.map(() => m as readonly MetricIdentifier[]);
  else
    metricLists = perOutput(
      m as Readonly<Record<string, readonly MetricIdentifier[]>>,
      outputNames,
      'metrics',
      () => false,
    );
  const metrics = metricLists.map((list, i) =>
    list.map((id) =>
      getMetric(id, {
        loss: losses[i] as Loss,
        outputShape: (outputShapes[i] ?? undefined) as readonly number[] | undefined,
      }),
    ),
  );
  return { optimizer, outputNames: [...outputNames], losses, lossWeights, metrics };
}
