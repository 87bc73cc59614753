/**
 * The ways the study trains the same network: no regularization, a kernel penalty, activity
 * penalties (L1 for sparse activations, L2), and kernel + activity together.
 */
import { Activation } from '../layers/core/activation.js';
import { Dense } from '../layers/core/dense.js';
import type { Layer } from '../layers/base/layer.js';
import { Sequential } from '../models/sequential.js';
import { L1, L2 } from '../regularizers/l1l2.js';
import type { Regularizer } from '../regularizers/regularizer.js';

export interface VariantSpec {
  id: string;
  label: string;
  kernel: (() => Regularizer) | null;
  activity: (() => Regularizer) | null;
}

export interface Factors {
  kernelL2: number;
  activityL1: number;
  activityL2: number;
}

export function variants(f: Factors): VariantSpec[] {
  return [
    { id: 'none', label: 'no regularization', kernel: null, activity: null },
    {
      id: 'kernel-l2',
      label: `kernel L2(${f.kernelL2})`,
      kernel: () => new L2(f.kernelL2),
      activity: null,
    },
    {
      id: 'activity-l1',
      label: `activity L1(${f.activityL1})`,
      kernel: null,
      activity: () => new L1(f.activityL1),
    },
    {
      id: 'activity-l2',
      label: `activity L2(${f.activityL2})`,
      kernel: null,
      activity: () => new L2(f.activityL2),
    },
    {
      id: 'kernel+activity',
      label: `kernel L2(${f.kernelL2}) + activity L1(${f.activityL1})`,
      kernel: () => new L2(f.kernelL2),
      activity: () => new L1(f.activityL1),
    },
  ];
}

export interface NetworkSpec {
  inputs: number;
  classes: number;
  hidden: readonly number[];
  activation: string;
  seed: number;
}

/**
 * The classifier every variant trains: hidden Dense layers (the regularized ones) and a softmax
 * output, with the same seeded initial weights in every variant.
 */
export function buildNetwork(spec: NetworkSpec, variant: VariantSpec): Sequential {
  const layers: Layer[] = spec.hidden.map(
    (units, i) =>
      new Dense({
        name: `hidden_${i + 1}`,
        units,
        activation: spec.activation,
        inputShape: i === 0 ? [spec.inputs] : undefined,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: spec.seed + i } },
        kernelRegularizer: variant.kernel?.() ?? null,
        activityRegularizer: variant.activity?.() ?? null,
      }),
  );
  layers.push(
    new Dense({
      name: 'output',
      units: spec.classes,
      activation: 'softmax',
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: spec.seed + 100 } },
    }),
  );
  return new Sequential({ layers, name: `study_${variant.id}` });
}

/**
 * The large-activations network: a linear Dense layer (the target) whose small positive weights
 * (uniform in [0, 0.3]) sum hundreds of inputs into outputs near 30, a tanh that saturates on
 * them, and a softmax classifier. Kernel and activity regularizers go on the target layer.
 */
export function buildLargeActivationsNetwork(
  inputs: number,
  classes: number,
  seed: number,
  variant: VariantSpec,
): Sequential {
  return new Sequential({
    name: `scenario_${variant.id}`,
    layers: [
      new Dense({
        name: 'target',
        units: 64,
        inputShape: [inputs],
        kernelInitializer: {
          class_name: 'RandomUniform',
          config: { minval: 0, maxval: 0.3, seed },
        },
        kernelRegularizer: variant.kernel?.() ?? null,
        activityRegularizer: variant.activity?.() ?? null,
      }),
      new Activation({ name: 'saturating_tanh', activation: 'tanh' }),
      new Dense({
        name: 'output',
        units: classes,
        activation: 'softmax',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: seed + 1 } },
      }),
    ],
  });
}

/** The scenario compares the same factor for both penalties, L2 on weights versus L2 on outputs. */
export function scenarioVariants(factor: number): VariantSpec[] {
  return [
    { id: 'none', label: 'no regularization', kernel: null, activity: null },
    {
      id: 'kernel-l2',
      label: `kernel L2(${factor})`,
      kernel: () => new L2(factor),
      activity: null,
    },
    {
      id: 'activity-l2',
      label: `activity L2(${factor})`,
      kernel: null,
      activity: () => new L2(factor),
    },
  ];
}
