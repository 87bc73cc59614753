/**
 * `npm run bench:memory`: resident memory of a long training loop on fixed shapes. Users never
 * dispose anything, so memory must stay flat once the loop is warm. Prints RSS every 1,000 steps
 * and the growth from step 1,000 to the end.
 */
import * as lm from '../src/index.js';

const steps = Number(process.argv[2] ?? 10_000);
const x = lm.randomNormal([256, 64], 0, 1, 1);
const y = lm.randomNormal([256, 1], 0, 1, 2);
const w1 = lm.variable(lm.randomNormal([64, 32], 0, 0.1, 3), { name: 'w1' });
const b1 = lm.variable(lm.zeros([32]), { name: 'b1' });
const w2 = lm.variable(lm.randomNormal([32, 1], 0, 0.1, 4), { name: 'w2' });
const vars = [w1, b1, w2];

const mb = (): number => process.memoryUsage().rss / 2 ** 20;
let warm = 0;
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  const { value, grads } = lm.variableGrads(() =>
    lm.matMul(lm.matMul(x, w1).add(b1).relu(), w2).sub(y).square().mean(),
  );
  for (const v of vars) v.assign(v.sub((grads[v.name] as lm.Tensor).mul(0.01)));
  if (step % 1000 === 0) {
    globalThis.gc?.();
    const rss = mb();
    if (step === 1000) warm = rss;
    console.log(
      `step ${String(step).padStart(6)}  loss ${(value.dataSync()[0] as number).toExponential(3)}  rss ${rss.toFixed(1)} MiB`,
    );
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(
  `\n${steps} steps in ${seconds.toFixed(1)} s; RSS growth after warm-up (step 1000 -> ${steps}): ${(mb() - warm).toFixed(1)} MiB`,
);
