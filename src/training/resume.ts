/**
 * Training state beyond weights and optimizer slots, so that a run resumed from a checkpoint
 * takes the very steps an uninterrupted run would: each layer's random stream (Dropout's masks,
 * GaussianNoise), fit's shuffle seed and the epochs done, and the state of callbacks that keep
 * some (ReduceLROnPlateau's best/wait/cooldown, EarlyStopping's, ModelCheckpoint's best).
 *
 * fit records its session here (kept after fit returns, so `model.save` after fit has it too);
 * saving reads it (`trainingStateOf`); loading hands the saved state back (`restoreTrainingState`):
 * random streams at once, the rest when the next fit starts at the epoch it was saved after.
 */
import { LaminaError } from '../errors.js';
import type { Layer } from '../layers/base/layer.js';
import { seedStreamOf, type SeedStream } from '../layers/base/seed-stream.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';
import { randomFor, type RandomState } from '../tensor/rng.js';
import type { Metric } from '../metrics/metric.js';
import type { CallbackHooks } from './callbacks/callback.js';
import type { RunningMeans } from './logs.js';

/**
 * A callback whose state matters for the next epoch. `getState` must return JSON (non-finite
 * numbers through `jsonNumber`); `setState` receives it back, after `onTrainBegin` of the
 * resumed fit. A `not_saved` list in the state names what could not be saved (warned at load).
 */
export interface StatefulCallback {
  getState(): JsonObject;
  setState(state: JsonObject): void;
}

export interface FitPosition {
  /** Epochs completed: the `initialEpoch` that resumes this run. */
  epochsDone: number;
  /** Batches of the next epoch already trained (mid-epoch saves; 0 at an epoch's end). */
  batchesDone: number;
  shuffleSeed: number;
  /** With `batchesDone > 0`: what the epoch's logs had accumulated (null if fit could not say). */
  progress: EpochProgress | null;
}

/**
 * How far an epoch's logs had got when a checkpoint was saved in its middle: the running means
 * of its batch losses and the state of each compiled metric (in compile's order; null for a
 * metric that cannot give its state).
 */
export interface EpochProgress {
  means: { sums: Record<string, number>; count: number };
  metrics: (number[] | null)[];
}

/** Where a resumed fit starts inside its first epoch. */
export interface MidEpochResume {
  /** Batches of the epoch to skip: they were trained before the checkpoint. */
  batches: number;
  progress: EpochProgress | null;
}

/** What a checkpoint holds besides weights and the optimizer. */
export interface TrainingState {
  randomStreams: { layer: string; state: RandomState }[];
  fit: FitPosition | null;
  /** Keyed by the callback's class name and its rank among stateful callbacks of that class. */
  callbacks: Record<string, JsonObject>;
}

/** JSON has no Infinity or NaN: those travel as strings. */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** The number `jsonNumber` wrote, or `fallback` for anything else. */
export function numberFromJson(value: JsonValue | undefined, fallback: number): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return fallback;
}

function isStateful(cb: CallbackHooks): cb is CallbackHooks & StatefulCallback {
  const c = cb as Partial<StatefulCallback>;
  return typeof c.getState === 'function' && typeof c.setState === 'function';
}

/** `ReduceLROnPlateau#0`, `ReduceLROnPlateau#1`...: how a saved state finds its callback. */
function statefulByKey(callbacks: readonly CallbackHooks[]): Map<string, StatefulCallback> {
  const out = new Map<string, StatefulCallback>();
  const seen = new Map<string, number>();
  for (const cb of callbacks) {
    if (!isStateful(cb)) continue;
    const name = (cb as { constructor?: { name?: string } }).constructor?.name ?? 'Callback';
    const rank = seen.get(name) ?? 0;
    seen.set(name, rank + 1);
    out.set(`${name}#${rank}`, cb);
  }
  return out;
}

interface Session {
  callbacks: readonly CallbackHooks[];
  position: FitPosition;
  /** The current epoch's progress, for a save in its middle. */
  progress: (() => EpochProgress) | null;
}

const sessions = new WeakMap<object, Session>();
const pending = new WeakMap<object, TrainingState>();

/** The layers of `model` that draw random numbers, with their streams, in a stable order. */
function streamsOf(model: Layer): { layer: string; stream: SeedStream }[] {
  const out: { layer: string; stream: SeedStream }[] = [];
  for (const layer of model.flattenLayers()) {
    const stream = seedStreamOf(layer);
    if (stream !== undefined) out.push({ layer: layer.name, stream });
  }
  return out;
}

/** The training state of `model` now: its random streams and its latest fit's session. */
export function trainingStateOf(model: Layer): TrainingState {
  const session = sessions.get(model);
  const callbacks: Record<string, JsonObject> = {};
  if (session !== undefined)
    for (const [key, cb] of statefulByKey(session.callbacks)) callbacks[key] = cb.getState();
  return {
    randomStreams: streamsOf(model).map(({ layer, stream }) => ({
      layer,
      state: stream.getState(),
    })),
    fit:
      session === undefined
        ? null
        : {
            ...session.position,
            progress:
              session.position.batchesDone > 0 && session.progress !== null
                ? session.progress()
                : null,
          },
    callbacks,
  };
}

/**
 * Checks a loaded checkpoint's training state against `model` (a LaminaError when its random
 * streams do not match the model's layers) and returns what puts it in: the random streams at
 * once, the fit position and callback states for the next fit. Applying warns about what the
 * checkpoint says it could not save.
 */
export function planTrainingState(model: Layer, state: TrainingState, where: string): () => void {
  const streams = streamsOf(model);
  if (streams.length !== state.randomStreams.length)
    throw new LaminaError(
      'invalid-config',
      `${where}: the training state has ${state.randomStreams.length} random streams, the model's layers have ${streams.length} (${streams.map((s) => s.layer).join(', ') || 'none'})`,
    );
  streams.forEach(({ layer }, i) => {
    const saved = state.randomStreams[i] as TrainingState['randomStreams'][number];
    if (saved.layer !== layer)
      throw new LaminaError(
        'invalid-config',
        `${where}: random stream ${i} was saved for layer '${saved.layer}', the model's is '${layer}'`,
      );
  });
  return () => applyTrainingState(model, streams, state, where);
}

function applyTrainingState(
  model: Layer,
  streams: ReturnType<typeof streamsOf>,
  state: TrainingState,
  where: string,
): void {
  streams.forEach(({ stream }, i) =>
    stream.setState((state.randomStreams[i] as TrainingState['randomStreams'][number]).state),
  );
  for (const [key, saved] of Object.entries(state.callbacks)) {
    const notSaved = saved.not_saved;
    if (Array.isArray(notSaved))
      for (const what of notSaved)
        console.warn(`${where}: ${key}'s ${String(what)} could not be saved; resume is not exact`);
  }
  const fit = state.fit;
  if (fit !== null || Object.keys(state.callbacks).length > 0) pending.set(model, state);
}

/** What fit needs from a checkpoint (or not) at its start, and records as it goes. */
export interface FitSession {
  readonly shuffleSeed: number;
  /** Set when the checkpoint was saved in the middle of the epoch fit starts at. */
  readonly midEpoch: MidEpochResume | null;
  /** After `onTrainBegin` (which resets callbacks): the saved callback states, when resuming. */
  restoreCallbacks(): void;
  batchDone(): void;
  /** `batchesDone`: batches of the epoch trained before a checkpoint (a mid-epoch resume). */
  epochBegin(epoch: number, batchesDone?: number): void;
  /** How to read the current epoch's progress when a checkpoint is saved in its middle. */
  trackProgress(progress: () => EpochProgress): void;
  epochDone(epoch: number): void;
}

/**
 * Starts fit's session on `model`. A checkpoint's state applies when fit starts at the epoch it
 * was saved after (`initialEpoch`); otherwise it is dropped, with a warning when `initialEpoch`
 * suggests a resume was meant.
 */
export function beginFit(
  model: Layer,
  callbacks: readonly CallbackHooks[],
  options: { initialEpoch: number; seed: number | undefined; streaming: boolean; where: string },
): FitSession {
  const { initialEpoch, where } = options;
  let saved = pending.get(model) ?? null;
  pending.delete(model);
  if (saved !== null && saved.fit !== null && saved.fit.epochsDone !== initialEpoch) {
    if (initialEpoch > 0)
      console.warn(
        `${where}: the loaded checkpoint was saved after epoch ${saved.fit.epochsDone}, fit starts at initialEpoch ${initialEpoch}: its callback states and shuffle seed are not used`,
      );
    saved = null;
  }
  if (saved !== null && options.streaming)
    console.warn(
      `${where}: resuming on a data source: its position (and a shuffled Dataset's epoch) is not in the checkpoint, so batches may differ from an uninterrupted run`,
    );
  // Each epoch's order depends only on (seed, epoch), so resuming at initialEpoch with the seed
  // the interrupted run used shuffles exactly as an uninterrupted run would.
  const shuffleSeed = options.seed ?? saved?.fit?.shuffleSeed ?? randomFor(undefined).nextSeed();
  const session: Session = {
    callbacks,
    position: { epochsDone: initialEpoch, batchesDone: 0, shuffleSeed, progress: null },
    progress: null,
  };
  sessions.set(model, session);
  const restoring = saved;
  return {
    shuffleSeed,
    midEpoch: midEpochResume(saved?.fit ?? null, options.streaming, where),
    restoreCallbacks() {
      if (restoring === null) return;
      const byKey = statefulByKey(callbacks);
      for (const [key, state] of Object.entries(restoring.callbacks)) {
        const cb = byKey.get(key);
        if (cb === undefined)
          console.warn(
            `${where}: the checkpoint holds the state of ${key}, and this fit has no such callback`,
          );
        else cb.setState(state);
      }
    },
    batchDone() {
      session.position.batchesDone += 1;
    },
    epochBegin(epoch, batchesDone = 0) {
      session.position.epochsDone = epoch;
      session.position.batchesDone = batchesDone;
      session.progress = null;
    },
    trackProgress(progress) {
      session.progress = progress;
    },
    epochDone(epoch) {
      session.position.epochsDone = epoch + 1;
      session.position.batchesDone = 0;
    },
  };
}

/**
 * A checkpoint saved after some batches of an epoch resumes after those batches: each epoch's
 * order depends only on (shuffle seed, epoch), so fit skips exactly the rows already trained.
 * A data source cannot be skipped into (it is the user's iterable, and a shuffled Dataset's
 * order depends on how many times it was iterated before), so there the epoch starts over.
 */
function midEpochResume(
  fit: FitPosition | null,
  streaming: boolean,
  where: string,
): MidEpochResume | null {
  if (fit === null || fit.batchesDone === 0) return null;
  const at = `saved in the middle of epoch ${fit.epochsDone + 1} (after ${fit.batchesDone} batches)`;
  if (streaming) {
    console.warn(
      `${where}: the checkpoint was ${at}; on a data source fit resumes at the epoch's start, so the resumed run repeats those batches`,
    );
    return null;
  }
  if (fit.progress === null)
    console.warn(
      `${where}: the checkpoint was ${at} without the epoch's running logs; weights resume exactly, this epoch's logged loss and metrics cover the resumed batches only`,
    );
  return { batches: fit.batchesDone, progress: fit.progress };
}

/** The epoch's progress now: its running means and the state of every compiled metric. */
export function epochProgressOf(means: RunningMeans, metrics: readonly Metric[]): EpochProgress {
  return { means: means.getState(), metrics: metrics.map((m) => m.getState()) };
}

/** Puts a mid-epoch checkpoint's progress back into the epoch's means and metrics. */
export function restoreEpochProgress(
  progress: EpochProgress,
  means: RunningMeans,
  metrics: readonly Metric[],
  where: string,
): void {
  means.setState(progress.means);
  if (progress.metrics.length !== metrics.length) {
    console.warn(
      `${where}: the checkpoint holds the state of ${progress.metrics.length} metrics, this fit compiles ${metrics.length}; this epoch's metrics cover the resumed batches only`,
    );
    return;
  }
  metrics.forEach((m, i) => {
    const state = progress.metrics[i];
    if (state === null || state === undefined)
      console.warn(
        `${where}: metric '${m.name}' could not save its state mid-epoch; this epoch's value covers the resumed batches only`,
      );
    else m.setState(state);
  });
}
