/**
 * The `activations` namespace, as Keras names it: the activation functions
 * (`activations.relu(x)`, `activations.softmax(x, axis)`), `get` (a name such as 'leaky_relu', a
 * function or null, resolved to the activation a layer applies) and `serialize` (its Keras name).
 */
export {
  relu,
  relu6,
  elu,
  selu,
  gelu,
  sigmoid,
  hardSigmoid,
  tanh,
  softplus,
  softsign,
  swish,
  leakyRelu,
  softmax,
  logSoftmax,
} from '../ops/activations.js';
export { getActivation as get, serializeActivation as serialize } from './index.js';
