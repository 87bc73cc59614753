import { Random, randomFor } from '../../tensor/rng.js';

/**
 * A layer's own random stream (Keras's SeedGenerator): with a seed, the sequence of masks over
 * calls is reproducible; without one, the stream is seeded from the global generator when the
 * layer is made (so `setSeed` before building a model makes it reproducible).
 */
export class SeedStream {
  private readonly random: Random;
  constructor(readonly seed: number | undefined) {
    this.random = seed === undefined ? randomFor(undefined) : new Random(seed);
  }
  next(): number {
    return this.random.nextSeed();
  }
}
