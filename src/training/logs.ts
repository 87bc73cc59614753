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

  means(): Logs {
    const out: Logs = {};
    for (const [k, s] of this.sums) out[k] = this.count === 0 ? NaN : s / this.count;
    return out;
  }
}
