/**
 * A tiny end-to-end check of the engine: a 2-8-1 network learns XOR with a hand-written loop
 * (valueAndGrads + plain gradient descent). `npm start` runs this until the study CLI lands.
 */
import {
  matMul,
  randomNormal,
  sigmoid,
  tanh,
  tensor,
  valueAndGrads,
  zeros,
  type Tensor,
} from '../src/index.js';

const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);

let params: Tensor[] = [
  randomNormal([2, 8], 0, 1, 1),
  zeros([8]),
  randomNormal([8, 1], 0, 1, 2),
  zeros([1]),
];

function predict(w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor {
  return sigmoid(matMul(tanh(matMul(x, w1).add(b1)), w2).add(b2));
}

function binaryCrossEntropy(p: Tensor): Tensor {
  const eps = 1e-7;
  const clipped = p.clipByValue(eps, 1 - eps);
  return y
    .mul(clipped.log())
    .add(y.neg().add(1).mul(clipped.neg().add(1).log()))
    .mean()
    .neg();
}

const step = valueAndGrads((w1, b1, w2, b2) => binaryCrossEntropy(predict(w1!, b1!, w2!, b2!)));
const learningRate = 0.5;
for (let epoch = 0; epoch <= 2000; epoch++) {
  const { value, grads } = step(params);
  params = params.map((p, i) => p.sub((grads[i] as Tensor).mul(learningRate)));
  if (epoch % 400 === 0)
    console.log(
      `epoch ${String(epoch).padStart(4)}  loss ${(value.dataSync()[0] as number).toFixed(5)}`,
    );
}
const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
const out = predict(w1, b1, w2, b2).dataSync();
console.log(
  `predictions for [0,0] [0,1] [1,0] [1,1]: ${Array.from(out, (v) => v.toFixed(3)).join(' ')}`,
);
