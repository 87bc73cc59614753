/** The base learning-rate schedule and its registry (the schedules are in `schedules.ts`). */
import {
  isKerasObject,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import { LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export abstract class LearningRateSchedule {
  abstract readonly className: string;
  /** The learning rate at `step` (0 for the first update). */
  abstract valueAt(step: number): number;
  abstract getConfig(): JsonObject;
  /** The Keras 3 serialized form `{ module, class_name, config, registered_name }`. */
  serialize(): KerasObject {
    return serializeSchedule(this);
  }
}

/** @internal Built-in schedules register here (`schedules.ts`). */
export const scheduleRegistry = new Registry<LearningRateSchedule>(
  'learning rate schedule',
  'keras.optimizers.schedules',
);
const custom = new Set<string>();

/** Makes a custom schedule class loadable by name (its `className` must be `name`). */
export function registerLearningRateSchedule(
  name: string,
  fromConfig: (config: JsonObject) => LearningRateSchedule,
): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new LaminaTypeError(
      'invalid-argument',
      'registerLearningRateSchedule: name must be a non-empty string',
    );
  scheduleRegistry.register(name, fromConfig);
  custom.add(name);
}

export function serializeSchedule(schedule: LearningRateSchedule): KerasObject {
  const isCustom = custom.has(schedule.className);
  const out = scheduleRegistry.serialize(
    schedule.className,
    schedule.getConfig(),
    isCustom ? schedule.className : null,
  );
  if (isCustom) delete out.module;
  return out;
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeSchedule(
  object: KerasObject,
  where = 'deserializeSchedule',
): LearningRateSchedule {
  if (!isKerasObject(object))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected a { class_name, config } object, received ${showJson(object)}`,
    );
  return scheduleRegistry.create(
    object.registered_name ?? object.class_name,
    object.config ?? {},
    where,
  );
}
