/** Recurrent layers: SimpleRNN, LSTM, GRU and the Bidirectional wrapper. */
import { Bidirectional, type BidirectionalArgs } from './bidirectional.js';
import { GRU, type GRUArgs } from './gru.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';

export { RNN, LEGACY_RNN_ARGS, type RNNArgs, type GatedRNNArgs, type StepFn } from './base.js';
export { SimpleRNN, LSTM, GRU, Bidirectional };
export type { SimpleRNNArgs, LSTMArgs, GRUArgs, BidirectionalArgs };
export type { MergeMode } from './bidirectional.js';

/** Factories in TensorFlow.js style: `layers.lstm({ units: 8, returnSequences: true })`. */
export const recurrentLayers = {
  /**
   * Fully connected recurrent layer over `[batch, steps, features]`; the last output, or all with `returnSequences`.
   * @example
   * ```ts
   * layers.simpleRNN({ units: 4 }).apply(ones([2, 5, 3])); // shape [2, 4]
   * ```
   */
  simpleRNN: (args: SimpleRNNArgs) => new SimpleRNN(args),
  /**
   * Long short-term memory layer (Keras 3's gates and defaults).
   * @example
   * ```ts
   * layers.lstm({ units: 4, returnSequences: true }).apply(ones([2, 5, 3])); // shape [2, 5, 4]
   * ```
   */
  lstm: (args: LSTMArgs) => new LSTM(args),
  /**
   * Gated recurrent unit layer (Keras 3's `resetAfter` by default).
   * @example
   * ```ts
   * layers.gru({ units: 4 }).apply(ones([2, 5, 3])); // shape [2, 4]
   * ```
   */
  gru: (args: GRUArgs) => new GRU(args),
  /**
   * Runs a recurrent layer forwards and backwards and merges the two (concatenated by default).
   * @example
   * ```ts
   * layers.bidirectional({ layer: layers.lstm({ units: 4 }) }).apply(ones([2, 5, 3])); // shape [2, 8]
   * ```
   */
  bidirectional: (args: BidirectionalArgs) => new Bidirectional(args),
};
