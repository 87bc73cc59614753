/**
 * Seeded random numbers. Generation happens here, in TypeScript, never inside a backend, so a
 * seed gives the same numbers whichever backend holds the result.
 *
 * The generator is xoshiro128** seeded through splitmix32: 32-bit integer arithmetic only, so
 * results are identical on every JavaScript engine.
 */
import { LaminaTypeError } from '../errors.js';
import { showValue } from '../validation/options.js';
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new LaminaTypeError(
        'invalid-argument',
        `Random: seed must be a finite number, received ${showValue(seed)}`,
      );
    let x = Math.floor(seed) >>> 0;
    x ^= Math.floor(seed / 4294967296) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by the Box-Muller transform (both values of a pair are used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A fresh seed drawn from this stream, for ops that need their own generator. */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** The generator's position, to be saved (checkpoints) and restored with `setState`. */
  getState(): RandomState {
    // Unsigned, so the words read the same in JSON whatever sign the last XOR left them with.
    return {
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spareNormal,
    };
  }

  /** Continues exactly where the generator that gave `state` was. */
  setState(state: RandomState): void {
    const [s0, s1, s2, s3] = state.words;
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    this.spareNormal = state.spareNormal;
  }
}

/** A generator's position: the four xoshiro128** words and the unused half of a normal pair. */
export interface RandomState {
  words: readonly [number, number, number, number];
  spareNormal: number | null;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalRandom = new Random(Date.now());

/** Seeds the global stream used by random ops called without an explicit seed. */
export function setSeed(seed: number): void {
  globalRandom = new Random(seed);
}

/** The generator a random op uses: its own seed if given, else the next draw of the global stream. */
export function randomFor(seed: number | undefined): Random {
  return new Random(seed ?? globalRandom.nextSeed());
}
