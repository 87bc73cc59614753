import { LaminaTypeError } from '../../errors.js';
import { Random, randomFor, type RandomState } from '../../tensor/rng.js';
import { showValue } from '../../validation/options.js';

/** Each layer's random stream, so checkpoints can save and restore its position. */
const streamsByLayer = new WeakMap<object, SeedStream>();

/**
 * A layer's own random stream (Keras's SeedGenerator): with a seed, the sequence of masks over
 * calls is reproducible; without one, the stream is seeded from the global generator when the
 * layer is made (so `setSeed` before building a model makes it reproducible). Its position is
 * training state: a checkpoint saves it, so a resumed run draws the masks an uninterrupted run
 * would have drawn, rather than starting over from the seed.
 */
export class SeedStream {
  private readonly random: Random;
  /** `owner`: the layer drawing from this stream (found again by `seedStreamOf`). */
  constructor(
    readonly seed: number | undefined,
    owner?: object,
  ) {
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      const layer = owner as { className?: unknown; name?: unknown } | undefined;
      const where =
        typeof layer?.className === 'string'
          ? `${layer.className} '${String(layer.name)}'`
          : 'seed';
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: seed must be a finite number, received ${showValue(seed)}`,
      );
    }
    this.random = seed === undefined ? randomFor(undefined) : new Random(seed);
    if (owner !== undefined) streamsByLayer.set(owner, this);
  }
  next(): number {
    return this.random.nextSeed();
  }
  getState(): RandomState {
    return this.random.getState();
  }
  setState(state: RandomState): void {
    this.random.setState(state);
  }
}

/** The random stream `layer` draws its masks or noise from, if it has one. */
export function seedStreamOf(layer: object): SeedStream | undefined {
  return streamsByLayer.get(layer);
}
