/**
 * `lamina convert IN OUT`: a model from any format Lamina reads to any it writes, without Python.
 *   IN:  a `.keras` archive, a legacy whole-model `.h5`, a TensorFlow.js model (folder or
 *        model.json with its shards), or Keras JSON (`model.to_json()`) with `--weights FILE`
 *        (`.weights.h5`, legacy `.h5`, `.keras`, or a TensorFlow.js model).
 *   OUT: `.keras` (Keras 3), `.weights.h5` (Keras 3 weights only), or else the TensorFlow.js
 *        Layers format (a folder, or a path ending in .json).
 */
import { nodeBuiltin } from '../platform/node.js';
import { LaminaError } from '../errors.js';
import type { Model } from '../models/model.js';
import { loadModel, loadWeights, modelFromJSON, saveModel } from '../saving/index.js';

export const CONVERT_USAGE = `Usage: lamina convert IN OUT [--weights FILE] [--quiet]

Converts a model between Keras 3 (.keras), legacy Keras (.h5, read only), Keras JSON + weights
and the TensorFlow.js Layers format (model.json + shards). The output format follows OUT:
  *.keras        Keras 3 archive (with the compile config and optimizer state, if any)
  *.weights.h5   Keras 3 weights only
  otherwise      TensorFlow.js Layers format (a folder, or a path ending in .json)
Options:
  --weights FILE  weights for an IN that is Keras JSON (model.to_json()): .weights.h5, .h5,
                  .keras or a TensorFlow.js model
  --quiet         no progress output
`;

export interface ConvertIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

interface ConvertArgs {
  input: string;
  output: string;
  weights: string | undefined;
  quiet: boolean;
}

function parseConvertArgs(argv: readonly string[]): ConvertArgs | string {
  const positional: string[] = [];
  let weights: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--weights') {
      weights = argv[++i];
      if (weights === undefined || weights === '') return '--weights expects a file';
    } else if (arg === '--quiet') quiet = true;
    else if (arg.startsWith('-')) return `unknown option '${arg}'`;
    else positional.push(arg);
  }
  if (positional.length !== 2)
    return `expected IN and OUT, received ${positional.length} path${positional.length === 1 ? '' : 's'}`;
  return { input: positional[0] as string, output: positional[1] as string, weights, quiet };
}

/** Keras JSON (`to_json()`) rather than a TensorFlow.js model.json (which has modelTopology). */
async function isKerasJson(path: string): Promise<boolean> {
  if (!path.endsWith('.json')) return false;
  const fs = await nodeBuiltin('fs/promises', 'lamina convert');
  const head = (await fs.readFile(path, 'utf8')).slice(0, 1 << 20);
  return !head.includes('"modelTopology"') && !head.includes('"weightsManifest"');
}

async function readModel(args: ConvertArgs): Promise<Model> {
  if (await isKerasJson(args.input)) {
    if (args.weights === undefined)
      throw new LaminaError(
        'no-topology',
        `${args.input} is Keras JSON (an architecture without weights): pass --weights FILE`,
      );
    const fs = await nodeBuiltin('fs/promises', 'lamina convert');
    const model = modelFromJSON(await fs.readFile(args.input, 'utf8'));
    await loadWeights(model, args.weights);
    return model;
  }
  if (args.weights !== undefined)
    throw new LaminaError(
      'invalid-config',
      `--weights is for Keras JSON input; ${args.input} holds its own weights`,
    );
  return loadModel(args.input);
}

const formatOf = (path: string): string =>
  /\.keras$/i.test(path)
    ? 'Keras 3 archive'
    : /\.weights\.h5$/i.test(path)
      ? 'Keras 3 weights'
      : /\.(h5|hdf5)$/i.test(path)
        ? 'legacy Keras HDF5'
        : 'TensorFlow.js Layers';

/** Runs `lamina convert`; returns the exit code. */
export async function convert(argv: readonly string[], io: ConvertIO): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(CONVERT_USAGE);
    return 0;
  }
  const args = parseConvertArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`lamina convert: ${args}\n\n${CONVERT_USAGE}`);
    return 2;
  }
  const say = (s: string): void => {
    if (!args.quiet) io.stdout(s);
  };
  try {
    say(
      `Reading ${args.input}${args.weights === undefined ? '' : ` with weights ${args.weights}`}...\n`,
    );
    const model = await readModel(args);
    const params = model.countParams();
    say(`Writing ${args.output} (${formatOf(args.output)})...\n`);
    const result = await saveModel(model, args.output);
    const bytes = result.modelArtifactsInfo.weightDataBytes ?? 0;
    const optimizer = model.compiled?.optimizer;
    io.stdout(
      `Converted ${args.input} -> ${args.output}: model '${model.name}' (${model.className}), ${model.layers.length} layers, ${params} parameters, ${formatOf(args.output)}, ${bytes} bytes${optimizer === undefined ? '' : `, compiled (${optimizer.className}, optimizer state after ${optimizer.iterations} steps)`}\n`,
    );
    return 0;
  } catch (e) {
    io.stderr(`lamina convert: ${(e as Error).message}\n`);
    return 1;
  }
}
