/**
 * Keras 1 argument names. Keras 2.0 renamed `W_regularizer` to `kernel_regularizer` (and so on)
 * and converted the old names with a warning; passing both is an error. Lamina does the same,
 * warning once per old name.
 */
import { LaminaTypeError } from '../../errors.js';
const warned = new Set<string>();

/** For tests: forget which deprecations were already reported. */
export function resetDeprecationWarnings(): void {
  warned.clear();
}

/**
 * Moves values given under legacy names (`aliases[old] = new`) to their new names in a copy of
 * `args`. Warns once per old name; throws if an old and a new name are both given.
 */
export function mapLegacyArgs<T extends object>(
  args: T,
  aliases: Readonly<Record<string, string>>,
  layer: string,
): T {
  const out: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  for (const [old, current] of Object.entries(aliases)) {
    if (!(old in out) || out[old] === undefined) continue;
    if (out[current] !== undefined) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${layer}: got both the legacy argument '${old}' and its replacement '${current}'; pass only '${current}'`,
      );
    }
    out[current] = out[old];
    delete out[old];
    if (!warned.has(`${layer}:${old}`)) {
      warned.add(`${layer}:${old}`);
      console.warn(
        `DeprecationWarning: ${layer}: '${old}' is a Keras 1 name; update your call to use '${current}' instead.`,
      );
    }
  }
  return out as T;
}
