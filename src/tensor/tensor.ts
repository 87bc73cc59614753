import type { DType, NestedArray, TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import { LaminaError, LaminaTypeError } from '../errors.js';

/** Opaque reference to a tensor's storage, meaningful only to the backend that made it. */
export type DataHandle = object;

/**
 * What a tensor needs of the backend owning its values: to read them. Every `Backend`
 * (backend/backend.ts) is one; declaring only this here keeps tensor/ below backend/.
 */
export interface StorageOwner {
  readonly name: string;
  /** The values behind a handle; the caller must not mutate the returned array. */
  read(handle: DataHandle): TypedArray;
}

/** Where a tensor's values live. Replaced wholesale (never mutated) by `Variable.assign`. */
export interface Storage {
  readonly backend: StorageOwner;
  readonly data: DataHandle;
}

/**
 * A record of the primitive op that produced a tensor while a gradient tape was recording.
 * Kept opaque here; `engine/` and `autograd/` give it meaning.
 */
export interface TapeNodeRef {
  readonly tapeId: number;
}

let nextTensorId = 0;

/**
 * Called with every new tensor when set. Only the TensorFlow.js face sets it (for `memory()`),
 * so the Keras face pays one null check per tensor.
 * @internal
 */
export let tensorObserver: ((t: Tensor) => void) | null = null;

/** @internal */
export function setTensorObserver(observer: ((t: Tensor) => void) | null): void {
  tensorObserver = observer;
}

/**
 * An immutable n-dimensional array of float32, int32 or bool values in row-major order.
 *
 * Ops are also available as methods (`x.add(y).relu()`); they are attached by `ops/chain.ts`.
 * There is nothing to dispose: storage is reclaimed when the tensor is garbage collected.
 */
export class Tensor {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  /** @internal */
  storage: Storage;
  /** @internal The op that made this tensor under a recording tape, if any. */
  node: TapeNodeRef | null = null;

  /**
   * Use the creation ops (`tensor`, `zeros`, ...) instead. Not marked internal: a class whose
   * constructor is stripped from the declarations would seem constructible with no arguments.
   */
  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.id = nextTensorId++;
    this.storage = storage;
    // A frozen shape (another tensor's, or one an op built and froze) cannot change: share it.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.dtype = dtype;
    if (tensorObserver !== null) tensorObserver(this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A copy of the values, flat in row-major order. */
  dataSync(): TypedArray {
    return this.storage.backend.read(this.storage.data).slice();
  }

  async data(): Promise<TypedArray> {
    return this.dataSync();
  }

  /** The values as nested arrays (a number for a scalar; booleans for dtype bool). */
  arraySync(): NestedArray {
    const values = this.storage.backend.read(this.storage.data);
    const asJs = (i: number): number | boolean =>
      this.dtype === 'bool' ? values[i] === 1 : (values[i] as number);
    if (this.rank === 0) return asJs(0);
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim] as number;
      const inner = stride / n;
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        out[i] =
          dim === this.rank - 1 ? asJs(offset + i) : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  toString(): string {
    return formatTensor(this.storage.backend.read(this.storage.data), this.shape, this.dtype);
  }
}

let nextVariableId = 0;

/** Live variables by name, for APIs keyed by name (TensorFlow.js's `applyGradients({ w: g })`). */
const variablesByName = new Map<string, WeakRef<Variable>[]>();

/**
 * The live variable called `name`, or null if none is. Throws when several live variables share
 * the name, since a name would then not say which one is meant.
 */
export function findVariable(name: string): Variable | null {
  const refs = variablesByName.get(name);
  if (refs === undefined) return null;
  const live = refs.filter((r) => r.deref() !== undefined);
  if (live.length === 0) {
    variablesByName.delete(name);
    return null;
  }
  variablesByName.set(name, live);
  if (live.length > 1)
    throw new LaminaError(
      'invalid-argument',
      `${live.length} live variables are named '${name}': pass the variables themselves, not their names`,
    );
  return live[0]?.deref() ?? null;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
}

/**
 * A mutable tensor: `assign` replaces its value (same shape and dtype). Trainable variables used
 * inside `variableGrads` receive gradients without being listed.
 */
export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  /** Use `variable(initialValue, options)` instead. */
  constructor(initial: Tensor, options: VariableOptions = {}) {
    super(initial.storage, initial.shape, initial.dtype);
    const name = options.name ?? `variable_${nextVariableId++}`;
    if (typeof name !== 'string' || name.length === 0) {
      throw new LaminaTypeError(
        'invalid-argument',
        `variable: name must be a non-empty string, received ${String(name)}`,
      );
    }
    this.name = name;
    this.trainable = options.trainable ?? true;
    const live = (variablesByName.get(name) ?? []).filter((r) => r.deref() !== undefined);
    live.push(new WeakRef(this));
    variablesByName.set(name, live);
  }

  /** Replaces the value. The new value is copied by reference (tensors are immutable). */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new LaminaTypeError(
        'invalid-argument',
        `Variable.assign (${this.name}): expected shape ${formatShape(this.shape)} and dtype ${this.dtype}, received shape ${formatShape(value.shape)} and dtype ${value.dtype}`,
      );
    }
    this.storage = value.storage;
  }
}
