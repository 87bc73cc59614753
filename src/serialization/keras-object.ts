/**
 * Keras's serialized form of a configurable object (regularizer, initializer, constraint, layer):
 * `{ module, class_name, config, registered_name }` in Keras 3; tf.keras and TensorFlow.js write
 * the older `{ class_name, config }`. Both load; Keras 3's is written.
 */
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

/** A JSON-compatible value, as found in Keras configs. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A type alias, not an interface, so that it is a `JsonObject` (interfaces get no implicit index
 * signature): configs embed serialized objects without casts.
 */
export type KerasObject = {
  module?: string;
  class_name: string;
  config: JsonObject;
  registered_name?: string | null;
};

export function isKerasObject(value: unknown): value is KerasObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { class_name?: unknown }).class_name === 'string' &&
    ((value as { config?: unknown }).config === undefined ||
      (typeof (value as { config?: unknown }).config === 'object' &&
        (value as { config?: unknown }).config !== null))
  );
}

/** 'glorot_uniform', 'GlorotUniform' and 'glorotUniform' all become 'glorotuniform'. */
export function canonicalName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** Keras's to_snake_case: 'Conv2D' -> 'conv2d', 'MaxPooling2D' -> 'max_pooling2d', 'SimpleRNN' -> 'simple_rnn'. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Classes known by name within one family (regularizers, initializers...). Built-ins are found
 * by any spelling of their class name or aliases; user classes by their registered name.
 */
export class Registry<T> {
  private readonly byName = new Map<
    string,
    { className: string; fromConfig: (config: JsonObject) => T }
  >();

  constructor(
    readonly family: string,
    readonly module: string,
  ) {}

  register(
    className: string,
    fromConfig: (config: JsonObject) => T,
    aliases: readonly string[] = [],
  ): void {
    for (const n of [className, ...aliases])
      this.byName.set(canonicalName(n), { className, fromConfig });
  }

  has(name: string): boolean {
    return this.byName.has(canonicalName(name));
  }

  names(): string[] {
    return [...new Set([...this.byName.values()].map((e) => e.className))].sort();
  }

  /** Instantiates `name` from `config`; an unknown name lists the known ones. */
  create(name: string, config: JsonObject, where: string): T {
    if (typeof name !== 'string')
      throw new LaminaError(
        'invalid-config',
        `${where}: a ${this.family}'s class_name and registered_name must be strings, received ${showJson(name) ?? typeof name}`,
      );
    const entry = this.byName.get(canonicalName(name));
    if (entry === undefined) {
      throw new LaminaError(
        'unknown-class',
        `${where}: unknown ${this.family} '${name}'. Known: ${this.names().join(', ')} (register custom classes by name first)`,
      );
    }
    return entry.fromConfig(config);
  }

  /** The Keras 3 serialized form. */
  serialize(
    className: string,
    config: JsonObject,
    registeredName: string | null = null,
  ): KerasObject {
    return { module: this.module, class_name: className, config, registered_name: registeredName };
  }

  private readonly custom = new Set<string>();

  /** Registers a user class by name; it serializes with `registered_name` and no module. */
  registerCustom(name: string, fromConfig: (config: JsonObject) => T, where: string): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: name must be a non-empty string, received ${String(name)}`,
      );
    }
    this.register(name, fromConfig);
    this.custom.add(name);
  }

  /** The Keras 3 form of an instance; a registered user class carries its name and no module. */
  serializeObject(object: { readonly className: string; getConfig(): JsonObject }): KerasObject {
    if (!this.custom.has(object.className))
      return this.serialize(object.className, object.getConfig());
    return {
      class_name: object.className,
      config: object.getConfig(),
      registered_name: object.className,
    };
  }

  /** Reads the Keras 3 form and the older `{ class_name, config }` form. */
  deserialize(object: KerasObject, where: string): T {
    return this.create(object.registered_name ?? object.class_name, object.config ?? {}, where);
  }
}

/** Reads a numeric config entry, with a clear error naming the object and key. */
export function configNumber(
  config: JsonObject,
  key: string,
  where: string,
  fallback?: number,
): number {
  const v = config[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new LaminaTypeError('invalid-argument', `${where}: config is missing '${key}'`);
  }
  if (typeof v !== 'number')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config '${key}' must be a number, received ${showJson(v)}`,
    );
  return v;
}

export function configString(
  config: JsonObject,
  key: string,
  where: string,
  fallback?: string,
): string {
  const v = config[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new LaminaTypeError('invalid-argument', `${where}: config is missing '${key}'`);
  }
  if (typeof v !== 'string')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config '${key}' must be a string, received ${showJson(v)}`,
    );
  return v;
}

export function optionalSeed(config: JsonObject, where: string): number | undefined {
  const v = config.seed;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: seed must be an integer, received ${showJson(v)}`,
    );
  return v;
}

/** `value` as an error message shows it: strings quoted, arrays and objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) return showJson(value);
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** Keras's message style: what was invalid, what was expected, what was received. */
export function invalidArgument(
  where: string,
  arg: string,
  expected: string,
  value: unknown,
): RangeError {
  return new LaminaRangeError(
    'invalid-argument',
    `${where}: Invalid value for argument ${arg}: expected ${expected}. Received: ${arg}=${show(value)}`,
  );
}
