/** What a study run produces, for the table, the HTML report and tests. */

export interface LayerStats {
  meanAbsWeight: number;
  maxAbsWeight: number;
  meanAbsActivation: number;
  maxAbsActivation: number;
  /** Fraction of outputs exactly zero (sparsity). */
  zeroFraction: number;
  /** Fraction of outputs in the saturated range of the activation that follows or ends the layer. */
  saturatedFraction: number;
  /** Fraction of units that are zero for every sample. */
  deadFraction: number;
}

export interface LayerResult {
  name: string;
  stats: LayerStats;
  /** Penalties of this layer at the end, by kind ('kernel', 'activity', ...). */
  penalties: Record<string, number>;
  advice: string;
  /** Values for the histograms (subsampled to a few thousand). */
  weights: Float32Array;
  activations: Float32Array;
}

export interface VariantResult {
  id: string;
  label: string;
  history: Record<string, number[]>;
  final: {
    trainAccuracy: number;
    valAccuracy: number;
    dataLoss: number;
    penalty: number;
    valLoss: number;
  };
  layers: LayerResult[];
  seconds: number;
}

export interface StudyResult {
  title: string;
  dataset: string;
  scenario: 'default' | 'large-activations';
  epochs: number;
  optimizer: string;
  variants: VariantResult[];
  /** Sentences drawn from the numbers (what changed against no regularization). */
  findings: string[];
}
