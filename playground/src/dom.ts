/** A small element builder: tag, attributes (and `text`), children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** A <select> of `values`, showing `labels` where given. */
export function select<T extends string>(
  values: readonly T[],
  current: T,
  onChange: (v: T) => void,
  labels: Partial<Record<T, string>> = {},
  attrs: Record<string, string> = {},
): HTMLSelectElement {
  const s = el('select', attrs);
  for (const v of values) s.append(el('option', { value: v, text: labels[v] ?? v }));
  s.value = current;
  s.addEventListener('change', () => onChange(s.value as T));
  return s;
}

/** A number input that reports only valid values in [min, max]. */
export function numberInput(
  current: number,
  onChange: (v: number) => void,
  {
    min,
    max,
    step,
    integer = false,
  }: { min: number; max: number; step: string; integer?: boolean },
  attrs: Record<string, string> = {},
): HTMLInputElement {
  const i = el('input', { type: 'number', min: String(min), max: String(max), step, ...attrs });
  i.value = String(current);
  i.addEventListener('change', () => {
    const v = Number(i.value);
    const ok =
      i.value !== '' &&
      Number.isFinite(v) &&
      v >= min &&
      v <= max &&
      (!integer || Number.isInteger(v));
    i.classList.toggle('invalid', !ok);
    if (ok) onChange(v);
  });
  return i;
}

/** A term with its explanation on hover and focus. */
export function term(text: string, explanation: string): HTMLElement {
  return el('abbr', { title: explanation, tabindex: '0', text });
}
