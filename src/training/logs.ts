/** Numbers logged by fit / evaluate, keyed like Keras ('loss', 'val_loss', 'accuracy', ...). */
export type Logs = Record<string, number>;

/**
 * Float64 running sums weighted by batch size, so an epoch value is the exact sample-weighted
 * mean of the batch values (Keras weights its loss tracker by batch size too).
 */
export class RunningMeans {
  private readonly sums = new Map<string, number>();
  private count = 0;

  add(values: Readonly<Record<string, number>>, weight: number): void {
    for (const [k, v] of Object.entries(values))
      this.sums.set(k, (this.sums.get(k) ?? 0) + v * weight);
    this.count += weight;
  }

  /** The sums and the total weight, for a checkpoint saved in the middle of an epoch. */
  getState(): { sums: Record<string, number>; count: number } {
    return { sums: Object.fromEntries(this.sums), count: this.count };
  }

  setState(state: { sums: Readonly<Record<string, number>>; count: number }): void {
    this.sums.clear();
    for (const [k, v] of Object.entries(state.sums)) this.sums.set(k, v);
    this.count = state.count;
  }

  means(): Logs {
    const out: Logs = {};
    for (const [k, s] of this.sums) out[k] = this.count === 0 ? NaN : s / this.count;
    return out;
  }
}
