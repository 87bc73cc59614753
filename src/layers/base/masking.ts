/**
 * Keras masking: a registry from a layer output to its timestep mask (bool, [batch, timesteps],
 * true where the step is real, false where it is padding). Keras keeps the mask on the tensor
 * (`_keras_mask`); lamina keeps it here, in a WeakMap, so the Tensor class stays unchanged and a
 * mask lives exactly as long as its tensor.
 *
 * `Layer.apply` (eager) reads the masks of its inputs from here, hands them to `call` as
 * `options.mask`, and registers the mask that `computeMask` returns for its outputs. Symbolic
 * (functional) application records no masks: they are computed when the model runs.
 */
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

/** A mask as layers see it: one per input (or output), null where there is none. */
export type Mask = Tensor | null | (Tensor | null)[];

const masks = new WeakMap<Tensor, Tensor>();

/** The mask registered for `tensor`, or null. */
export function getMask(tensor: Tensor): Tensor | null {
  return masks.get(tensor) ?? null;
}

/**
 * Registers `mask` (bool, its first dimension the batch of `tensor`) as the mask of `tensor`;
 * null removes it. Use it to mask an input by hand, as Keras's `layer(x, mask=...)`.
 */
export function setMask(tensor: Tensor, mask: Tensor | null): void {
  if (mask === null) {
    masks.delete(tensor);
    return;
  }
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') {
    throw new LaminaTypeError(
      'invalid-argument',
      `setMask: a mask must be a bool tensor, received ${mask instanceof Tensor ? mask.dtype : typeof mask}`,
    );
  }
  if (mask.rank === 0 || tensor.rank === 0 || mask.shape[0] !== tensor.shape[0]) {
    throw new LaminaRangeError(
      'invalid-argument',
      `setMask: the mask's first dimension must be the tensor's batch: mask ${formatShape(mask.shape)}, tensor ${formatShape(tensor.shape)}`,
    );
  }
  masks.set(tensor, mask);
}

/** The masks of a layer's inputs: null when none has one (the unmasked, usual case). */
export function inputMasks(inputs: Tensor | readonly Tensor[]): Mask {
  if (!Array.isArray(inputs)) return getMask(inputs as Tensor);
  const list = (inputs as readonly Tensor[]).map(getMask);
  return list.some((m) => m !== null) ? list : null;
}

/** The first mask of `mask` (the sequence's, for layers taking [sequence, ...states]). */
export function firstMask(mask: Mask | undefined): Tensor | null {
  if (mask === undefined || mask === null) return null;
  return Array.isArray(mask) ? (mask[0] ?? null) : mask;
}

/**
 * Registers the masks computed for a layer's outputs. As Keras, an output that already has a
 * mask keeps it (a layer may return its input unchanged), and a single mask for several outputs
 * goes to the first.
 */
export function registerOutputMasks(outputs: Tensor | readonly Tensor[], mask: Mask): void {
  if (mask === null) return;
  const outs: readonly Tensor[] = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const list = Array.isArray(mask) ? mask : [mask];
  outs.forEach((t, i) => {
    const m = list[i];
    if (m !== undefined && m !== null && !masks.has(t)) setMask(t, m);
  });
}

/** Checks that `mask` is a [batch, steps] bool mask for a [batch, steps, ...] input. */
export function checkTimestepMask(mask: Tensor, x: Tensor, where: string): void {
  if (
    mask.dtype !== 'bool' ||
    mask.rank !== 2 ||
    mask.shape[0] !== x.shape[0] ||
    mask.shape[1] !== x.shape[1]
  ) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected a bool mask of shape [${x.shape[0]},${x.shape[1]}] for an input of shape ${formatShape(x.shape)}, received ${mask.dtype} ${formatShape(mask.shape)}`,
    );
  }
}

/**
 * A mask given explicitly to `apply` (Keras's `layer(x, mask=...)`), checked: a bool tensor whose
 * first dimension is the first input's batch, null for none, or one such entry per input.
 */
export function checkGivenMask(
  mask: unknown,
  inputs: Tensor | readonly Tensor[],
  where: string,
): Mask {
  const list: readonly Tensor[] = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const checkOne = (m: unknown, i: number): Tensor | null => {
    if (m === null) return null;
    const x = list[i];
    if (
      !(m instanceof Tensor) ||
      m.dtype !== 'bool' ||
      m.rank === 0 ||
      x === undefined ||
      m.shape[0] !== x.shape[0]
    ) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: options.mask${Array.isArray(mask) ? `[${i}]` : ''} must be a bool tensor whose first dimension is the batch of input ${i}${x === undefined ? '' : ` (${formatShape(x.shape)})`}, or null; received ${m instanceof Tensor ? `${m.dtype} ${formatShape(m.shape)}` : typeof m}`,
      );
    }
    return m;
  };
  if (!Array.isArray(mask)) return checkOne(mask, 0);
  if (mask.length > list.length)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: options.mask has ${mask.length} entries for ${list.length} input(s)`,
    );
  const checked = mask.map(checkOne);
  return checked.some((m) => m !== null) ? checked : null;
}

/** `options` without its `mask`: containers let each inner layer find its own input's mask. */
export function withoutMask<T extends { mask?: unknown }>(options: T): Omit<T, 'mask'> {
  if (!('mask' in options)) return options;
  const { mask: _mask, ...rest } = options;
  return rest;
}
