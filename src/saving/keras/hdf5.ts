/**
 * HDF5 files in memory through h5wasm (the HDF5 C library compiled to WebAssembly), loaded on
 * first use. Files live in h5wasm's in-memory file system only for the duration of one call,
 * in Node and browsers alike. Reading checks each dataset's declared size against the file's
 * size and a budget before its values are read, and refuses links to other files. `parseH5`
 * reads on the calling thread; loaders go through hdf5-read.ts, which runs it in a worker with
 * a deadline (a damaged file can make the HDF5 library loop forever).
 */
import { LaminaError } from '../../errors.js';

import type h5wasmApi from 'h5wasm';
import type { Dataset as H5Dataset, Group as H5Group } from 'h5wasm';

type H5Api = typeof h5wasmApi;
let h5wasm: Promise<{ api: H5Api; fs: H5FileSystem }> | null = null;
let fileCounter = 0;

interface H5FileSystem {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

/** h5wasm, loaded and initialised once. */
export async function loadH5wasm(): Promise<{ api: H5Api; fs: H5FileSystem }> {
  h5wasm ??= import('h5wasm').then(async (m) => {
    const module = await m.default.ready;
    // HDF5 errors become JavaScript exceptions (caught below) instead of lines on stderr.
    module.activate_throwing_error_handler();
    return { api: m.default, fs: module.FS as unknown as H5FileSystem };
  });
  return h5wasm;
}

/** A dataset's values: float32 and int32 as Lamina holds them (wider types are narrowed). */
export interface H5Array {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** A group attribute as Keras writes them: a string or a list of strings (an empty list too). */
export type H5Text = string | string[];

/** What is stored under each path, and the text attributes of each group ('' is the root). */
export interface H5Contents {
  datasets: Map<string, H5Array>;
  attributes: Map<string, Record<string, H5Text>>;
}

/** A string, a list of strings, or an empty list of any type, as text; null otherwise. */
function textOf(value: unknown): H5Text | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<unknown>).length === 0) return [];
  return null;
}

const MAX_DEPTH = 64;
/** Largest attribute read (Keras keeps the whole model config in one). */
const MAX_ATTRIBUTE_BYTES = 256 * 1024 * 1024;

/** Every dataset of the HDF5 file `bytes`, by path ('layers/dense/vars/0'), on this thread. */
export async function parseH5(
  bytes: Uint8Array,
  maxBytes: number,
  where: string,
): Promise<H5Contents> {
  const { api, fs } = await loadH5wasm();
  const path = `/lamina-read-${++fileCounter}.h5`;
  fs.writeFile(path, bytes);
  let file: InstanceType<H5Api['File']> | null = null;
  const contents: H5Contents = { datasets: new Map(), attributes: new Map() };
  let total = 0;
  const visit = (group: H5Group, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH)
      throw new LaminaError(
        'invalid-config',
        `${where}: groups nested more than ${MAX_DEPTH} deep`,
      );
    const texts: Record<string, H5Text> = {};
    for (const [key, attribute] of Object.entries(group.attrs)) {
      const declared = attribute.metadata.total_size * attribute.metadata.size;
      if (!(declared <= Math.min(MAX_ATTRIBUTE_BYTES, bytes.byteLength)))
        throw new LaminaError(
          'truncated-data',
          `${where}: attribute '${key}' of '${prefix || '/'}' declares ${declared} bytes, more than the file holds`,
        );
      const text = textOf(attribute.value);
      if (text !== null) texts[key] = text;
    }
    contents.attributes.set(prefix, texts);
    for (const key of group.keys()) {
      const at = prefix === '' ? key : `${prefix}/${key}`;
      const entity = group.get(key);
      if (entity instanceof api.Group) visit(entity, at, depth + 1);
      else if (entity instanceof api.Dataset) {
        const array = readDataset(entity, at, bytes.byteLength, maxBytes - total, where);
        total += array.values.byteLength;
        contents.datasets.set(at, array);
      } else
        throw new LaminaError(
          'invalid-config',
          `${where}: '${at}' is ${entity === null ? 'unreadable' : 'a link'}; only groups and datasets are allowed`,
        );
    }
  };
  try {
    file = new api.File(path, 'r');
    visit(file, '', 0);
    return contents;
  } catch (e) {
    if (e instanceof LaminaError) throw e;
    const reason = String((e as Error).message ?? e)
      .split('\n')
      .slice(0, 3)
      .join(' ');
    throw new LaminaError('invalid-config', `${where}: not a readable HDF5 file (${reason})`, {
      cause: e,
    });
  } finally {
    file?.close();
    fs.unlink(path);
  }
}

function readDataset(
  dataset: H5Dataset,
  at: string,
  fileBytes: number,
  budget: number,
  where: string,
): H5Array {
  const meta = dataset.metadata;
  const shape = meta.shape ?? [];
  const isFloat = meta.type === 1 && (meta.size === 4 || meta.size === 8);
  const isInt = meta.type === 0 && [1, 2, 4, 8].includes(meta.size);
  if (!isFloat && !isInt)
    throw new LaminaError(
      'weight-dtype',
      `${where}: dataset '${at}' must hold floats or integers, found HDF5 type class ${meta.type} of ${meta.size} bytes`,
    );
  const count = shape.reduce((n, d) => n * d, 1);
  const declared = count * meta.size;
  const filtered = dataset.filters.length > 0;
  if (!Number.isSafeInteger(declared) || declared > budget || (!filtered && declared > fileBytes))
    throw new LaminaError(
      'truncated-data',
      `${where}: dataset '${at}' declares shape [${shape.join(',')}] (${declared} bytes), more than the ${fileBytes}-byte file ${filtered ? 'may expand to' : 'holds'}`,
    );
  const raw = dataset.value;
  const dtype = isFloat ? 'float32' : 'int32';
  const values = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (typeof raw === 'number' || typeof raw === 'bigint') values[0] = Number(raw);
  else if (ArrayBuffer.isView(raw) && (raw as unknown as ArrayLike<unknown>).length === count) {
    const list = raw as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < count; i++) values[i] = Number(list[i]);
  } else
    throw new LaminaError(
      'truncated-data',
      `${where}: dataset '${at}' should hold ${count} values, its data could not be read as such`,
    );
  return { shape, dtype, values };
}

/** One dataset to write: float32, int32 or int64 (Keras's optimizer iteration count). */
export interface H5Write {
  path: string;
  shape: number[];
  values: Float32Array | Int32Array | BigInt64Array;
}

/**
 * An HDF5 file holding `datasets`; each group in `groupNames` (path -> name) is created first,
 * in order, with a string attribute `name`, as Keras marks each layer's `vars` group.
 */
export async function writeH5(
  groupNames: ReadonlyArray<[string, string]>,
  datasets: readonly H5Write[],
): Promise<Uint8Array> {
  const { api, fs } = await loadH5wasm();
  const path = `/lamina-write-${++fileCounter}.h5`;
  const file = new api.File(path, 'w');
  try {
    const groupAt = (p: string): H5Group => {
      const existing = p === '' ? file : file.get(p);
      if (existing instanceof api.Group) return existing;
      const cut = p.lastIndexOf('/');
      return groupAt(p.slice(0, Math.max(0, cut))).create_group(p.slice(cut + 1));
    };
    for (const [p, name] of groupNames) groupAt(p).create_attribute('name', name);
    for (const d of datasets) {
      const cut = d.path.lastIndexOf('/');
      groupAt(d.path.slice(0, Math.max(0, cut))).create_dataset({
        name: d.path.slice(cut + 1),
        data: d.values,
        shape: d.shape,
      });
    }
    file.flush();
  } finally {
    file.close();
  }
  try {
    return fs.readFile(path);
  } finally {
    fs.unlink(path);
  }
}
