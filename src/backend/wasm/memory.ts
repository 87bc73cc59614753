/**
 * The wasm backend's memory: one WebAssembly linear memory, owned and laid out by this module.
 *
 * JavaScript typed arrays are the canonical storage of every tensor; linear memory is a cache.
 * A tensor's handle (`WasmData`) always holds its values in a JS array (`js`): a native
 * kernel's output is copied out of linear memory right after the kernel (`settle`). The JS
 * garbage collector therefore reclaims everything, inside synchronous loops too: nothing here
 * depends on when (or whether) a handle is collected. There is no WeakRef and no
 * FinalizationRegistry.
 *
 * The cache is a bump region tagged with a generation. A kernel's input is copied in unless it
 * has a resident copy of the current generation; outputs are computed in the cache and stay
 * resident, so tensors chained from kernel to kernel are not copied in again. When the region
 * passes `cacheBytes`, the next kernel resets it (generation + 1): every resident copy becomes
 * stale at once, and no copying out is needed since JS already holds every value (weights are
 * copied in again on their next use). Memory is bounded by `cacheBytes` plus one kernel's needs.
 * Transient outputs (`hold`) are the exception: JS does not hold them yet, so a reset either
 * writes them out or, once, carries them over (moves them to the start of the new generation).
 *
 * Why not reclaim blocks of dead handles? JavaScript runs FinalizationRegistry callbacks only
 * between jobs, never inside a synchronous loop, and every `WeakRef.prototype.deref()` that
 * returns an object keeps it alive until the current job ends, so no liveness test based on them
 * works in a synchronous training loop (see docs/backend.md).
 */
import { LaminaError } from '../../errors.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';

/** A tensor's storage: values in a JS array, with a resident copy in linear memory or not. */
export class WasmData {
  /** Byte offset of the resident copy; valid only while `gen` is the memory's generation. */
  ptr = -1;
  gen = -1;
  constructor(
    readonly length: number,
    readonly dtype: DType,
    /** The values; null only between a kernel's start and its `settle` (then it is resident). */
    public js: TypedArray | null,
  ) {}

  /** Bytes of its values in linear memory. */
  get bytes(): number {
    return this.length * elementBytes(this.dtype);
  }
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

/** Reading a transient output after its release and a reset: a bug in the caller. */
function released(): never {
  throw new LaminaError(
    'internal',
    'wasm backend: a transient value was read after it was released and its cache block reused',
  );
}

/**
 * Node's uninitialized allocation (`Buffer.allocUnsafeSlow`: its own ArrayBuffer, not the shared
 * pool), used for the large arrays that `copyOut` overwrites entirely at once: it skips zeroing
 * 4 bytes per element that are written next anyway (a 5.5 MB copy-out went from 0.40 to 0.25 ms
 * here). Absent outside Node, where arrays are allocated zeroed as usual.
 */
const allocUnsafeSlow = (
  globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } }
).Buffer?.allocUnsafeSlow;
/** Below this many bytes V8's own (on-heap or pooled) allocation is as cheap. */
const UNINITIALIZED_MIN_BYTES = 1 << 16;

/** A fresh JS array of `length` elements of `dtype`, every element of which the caller writes. */
function jsArray(length: number, dtype: DType): TypedArray {
  const bytes = length * elementBytes(dtype);
  if (allocUnsafeSlow !== undefined && bytes >= UNINITIALIZED_MIN_BYTES) {
    const { buffer } = allocUnsafeSlow(bytes);
    if (dtype === 'float32') return new Float32Array(buffer, 0, length);
    if (dtype === 'int32') return new Int32Array(buffer, 0, length);
    return new Uint8Array(buffer, 0, length);
  }
  if (dtype === 'float32') return new Float32Array(length);
  if (dtype === 'int32') return new Int32Array(length);
  return new Uint8Array(length);
}

export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  /** Start of the cache region (pinned blocks move it up). */
  private base: number;
  private top: number;
  /**
   * Transient outputs (`hold`) not written out yet: written out before the next reset unless
   * released first.
   */
  private readonly held = new Set<WasmData>();
  /** Of `held`, those the last reset carried over: the next one writes them out. */
  private readonly carried = new Set<WasmData>();
  /**
   * Views on held values (`share`), resident only: written out before a reset, never carried (a
   * released record's outputs, say, are still read by the layers after it).
   */
  private readonly heldViews = new Set<WasmData>();
  /** Blocks returned within the current generation (kernel scratch), by size class. */
  private readonly free = new Map<number, number[]>();
  private generation = 0;
  /** Above this many bytes of cache in use, the next kernel resets the cache. */
  cacheBytes = 32 * 2 ** 20;
  resets = 0;
  /** Bytes copied into the cache (inputs without a resident copy) and out of it. */
  bytesIn = 0;
  bytesOut = 0;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
  }

  private bump(cls: number): number {
    const ptr = this.top;
    this.top += cls;
    const need = this.top - this.u8.byteLength;
    if (need > 0) {
      // Grow geometrically: every grow replaces the ArrayBuffer (and the views over it).
      const current = this.memory.buffer.byteLength;
      this.growBy(Math.max(need, current / 4, 16 * 2 ** 20), need, cls);
      this.refreshViews();
    }
    return ptr;
  }

  /**
   * Grows linear memory by `wanted` bytes, else by the `needed` minimum; past the runtime's
   * limit (4 GiB, or the memory's maximum) a LaminaError 'out-of-memory' says how many bytes
   * the block asked for and how many were in use (the kernel's name is added by the backend).
   */
  private growBy(wanted: number, needed: number, block: number): void {
    for (const bytes of [wanted, needed]) {
      try {
        this.memory.grow(Math.ceil(bytes / PAGE));
        return;
      } catch {
        // Too much at once: try the minimum, then give up.
      }
    }
    this.top -= block;
    throw new LaminaError(
      'out-of-memory',
      `the wasm backend could not grow its memory for a block of ${block} bytes (${this.memory.buffer.byteLength} bytes in use, ${needed} more needed): the tensors of this operation do not fit in WebAssembly memory (at most 4 GiB); use smaller batches or shapes`,
    );
  }

  /** Byte offset of a fresh cache block of at least `bytes`; its contents are undefined. */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    return this.free.get(cls)?.pop() ?? this.bump(cls);
  }

  /** Returns a block taken with `alloc` in the same kernel (scratch) for reuse in this generation. */
  freeBlock(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    let list = this.free.get(cls);
    if (list === undefined) this.free.set(cls, (list = []));
    list.push(ptr);
  }

  /**
   * A block that no reset reuses (per-thread GEMM scratch): the cache region starts above it
   * from now on; resident copies below it stay valid until the next reset.
   */
  allocPinned(bytes: number): number {
    const ptr = this.bump(sizeClass(bytes));
    this.base = Math.max(this.base, this.top);
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

  /**
   * Called before each native kernel with the bytes of its output and of its inputs that are
   * resident now: resets the cache once it holds more than `cacheBytes`, or already when the
   * output would carry it past `cacheBytes` and is larger than those inputs. A reset splits a
   * chain of kernels at the point where it happens: after the kernel, it would drop the output
   * that the next kernel most likely reads (W3: the first convolution's 5.5 MB, copied in again
   * by the max pooling after it); before, it drops only this kernel's own inputs.
   */
  beginKernel(outputBytes = 0, residentInputBytes = 0): void {
    const used = this.top - this.base;
    if (
      used > this.cacheBytes ||
      (used + outputBytes > this.cacheBytes && residentInputBytes < outputBytes)
    ) {
      this.reset();
    }
  }

  /** Bytes of `data`'s resident copy of the current generation (0 if it has none). */
  residentBytes(data: WasmData): number {
    return data.gen === this.generation ? data.bytes : 0;
  }

  /**
   * Makes every resident copy stale and reuses the whole cache region. Held values still
   * unreleased may yet be read: each is carried over (moved down to the start of the new
   * generation, staying resident) if no reset carried it before and those carried fit in half
   * the cache, else written out to JS. A recurrent sequence's record (8 MiB in W5), made by the
   * forward kernel and read by the backward one only, so crosses the reset between them without
   * being copied out to JS and back in; one carried and never released is written out at the
   * next reset, so nothing stays in the cache for good.
   */
  reset(): void {
    const carry: WasmData[] = [];
    let carryBytes = 0;
    for (const data of this.held) {
      if (data.js !== null) continue;
      const cls = sizeClass(data.bytes);
      const fits = carryBytes + cls <= this.cacheBytes / 2;
      if (fits && !this.carried.has(data) && data.ptr >= this.base) {
        carry.push(data);
        carryBytes += cls;
      } else {
        this.copyOut(data);
      }
    }
    // Views first: their blocks are the values' old ones, which the moves below overwrite. The
    // largest first, so that one lying within another written out shares its array.
    const views = [...this.heldViews].sort((a, b) => b.length - a.length);
    const written: WasmData[] = [];
    for (const view of views) {
      if (view.js !== null) continue;
      const bytes = view.bytes;
      const outer = written.find(
        (w) =>
          w.dtype === view.dtype &&
          w.ptr <= view.ptr &&
          view.ptr + bytes <= w.ptr + (w.js as TypedArray).byteLength,
      );
      if (outer === undefined) {
        this.copyOut(view);
        written.push(view);
      } else {
        const at = (view.ptr - outer.ptr) / elementBytes(view.dtype);
        view.js = (outer.js as TypedArray).subarray(at, at + view.length);
      }
    }
    this.heldViews.clear();
    this.held.clear();
    this.carried.clear();
    this.free.clear();
    this.generation++;
    this.top = this.base;
    this.resets++;
    // Lowest first, each to the bump pointer: a value only moves down, so copyWithin (a memmove)
    // never overwrites one not moved yet.
    carry.sort((a, b) => a.ptr - b.ptr);
    if (carry.length > 0) this.refreshViews();
    for (const data of carry) {
      const bytes = data.bytes;
      if (data.ptr !== this.top) this.u8.copyWithin(this.top, data.ptr, data.ptr + bytes);
      data.ptr = this.top;
      data.gen = this.generation;
      this.top += sizeClass(bytes);
      this.held.add(data);
      this.carried.add(data);
    }
  }

  /** Byte offset of a resident copy of `data`, copying its values in if it has none. */
  ptrOf(data: WasmData): number {
    if (data.gen === this.generation) return data.ptr;
    const js = data.js ?? released(); // not resident, so settled (or released)
    const ptr = this.alloc(data.bytes);
    if (data.dtype === 'float32') this.f32.set(js as Float32Array, ptr >>> 2);
    else if (data.dtype === 'int32') this.i32.set(js as Int32Array, ptr >>> 2);
    else this.u8.set(js as Uint8Array, ptr);
    this.bytesIn += js.byteLength;
    data.ptr = ptr;
    data.gen = this.generation;
    return ptr;
  }

  /** A fresh output handle with a resident block (values undefined until the kernel runs). */
  output(length: number, dtype: DType): WasmData {
    const d = new WasmData(length, dtype, null);
    d.ptr = this.alloc(length * elementBytes(dtype));
    d.gen = this.generation;
    return d;
  }

  /** Called after the kernel that computed `data`: writes its values through to JS. */
  settle(data: WasmData): void {
    if (data.js === null) this.copyOut(data);
  }

  /**
   * Called instead of `settle` after a kernel whose output is transient (`OutputInfo`): its
   * values stay only in the cache until they are read, the cache is reset, or `release`
   * drops them unwritten (W3: the first layer's 5.5 MB pre-activation gradient, read by its
   * filter and bias gradients' kernels and never by JS).
   */
  hold(data: WasmData): void {
    if (data.js === null) this.held.add(data);
  }

  /** A held output will not be read again: it is never written out. */
  release(data: WasmData): void {
    this.held.delete(data);
    this.carried.delete(data);
  }

  private copyOut(data: WasmData): TypedArray {
    // Output blocks are not reused within a generation, so only a reset loses an unwritten one.
    if (data.gen !== this.generation) released();
    const js = jsArray(data.length, data.dtype);
    js.set(this.view(data.ptr, data.length, data.dtype) as never);
    this.bytesOut += js.byteLength;
    data.js = js;
    return js;
  }

  /**
   * Elements [offset, offset + length) of `data` sharing its storage: its JS array's subarray,
   * and its resident copy while that is of the current generation (output blocks are never
   * reused within a generation, so the range stays valid until the next reset).
   */
  share(data: WasmData, offset: number, length: number): WasmData {
    if (data.js === null && data.gen === this.generation) {
      // Held (or a view on a held value): a resident-only view, written out when read or
      // before the next reset, so taking it does not write the whole value out.
      const view = new WasmData(length, data.dtype, null);
      view.ptr = data.ptr + offset * elementBytes(data.dtype);
      view.gen = data.gen;
      this.heldViews.add(view);
      return view;
    }
    const js = this.read(data);
    const part = new WasmData(length, data.dtype, js.subarray(offset, offset + length));
    if (data.gen === this.generation) {
      part.ptr = data.ptr + offset * elementBytes(data.dtype);
      part.gen = data.gen;
    }
    return part;
  }

  /** The values of `data` (the caller must not mutate them). */
  read(data: WasmData): TypedArray {
    return data.js ?? this.copyOut(data);
  }

  stats(): {
    cache: number;
    cacheBytes: number;
    memory: number;
    resets: number;
    bytesIn: number;
    bytesOut: number;
  } {
    return {
      cache: this.top - this.base,
      cacheBytes: this.cacheBytes,
      memory: this.memory.buffer.byteLength,
      resets: this.resets,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }
}
