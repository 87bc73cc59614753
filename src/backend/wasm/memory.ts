/**
 * The wasm backend's memory: one WebAssembly linear memory, owned and laid out by this module.
 *
 * Blocks come from size-class free lists (16-byte aligned, classes at most 25% larger than the
 * request), so a training loop on fixed shapes reuses the same blocks step after step. Tensor
 * storage is a `WasmData` handle; a `FinalizationRegistry` returns its block when the handle is
 * garbage collected. Users never dispose anything.
 *
 * JavaScript runs finalization callbacks only between macrotasks, never inside a synchronous loop
 * (nor inside a chain of microtasks), so a long synchronous loop would otherwise grow memory
 * without bound. As a safety net, when the blocks in use exceed `budgetBytes`, the next kernel
 * `spill`s: every handle still reachable through its WeakRef moves its values to a JavaScript
 * array (which the JS garbage collector reclaims as usual) and the whole arena is reused.
 */
import type { DType, TypedArray } from '../../tensor/dtype.js';

export interface Block {
  readonly ptr: number;
  readonly bytes: number;
  readonly generation: number;
  readonly ref: WeakRef<WasmData>;
}

/** A tensor's storage: values in linear memory (ptr >= 0), in a JS array, or both. */
export class WasmData {
  ptr = -1;
  block: Block | null = null;
  constructor(
    readonly length: number,
    readonly dtype: DType,
    public js: TypedArray | null,
  ) {}
}

const ALIGN = 16;

/** Bytes per element in linear memory: bool is one byte per element (0 or 1), as in JS. */
export function elementBytes(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** Rounds a request up to its size class: multiples of 16 up to 256, then quarter powers of 2. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 256) return b;
  const step = 2 ** (Math.floor(Math.log2(b)) - 2);
  return Math.ceil(b / step) * step;
}

const PAGE = 65536;

export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  private readonly base: number;
  private top: number;
  private pinnedTop = 0;
  private readonly free = new Map<number, number[]>();
  private readonly live = new Set<Block>();
  private generation = 0;
  private readonly registry: FinalizationRegistry<Block>;
  /** Bytes in blocks held by handles (or temporarily by a kernel). */
  inUse = 0;
  /** Above this many bytes in use, the next kernel spills (see the module comment). */
  budgetBytes = 128 * 2 ** 20;
  spills = 0;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
    this.registry = new FinalizationRegistry((block) => this.release(block));
  }

  /** Byte offset of a fresh block of at least `bytes`; its contents are undefined. */
  alloc(bytes: number): number {
    return this.allocClass(sizeClass(bytes));
  }

  private allocClass(cls: number): number {
    const list = this.free.get(cls);
    const reused = list?.pop();
    this.inUse += cls;
    if (reused !== undefined) return reused;
    const ptr = this.top;
    this.top += cls;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) {
      // Grow geometrically: every grow replaces the ArrayBuffer (and costs a GC of the old one).
      const current = this.memory.buffer.byteLength;
      this.memory.grow(Math.ceil(Math.max(need, current / 4, 16 * 2 ** 20) / PAGE));
      this.refreshViews();
    }
    return ptr;
  }

  /** A block outside the pools that no spill reuses (per-thread GEMM scratch). */
  allocPinned(bytes: number): number {
    const ptr = this.allocClass(sizeClass(bytes));
    this.inUse -= sizeClass(bytes);
    this.pinnedTop = Math.max(this.pinnedTop, this.top);
    return ptr;
  }

  /** Re-creates the typed-array views after the memory grew (or was grown by another owner). */
  refreshViews(): void {
    if (this.u8.byteLength === this.memory.buffer.byteLength) return;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
  }

  /** A view of `length` elements of `dtype` at byte offset `ptr` (valid until memory grows). */
  view(ptr: number, length: number, dtype: DType): TypedArray {
    if (dtype === 'float32') return this.f32.subarray(ptr >>> 2, (ptr >>> 2) + length);
    if (dtype === 'int32') return this.i32.subarray(ptr >>> 2, (ptr >>> 2) + length);
    return this.u8.subarray(ptr, ptr + length);
  }

  /** Returns a block taken with `alloc` (kernel scratch). */
  freeBlock(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.inUse -= cls;
    let list = this.free.get(cls);
    if (list === undefined) this.free.set(cls, (list = []));
    list.push(ptr);
  }

  /** Gives `data` a block in linear memory (copying its JS values in if it has none yet). */
  attach(data: WasmData, copyIn: boolean): number {
    const bytes = sizeClass(data.length * elementBytes(data.dtype));
    const ptr = this.allocClass(bytes);
    const block: Block = {
      ptr,
      bytes,
      generation: this.generation,
      ref: new WeakRef(data),
    };
    data.ptr = ptr;
    data.block = block;
    this.live.add(block);
    this.registry.register(data, block, data);
    if (copyIn && data.js !== null) {
      if (data.dtype === 'float32') this.f32.set(data.js as Float32Array, ptr >>> 2);
      else if (data.dtype === 'int32') this.i32.set(data.js as Int32Array, ptr >>> 2);
      else this.u8.set(data.js as Uint8Array, ptr);
    }
    return ptr;
  }

  private release(block: Block): void {
    if (block.generation !== this.generation || !this.live.delete(block)) return;
    this.freeBlock(block.ptr, block.bytes);
  }

  /** The values of `data` as a typed array (a copy when they live only in linear memory). */
  read(data: WasmData): TypedArray {
    if (data.js !== null) return data.js;
    return this.view(data.ptr, data.length, data.dtype).slice();
  }

  /**
   * A synchronous full garbage collection, where the runtime offers one (Node: see `findGc`).
   * With it, going over budget collects and sweeps dead handles instead of spilling.
   */
  collect: (() => void) | null = null;
  collections = 0;

  /** Called before each kernel: reclaims (or spills) when the arena holds more than the budget. */
  maybeSpill(): void {
    if (this.inUse <= this.budgetBytes) return;
    if (this.collect !== null) {
      this.collect();
      this.collections++;
      this.sweep();
      // A working set that really is this large raises the budget instead of thrashing.
      if (this.inUse > this.budgetBytes / 2) this.budgetBytes = 2 * this.inUse;
      return;
    }
    this.spill();
  }

  /**
   * Frees the blocks whose handle the garbage collector has cleared (their finalization callbacks
   * would come only at the next macrotask). Handles made in the current synchronous job stay
   * alive until it ends (WeakRef semantics), so a step's own garbage waits for a later sweep.
   */
  sweep(): void {
    for (const block of this.live) {
      if (block.ref.deref() !== undefined) continue;
      this.live.delete(block);
      this.freeBlock(block.ptr, block.bytes);
    }
  }

  /** Moves every reachable handle's values to JS arrays and empties the arena. */
  spill(): void {
    for (const block of this.live) {
      const data = block.ref.deref();
      if (data === undefined || data.block !== block) continue;
      if (data.js === null) data.js = this.view(block.ptr, data.length, data.dtype).slice();
      data.ptr = -1;
      data.block = null;
      this.registry.unregister(data);
    }
    this.live.clear();
    this.free.clear();
    this.generation++;
    this.top = Math.max(this.base, this.pinnedTop);
    this.inUse = 0;
    this.spills++;
  }

  stats(): {
    inUse: number;
    arena: number;
    memory: number;
    spills: number;
    collections: number;
    budget: number;
  } {
    return {
      collections: this.collections,
      budget: this.budgetBytes,
      inUse: this.inUse,
      arena: this.top - this.base,
      memory: this.memory.buffer.byteLength,
      spills: this.spills,
    };
  }
}

/**
 * Node's synchronous `gc()`: the global one under `--expose-gc`, else one taken from a fresh
 * `vm` context after turning on `--expose-gc` (this changes no global of the main context).
 * Null in browsers and wherever it is unavailable; the memory then spills instead.
 */
export function findGc(): (() => void) | null {
  const g = (globalThis as { gc?: unknown }).gc;
  if (typeof g === 'function') return g as () => void;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  try {
    const v8 = proc.getBuiltinModule('v8') as { setFlagsFromString(flags: string): void };
    const vm = proc.getBuiltinModule('vm') as { runInNewContext(code: string): unknown };
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
