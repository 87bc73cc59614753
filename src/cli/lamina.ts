#!/usr/bin/env node
/**
 * `lamina study`: trains the same network without regularization, with a kernel penalty, with
 * activity penalties and with both, prints a comparison table and writes report.html.
 * `npm start` runs it with defaults on the shipped UCI digits. `lamina convert IN OUT` converts
 * a model between Keras and TensorFlow.js formats (convert.ts).
 */
import { checkWritable, writeFileAtomic } from '../io/atomic.js';
import { convert } from './convert.js';
import {
  csvData,
  digitsData,
  largeActivationsData,
  mnistData,
  type StudyData,
} from '../study/data.js';
import { renderReport } from '../study/report.js';
import { DEFAULT_STUDY, runStudy, type StudyOptions } from '../study/run.js';
import { studyTable } from '../study/table.js';
import { nearestName, showJson } from '../validation/options.js';

const USAGE = `Usage: lamina study [options]
       lamina convert IN OUT [--weights FILE] [--quiet]   (lamina convert --help)

Trains one network several ways (none, kernel L2, activity L1, activity L2, kernel + activity)
with fixed seeds and reports how each regularizer changed weights and activations.

Options:
  --model FILE                   your own model (.keras, .h5, model.json or a TensorFlow.js
                                 folder): each variant trains a copy of it from its weights,
                                 penalties on its weighted layers but the last
  --data digits|mnist|FILE.csv   dataset (default: digits, shipped with the package)
  --label COLUMN                 class column of a CSV file (required with a CSV)
  --scenario default|large-activations
                                 large-activations: small weights, huge saturated outputs
  --epochs N                     epochs per variant (default 20; scenario 30)
  --batch-size N                 (default 32)
  --seed N                       (default 1)
  --variants a,b,...             subset of: none, kernel-l2, activity-l1, activity-l2, kernel+activity
  --kernel-l2 F --activity-l1 F --activity-l2 F
                                 regularization factors (default 1e-3 each)
  --factor F                     the shared factor of the large-activations scenario (default 3e-3)
  --out FILE                     the HTML report (default report.html)
  --quiet                        no progress output
  -h, --help
`;

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n <= 0)
    throw new UsageError(
      `${flag} expects a positive integer, received ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
    );
  return n;
}

function nonNegative(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < 0)
    throw new UsageError(
      `${flag} expects a non-negative number, received ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
    );
  return n;
}

class UsageError extends Error {}

/** The flags of `lamina study`, for suggesting the one a misspelt flag meant. */
const FLAGS: readonly string[] = [
  '--data',
  '--label',
  '--scenario',
  '--epochs',
  '--batch-size',
  '--seed',
  '--variants',
  '--kernel-l2',
  '--activity-l1',
  '--activity-l2',
  '--factor',
  '--out',
  '--quiet',
  '--help',
];

interface Parsed {
  options: StudyOptions;
  model: string | undefined;
  data: string;
  label: string | undefined;
  out: string;
  quiet: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === undefined) {
    return {
      options: DEFAULT_STUDY,
      model: undefined,
      data: 'digits',
      label: undefined,
      out: 'report.html',
      quiet: false,
      help: true,
    };
  }
  if (command !== 'study')
    throw new UsageError(`unknown command '${command}' (expected 'study' or 'convert')`);
  const options: StudyOptions = { ...DEFAULT_STUDY, factors: { ...DEFAULT_STUDY.factors } };
  let data = 'digits';
  let model: string | undefined;
  let label: string | undefined;
  let out = 'report.html';
  let quiet = false;
  let epochsGiven = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] as string;
    const value = (): string | undefined => rest[++i];
    switch (flag) {
      case '--data':
        data = value() ?? '';
        if (data === '') throw new UsageError('--data expects digits, mnist or a CSV path');
        break;
      case '--label':
        label = value();
        break;
      case '--model':
        model = value() ?? '';
        if (model === '') throw new UsageError('--model expects a model file or folder');
        break;
      case '--scenario': {
        const s = value();
        if (s !== 'default' && s !== 'large-activations')
          throw new UsageError(
            `--scenario expects default or large-activations, received ${showJson(s)}`,
          );
        options.scenario = s;
        break;
      }
      case '--epochs':
        options.epochs = positiveInt(flag, value());
        epochsGiven = true;
        break;
      case '--batch-size':
        options.batchSize = positiveInt(flag, value());
        break;
      case '--seed':
        options.seed = positiveInt(flag, value());
        break;
      case '--variants': {
        const list = value();
        options.only = (list ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        if (options.only.length === 0)
          throw new UsageError(
            `--variants expects a comma-separated list of variants (none, kernel-l2, activity-l1, activity-l2, kernel+activity), received ${list === undefined ? 'nothing' : JSON.stringify(list)}`,
          );
        break;
      }
      case '--kernel-l2':
        options.factors.kernelL2 = nonNegative(flag, value());
        break;
      case '--activity-l1':
        options.factors.activityL1 = nonNegative(flag, value());
        break;
      case '--activity-l2':
        options.factors.activityL2 = nonNegative(flag, value());
        break;
      case '--factor':
        options.scenarioFactor = nonNegative(flag, value());
        break;
      case '--out':
        out = value() ?? '';
        if (out === '') throw new UsageError('--out expects a file path');
        break;
      case '--quiet':
        quiet = true;
        break;
      case '-h':
      case '--help':
        return { options, model, data, label, out, quiet, help: true };
      default: {
        const nearest = flag.startsWith('-') ? nearestName(flag, FLAGS) : null;
        throw new UsageError(
          `unknown option '${flag}'${nearest === null ? '' : ` (did you mean '${nearest}'?)`}`,
        );
      }
    }
  }
  if (options.scenario === 'large-activations' && !epochsGiven) options.epochs = 30;
  if (model !== undefined && options.scenario !== 'default')
    throw new UsageError('--model runs the default comparison; --scenario builds its own model');
  return { options, model, data, label, out, quiet, help: false };
}

async function loadData(parsed: Parsed): Promise<StudyData> {
  const seed = parsed.options.seed;
  if (parsed.options.scenario === 'large-activations') {
    if (parsed.data !== 'digits')
      throw new UsageError('--scenario large-activations makes its own data; do not pass --data');
    return largeActivationsData(seed);
  }
  if (parsed.data === 'digits') return digitsData(seed);
  if (parsed.data === 'mnist') return mnistData(seed);
  if (parsed.label === undefined)
    throw new UsageError(`--data ${parsed.data}: a CSV needs --label COLUMN (the class column)`);
  return csvData(parsed.data, parsed.label, seed);
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'convert') return convert(argv.slice(1), io);
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    io.stderr(`lamina: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    await checkWritable(parsed.out);
  } catch (e) {
    io.stderr(`lamina: --out ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const data = await loadData(parsed);
    io.stdout(`lamina study: ${data.description}\n`);
    const model =
      parsed.model === undefined
        ? undefined
        : await (await import('../saving/index.js')).loadModel(parsed.model, { compile: false });
    if (model !== undefined) io.stdout(`model: ${parsed.model} ('${model.name}')\n`);
    const result = await runStudy(data, {
      ...parsed.options,
      model,
      progress: parsed.quiet ? false : { write: io.stdout, isTTY: io.isTTY },
    });
    io.stdout(`\n${studyTable(result)}`);
    await writeFileAtomic(parsed.out, renderReport(result));
    io.stdout(`\nReport written to ${parsed.out}\n`);
    return 0;
  } catch (e) {
    io.stderr(`lamina: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly || process.argv[1]?.endsWith('/lamina') === true) {
  const code = await main(process.argv.slice(2), {
    stdout: quietOnClose(process.stdout),
    stderr: quietOnClose(process.stderr),
    isTTY: process.stdout.isTTY === true,
  });
  process.exitCode = code;
}

/**
 * A writer to `stream` that goes quiet once the reader has gone (`lamina study | head -1`:
 * EPIPE): the study still finishes and writes its report, without a stack trace about the
 * console it no longer has.
 */
function quietOnClose(stream: NodeJS.WriteStream): (s: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
  });
  return (s) => {
    if (open) stream.write(s);
  };
}
