/**
 * Runs the study: the same network trained several ways with fixed seeds, then each trained
 * model diagnosed on the validation data. The numbers in the report come from these runs.
 */
import { diagnose, type LayerDiagnosis } from '../diagnostics/index.js';
import type { Layer } from '../layers/base/layer.js';
import type { Model } from '../models/model.js';
import { noGrad } from '../autograd/grad.js';
import { setSeed } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { StudyData } from './data.js';
import { StudyProgress } from './progress.js';
import type { LayerResult, StudyResult, VariantResult } from './result.js';
import {
  buildLargeActivationsNetwork,
  buildNetwork,
  scenarioVariants,
  variants,
  type Factors,
  type VariantSpec,
} from './variants.js';
import { findings } from './findings.js';
import { checkModelFitsData, regularizedLayers, userModelVariant } from './user-model.js';
import { LaminaError } from '../errors.js';

/** The layer the findings follow: the first one the variants regularize. */
function findingsLayer(options: StudyOptions): string {
  if (options.model !== undefined) return regularizedLayers(options.model)[0]?.name ?? '';
  return options.scenario === 'large-activations' ? 'target' : 'hidden_1';
}

export interface StudyOptions {
  scenario: 'default' | 'large-activations';
  epochs: number;
  batchSize: number;
  seed: number;
  factors: Factors;
  /** The factor both penalties share in the large-activations scenario. */
  scenarioFactor: number;
  hidden: readonly number[];
  activation: string;
  /**
   * The user's own model (`lamina study --model FILE`): each variant trains a copy of it, with
   * its weights, instead of the study's network (the scenario must be 'default').
   */
  model?: Model;
  /** Variant ids to run (default: all). */
  only?: readonly string[];
  progress?: { write?: (s: string) => void; isTTY?: boolean } | false;
}

export const DEFAULT_STUDY: StudyOptions = {
  scenario: 'default',
  epochs: 20,
  batchSize: 32,
  seed: 1,
  factors: { kernelL2: 1e-3, activityL1: 1e-3, activityL2: 1e-3 },
  scenarioFactor: 3e-3,
  hidden: [64, 32],
  activation: 'relu',
};

/** At most `limit` evenly spaced values (histograms do not need every activation). */
function subsample(values: ArrayLike<number>, limit = 4000): Float32Array {
  const step = Math.max(1, Math.ceil(values.length / limit));
  const out = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, j = 0; i < values.length; i += step, j++) out[j] = values[i] as number;
  return out;
}

/**
 * Each of the model's layers' output on `x` (its first output, at its first application), in
 * the order of `model.layers`, from one inference run observed layer by layer.
 */
function layerOutputs(model: Model, x: Tensor): Map<Layer, Tensor> {
  const seen = new Map<Layer, Tensor>();
  noGrad(() =>
    model.apply(x, {
      training: false,
      observe: ({ layer, outputs, models }) => {
        if (models.length !== 1 || seen.has(layer)) return;
        seen.set(layer, Array.isArray(outputs) ? (outputs[0] as Tensor) : outputs);
      },
    }),
  );
  const outputs = new Map<Layer, Tensor>();
  for (const layer of model.layers) {
    const out = seen.get(layer);
    if (out !== undefined) outputs.set(layer, out);
  }
  return outputs;
}

function layerResults(
  model: Model,
  x: Tensor,
  diagnosis: readonly LayerDiagnosis[],
): LayerResult[] {
  const outputs = layerOutputs(model, x);
  return [...outputs.keys()].map((layer) => {
    const d = diagnosis.find((l) => l.layerName === layer.name);
    const kernel = layer.weights.find((w) => w.shortName === 'kernel');
    const out = outputs.get(layer) as Tensor;
    return {
      name: layer.name,
      stats: {
        meanAbsWeight: d?.meanAbsWeight ?? NaN,
        maxAbsWeight: d?.maxAbsWeight ?? NaN,
        meanAbsActivation: d?.output?.meanAbs ?? NaN,
        maxAbsActivation: d?.output?.maxAbs ?? NaN,
        zeroFraction: d?.output?.sparsity ?? NaN,
        saturatedFraction: d?.output?.saturatedFraction ?? NaN,
        deadFraction: d?.output?.deadFraction ?? NaN,
      },
      penalties: Object.fromEntries(
        Object.entries(d?.penalties ?? {}).map(([k, v]) => [k.split('/').pop() ?? k, v]),
      ),
      advice: d?.advice.map((a) => a.text).join(' ') ?? '',
      weights: kernel === undefined ? new Float32Array(0) : subsample(kernel.dataSync()),
      activations: subsample(out.dataSync()),
    };
  });
}

async function runVariant(
  data: StudyData,
  options: StudyOptions,
  spec: VariantSpec,
  index: number,
  count: number,
  progress: StudyProgress | null,
): Promise<VariantResult> {
  setSeed(options.seed);
  const model: Model =
    options.model !== undefined
      ? userModelVariant(options.model, spec)
      : options.scenario === 'large-activations'
        ? buildLargeActivationsNetwork(data.features, data.classes, options.seed, spec)
        : buildNetwork(
            {
              inputs: data.features,
              classes: data.classes,
              hidden: options.hidden,
              activation: options.activation,
              seed: options.seed,
            },
            spec,
          );
  model.compile({
    optimizer:
      options.scenario === 'large-activations'
        ? { class_name: 'SGD', config: { learning_rate: 0.05 } }
        : { class_name: 'Adam', config: { learning_rate: 0.001 } },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  const start = performance.now();
  const history = await model.fit(data.xTrain, data.yTrain, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    validationData: [data.xVal, data.yVal],
    verbose: 0,
    callbacks: progress === null ? [] : [progress.forVariant(index, count, spec.label)],
  });
  const seconds = (performance.now() - start) / 1000;
  const last = (key: string): number => history.history[key]?.at(-1) ?? NaN;
  const diagnosis = diagnose(model, data.xVal);
  return {
    id: spec.id,
    label: spec.label,
    history: history.history,
    final: {
      trainAccuracy: last('accuracy'),
      valAccuracy: last('val_accuracy'),
      dataLoss: last('loss') - last('regularization_loss'),
      penalty: last('regularization_loss'),
      valLoss: last('val_loss'),
    },
    layers: layerResults(model, data.xVal, diagnosis.layers),
    seconds,
  };
}

export async function runStudy(data: StudyData, options: StudyOptions): Promise<StudyResult> {
  if (options.model !== undefined) {
    if (options.scenario !== 'default')
      throw new LaminaError(
        'invalid-argument',
        'study: --model runs the default comparison; the scenario builds its own model',
      );
    checkModelFitsData(options.model, data, `study (${options.model.name})`);
  }
  let specs =
    options.scenario === 'large-activations'
      ? scenarioVariants(options.scenarioFactor)
      : variants(options.factors);
  if (options.only !== undefined) {
    if (options.only.length === 0)
      throw new LaminaError(
        'invalid-argument',
        `study: no variants to train (only: []); choose from ${specs.map((s) => s.id).join(', ')}`,
      );
    const unknown = options.only.filter((id) => !specs.some((s) => s.id === id));
    if (unknown.length > 0)
      throw new LaminaError(
        'invalid-argument',
        `study: unknown variant(s) ${unknown.join(', ')}; choose from ${specs.map((s) => s.id).join(', ')}`,
      );
    specs = specs.filter((s) => options.only?.includes(s.id));
  }
  const progress =
    options.progress === false
      ? null
      : new StudyProgress(specs.length * options.epochs, options.progress ?? {});
  const results: VariantResult[] = [];
  for (let i = 0; i < specs.length; i++)
    results.push(
      await runVariant(data, options, specs[i] as VariantSpec, i, specs.length, progress),
    );
  const scenario = options.scenario;
  return {
    title:
      scenario === 'large-activations'
        ? 'Kernel versus activity regularization: small weights, large saturated outputs'
        : options.model !== undefined
          ? `Kernel versus activity regularization on the model '${options.model.name}'`
          : 'Kernel versus activity regularization',
    dataset: data.description,
    scenario,
    epochs: options.epochs,
    optimizer:
      scenario === 'large-activations' ? 'SGD (learning rate 0.05)' : 'Adam (learning rate 0.001)',
    variants: results,
    findings: findings(results, findingsLayer(options)),
  };
}
