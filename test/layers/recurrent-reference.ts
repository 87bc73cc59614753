/**
 * Float64 references of the Keras LSTM and GRU equations, one sample and one timestep at a time,
 * written independently of the layers (no tensors) to check their values.
 */
export type Matrix = number[][];

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** v . m for a vector v and a matrix m [v.length, cols], restricted to columns [from, from+n). */
function vecMat(v: readonly number[], m: Matrix, from: number, n: number): number[] {
  return Array.from({ length: n }, (_, j) =>
    v.reduce((s, vi, i) => s + vi * (m[i]![from + j] as number), 0),
  );
}

const addAll = (...vs: number[][]): number[] =>
  vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0));

/** LSTM, gates i, f, c, o; returns the whole output sequence [batch][time][units]. */
export function lstmReference(
  x: number[][][],
  kernel: Matrix,
  recurrent: Matrix,
  bias: number[],
): number[][][] {
  const u = recurrent.length;
  return x.map((seq) => {
    let h = new Array<number>(u).fill(0);
    let c = new Array<number>(u).fill(0);
    return seq.map((xt) => {
      const gate = (g: number): number[] =>
        addAll(vecMat(xt, kernel, g * u, u), vecMat(h, recurrent, g * u, u), bias.slice(g * u));
      const [i, f, cc, o] = [gate(0), gate(1), gate(2), gate(3)];
      c = c.map((cj, j) => sigmoid(f[j]!) * cj + sigmoid(i[j]!) * Math.tanh(cc[j]!));
      h = c.map((cj, j) => sigmoid(o[j]!) * Math.tanh(cj));
      return h;
    });
  });
}

/** GRU, gates z, r, h; `bias` has 2 rows (input, recurrent) with resetAfter, else 1. */
export function gruReference(
  x: number[][][],
  kernel: Matrix,
  recurrent: Matrix,
  bias: Matrix,
  resetAfter: boolean,
): number[][][] {
  const u = recurrent.length;
  const bIn = bias[0]!;
  const bRec = resetAfter ? bias[1]! : new Array<number>(3 * u).fill(0);
  return x.map((seq) => {
    let h = new Array<number>(u).fill(0);
    return seq.map((xt) => {
      const xg = (g: number): number[] => addAll(vecMat(xt, kernel, g * u, u), bIn.slice(g * u));
      const hg = (v: number[], g: number): number[] =>
        addAll(vecMat(v, recurrent, g * u, u), bRec.slice(g * u));
      const z = addAll(xg(0), hg(h, 0)).map(sigmoid);
      const r = addAll(xg(1), hg(h, 1)).map(sigmoid);
      const candidate = resetAfter
        ? hg(h, 2).map((v, j) => r[j]! * v)
        : hg(
            h.map((v, j) => r[j]! * v),
            2,
          );
      const hh = addAll(xg(2), candidate).map(Math.tanh);
      h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * hh[j]!);
      return h;
    });
  });
}
