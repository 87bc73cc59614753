/**
 * Weight values as TensorFlow.js stores them: specs `{ name, shape, dtype }` and one buffer of
 * the values one after another, little-endian. Decoding checks every declared size against the
 * real byte count before allocating anything.
 */
import { LaminaError } from '../errors.js';
import { tensor } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, expectString, isObject } from './json.js';
import type { WeightDType, WeightSpec } from './types.js';

export interface NamedTensor {
  name: string;
  tensor: Tensor;
  group?: string;
}

const BYTES: Readonly<Record<WeightDType, number>> = { float32: 4, int32: 4, bool: 1 };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Specs and one buffer for `tensors`, in order. */
export function encodeWeights(tensors: readonly NamedTensor[]): {
  specs: WeightSpec[];
  data: Uint8Array;
} {
  const specs: WeightSpec[] = [];
  const total = tensors.reduce((n, t) => n + t.tensor.size * BYTES[t.tensor.dtype], 0);
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const { name, tensor: t, group } of tensors) {
    const spec: WeightSpec = { name, shape: [...t.shape], dtype: t.dtype };
    if (group !== undefined) spec.group = group;
    specs.push(spec);
    const values = t.dataSync();
    if (LITTLE_ENDIAN || t.dtype === 'bool') {
      data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    } else {
      for (let i = 0; i < values.length; i++) {
        if (t.dtype === 'float32') view.setFloat32(offset + 4 * i, values[i] as number, true);
        else view.setInt32(offset + 4 * i, values[i] as number, true);
      }
    }
    offset += values.length * BYTES[t.dtype];
  }
  return { specs, data };
}

/** One buffer from TensorFlow.js's weight data (a buffer, a list of buffers or bytes). */
export function concatWeightData(data: unknown, where: string): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((d) => d instanceof ArrayBuffer)) {
    const parts = data as ArrayBuffer[];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(new Uint8Array(p), offset);
      offset += p.byteLength;
    }
    return out;
  }
  throw new LaminaError(
    'invalid-config',
    `${where}: weightData must be an ArrayBuffer, a list of them or a Uint8Array`,
  );
}

interface ParsedSpec extends WeightSpec {
  size: number;
  bytes: number;
  stored: 'float32' | 'int32' | 'bool' | 'uint8' | 'uint16';
}

/** Validates specs (untrusted JSON) and computes sizes, refusing totals above `byteLength`. */
export function parseSpecs(value: unknown, byteLength: number, where: string): ParsedSpec[] {
  if (!Array.isArray(value))
    throw new LaminaError(
      'invalid-config',
      `${where}: weight specs must be a list, found ${describe(value)}`,
    );
  let total = 0;
  return value.map((raw: unknown, i) => {
    const at = `${where}: weight ${i}`;
    if (!isObject(raw))
      throw new LaminaError(
        'invalid-config',
        `${at}: expected { name, shape, dtype }, found ${describe(raw)}`,
      );
    const name = expectString(raw.name, `${at}: name`);
    const dtype = raw.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool')
      throw new LaminaError(
        'weight-dtype',
        `${at} '${name}': dtype must be float32, int32 or bool, found ${describe(dtype)}`,
      );
    if (!Array.isArray(raw.shape) || raw.shape.length > 8)
      throw new LaminaError(
        'weight-shape',
        `${at} '${name}': shape must be a list of at most 8 sizes, found ${describe(raw.shape)}`,
      );
    const shape = raw.shape.map((d) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || d > byteLength)
        throw new LaminaError(
          'weight-shape',
          `${at} '${name}': shape ${describe(raw.shape)} has an invalid size`,
        );
      return d;
    });
    const size = shape.reduce((n, d) => n * d, 1);
    let stored: ParsedSpec['stored'] = dtype;
    const spec: WeightSpec = { name, shape, dtype };
    if (typeof raw.group === 'string') spec.group = raw.group;
    if (raw.quantization !== undefined && raw.quantization !== null) {
      const q = raw.quantization;
      if (
        !isObject(q) ||
        (q.dtype !== 'uint8' && q.dtype !== 'uint16') ||
        typeof q.scale !== 'number' ||
        typeof q.min !== 'number'
      )
        throw new LaminaError(
          'unsupported',
          `${at} '${name}': only uint8 / uint16 affine quantization ({ dtype, scale, min }) is supported, found ${describe(q)}`,
        );
      stored = q.dtype;
      spec.quantization = { dtype: q.dtype, scale: q.scale, min: q.min };
    }
    const bytes =
      size * (stored === 'uint16' ? 2 : stored === 'float32' || stored === 'int32' ? 4 : 1);
    total += bytes;
    if (total > byteLength)
      throw new LaminaError(
        'truncated-data',
        `${at} '${name}': the specs declare at least ${total} bytes of weights, but the data has only ${byteLength}`,
      );
    return { ...spec, size, bytes, stored };
  });
}

/** Decodes every weight (after checking the data holds exactly what the specs declare). */
export function decodeWeights(
  specs: readonly ParsedSpec[],
  data: Uint8Array,
  where: string,
): Map<string, NamedTensor> {
  const total = specs.reduce((n, s) => n + s.bytes, 0);
  if (total !== data.byteLength)
    throw new LaminaError(
      total > data.byteLength ? 'truncated-data' : 'invalid-config',
      `${where}: the weight specs declare ${total} bytes, the data has ${data.byteLength}`,
    );
  const out = new Map<string, NamedTensor>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const s of specs) {
    if (out.has(s.name) && s.group !== 'optimizer')
      throw new LaminaError('invalid-config', `${where}: two weights are named '${s.name}'`);
    const values =
      s.dtype === 'float32'
        ? new Float32Array(s.size)
        : s.dtype === 'int32'
          ? new Int32Array(s.size)
          : new Uint8Array(s.size);
    const scale = s.quantization?.scale ?? 1;
    const min = s.quantization?.min ?? 0;
    for (let i = 0; i < s.size; i++) {
      switch (s.stored) {
        case 'float32':
          values[i] = view.getFloat32(offset + 4 * i, true);
          break;
        case 'int32':
          values[i] = view.getInt32(offset + 4 * i, true);
          break;
        case 'bool':
          values[i] = view.getUint8(offset + i) === 0 ? 0 : 1;
          break;
        case 'uint8':
          values[i] = view.getUint8(offset + i) * scale + min;
          break;
        case 'uint16':
          values[i] = view.getUint16(offset + 2 * i, true) * scale + min;
          break;
      }
    }
    offset += s.bytes;
    const spec: NamedTensor = { name: s.name, tensor: tensor(values, s.shape, s.dtype) };
    if (s.group !== undefined) spec.group = s.group;
    out.set(s.group === 'optimizer' ? `optimizer:${s.name}` : s.name, spec);
  }
  return out;
}
