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
  simpleRNN: (args: SimpleRNNArgs) => new SimpleRNN(args),
  lstm: (args: LSTMArgs) => new LSTM(args),
  gru: (args: GRUArgs) => new GRU(args),
  bidirectional: (args: BidirectionalArgs) => new Bidirectional(args),
};
