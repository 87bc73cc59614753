/**
 * Reverse-mode differentiation. A function runs under a fresh tape that records the primitives
 * touching watched tensors; the tape is then walked backwards through the gradient table.
 * Gradient computations themselves are not recorded (no second-order gradients).
 */
import {
  isRecording,
  isTracked,
  newTape,
  recordCustom,
  withTape,
  type RecordedName,
  type Tape,
  type TapeNode,
} from '../engine/engine.js';
import { ones, zeros } from '../ops/creation.js';
import { add } from '../ops/elementwise.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor, Variable } from '../tensor/tensor.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';
import {
  gradients,
  MaxPoolGradTerm,
  PenaltyGradTerm,
  penaltyFolds,
  reluFolds,
  releaseUnlessReturned,
  type DeferredGrad,
  type GradContext,
  type GradFn,
  type PenaltyFold,
  type ReluFold,
} from './gradients/index.js';

function checkTensorArg(x: unknown, op: string, arg: string): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: ${arg} must be a Tensor, received ${typeof x}`,
    );
}

function checkOutput(y: unknown, op: string): asserts y is Tensor {
  if (!(y instanceof Tensor))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: the function must return a Tensor, received ${typeof y}`,
    );
  if (y.dtype !== 'float32')
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: the function must return a float32 tensor, received ${y.dtype}`,
    );
}

/**
 * Gradients of gradients are not supported: a tape opened while another records would silently
 * cut the outer graph, so it is refused (wrap an unrelated inner computation in noGrad).
 */
function assertNotNested(op: string): void {
  if (isRecording()) {
    throw new LaminaError(
      'unsupported',
      `${op}: called while another gradient is being recorded; nested (higher-order) gradients are not supported`,
    );
  }
}

type RuleResult = readonly (Tensor | DeferredGrad | null)[];

function ruleFor(node: TapeNode, ctx: GradContext<RecordedName>): RuleResult {
  if (node.primitive === 'Custom') {
    if (node.customGrad === null)
      throw new LaminaError('internal', 'customGrad: internal error: missing gradient function');
    return node.customGrad(ctx.dy);
  }
  // The node was recorded by its kernel, so its inputs and attributes are that rule's.
  const rule = gradients[node.primitive] as GradFn<RecordedName>;
  return rule(ctx);
}

/** A tensor's gradient so far: a tensor, or a deferred term not yet added to anything. */
type Partial = Tensor | DeferredGrad;

/** The sum of two contributions to one tensor's gradient; a deferred term is added in one pass. */
function accumulate(prev: Partial, g: Partial): Partial {
  if (prev instanceof Tensor) return g instanceof Tensor ? add(prev, g) : g.addTo(prev);
  return g instanceof Tensor ? prev.addTo(g) : g.addTo(prev.materialize());
}

function evaluated(g: Partial): Tensor {
  return g instanceof Tensor ? g : g.materialize();
}

/**
 * The node's relu fold (`gradients/relu-pool.ts`) where it applies: the node's output is a relu's
 * and its whole gradient is a pending max pooling gradient (the pooling is the output's only
 * reader on the tape).
 */
function applicableReluFold(
  node: TapeNode,
  contribution: Partial,
): { fold: ReluFold<RecordedName>; term: MaxPoolGradTerm } | null {
  if (node.primitive === 'Custom' || !(contribution instanceof MaxPoolGradTerm)) return null;
  if (contribution.x !== node.output) return null;
  const fold = reluFolds[node.primitive] as ReluFold<RecordedName> | undefined;
  if (fold === undefined || !fold.applies(node.attrs as GradContext<RecordedName>['attrs']))
    return null;
  return { fold, term: contribution };
}

/**
 * The node's penalty fold (`gradients/term.ts`) where it applies: the input it folds into wants
 * a gradient, appears once in the node and holds a pending penalty term of its own.
 */
function applicableFold(
  node: TapeNode,
  needs: readonly boolean[],
  grads: ReadonlyMap<number, Partial>,
): { fold: PenaltyFold<RecordedName>; term: PenaltyGradTerm } | null {
  if (node.primitive === 'Custom') return null;
  const fold = penaltyFolds[node.primitive] as PenaltyFold<RecordedName> | undefined;
  if (fold === undefined || needs[fold.input] !== true) return null;
  const x = node.inputs[fold.input] as Tensor;
  const term = grads.get(x.id);
  if (!(term instanceof PenaltyGradTerm) || term.x !== x) return null;
  if (node.inputs.indexOf(x) !== node.inputs.lastIndexOf(x)) return null;
  return { fold, term };
}

/**
 * Propagates `dy` from `y` back through the tape. Returns the gradient of every tracked tensor
 * reached, keyed by tensor id (tensors never reached are absent).
 */
function backward(tape: Tape, y: Tensor, dy: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Partial>([[y.id, dy]]);
  return withTape(null, () => {
    for (let i = tape.nodes.length - 1; i >= 0; i--) {
      const node = tape.nodes[i] as TapeNode;
      const contribution = grads.get(node.output.id);
      if (contribution === undefined || node.output.dtype !== 'float32') continue;
      const needs = node.inputs.map((x) => x.dtype === 'float32' && isTracked(tape, x));
      const relu = applicableReluFold(node, contribution);
      let inputGrads: RuleResult;
      let folding: ReturnType<typeof applicableFold> = null;
      if (relu !== null) {
        // The output's own gradient is never formed: the node's inputs take theirs from dz.
        grads.delete(node.output.id);
        const ctx = { inputs: node.inputs, attrs: node.attrs, output: node.output, needs } as Omit<
          GradContext<RecordedName>,
          'dy'
        >;
        const dz = relu.term.throughRelu();
        inputGrads = relu.fold.rule(ctx, dz);
        releaseUnlessReturned(dz, inputGrads);
      } else {
        const g = evaluated(contribution);
        if (g !== contribution) grads.set(node.output.id, g);
        const ctx = {
          dy: g,
          inputs: node.inputs,
          attrs: node.attrs,
          output: node.output,
          needs,
        } as GradContext<RecordedName>;
        folding = applicableFold(node, needs, grads);
        inputGrads = folding === null ? ruleFor(node, ctx) : folding.fold.rule(ctx, folding.term);
      }
      node.inputs.forEach((x, k) => {
        const gx = inputGrads[k];
        if (gx === null || gx === undefined || needs[k] !== true) return;
        if (!shapesEqual(gx.shape, x.shape)) {
          throw new LaminaError(
            'invalid-argument',
            `gradient of ${node.primitive}: input ${k} has shape ${formatShape(x.shape)} but its gradient has shape ${formatShape(gx.shape)}`,
          );
        }
        const prev = grads.get(x.id);
        // A fold's gradient already holds the input's pending term: it replaces the term.
        const folded = folding !== null && k === folding.fold.input;
        grads.set(x.id, prev === undefined || folded ? gx : accumulate(prev, gx));
      });
    }
    // Leaves (watched tensors, variables) hold their contributions as left: evaluate the terms.
    return new Map([...grads].map(([id, g]) => [id, evaluated(g)]));
  });
}

/** Drops the recorded graph so that tensors handed back (or kept by f) do not keep it alive. */
function release(tape: Tape): void {
  for (const node of tape.nodes) node.output.node = null;
}

function seed(y: Tensor, dy: Tensor | undefined, op: string): Tensor {
  if (dy === undefined) return ones(y.shape);
  checkTensorArg(dy, op, 'dy');
  if (dy.dtype !== 'float32')
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: dy must be a float32 tensor, received ${dy.dtype}`,
    );
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: dy must have the shape of f's output ${formatShape(y.shape)}, received ${formatShape(dy.shape)}`,
    );
  }
  return dy;
}

function gradOrZeros(grads: Map<number, Tensor>, x: Tensor): Tensor {
  return grads.get(x.id) ?? zeros(x.shape);
}

/** f(x) and df/dx (summed against `dy`, ones by default). */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    checkTensorArg(x, 'valueAndGrad', 'x');
    const { value, grads } = valueAndGrads((t: Tensor) => f(t))([x], dy);
    return { value, grad: grads[0] as Tensor };
  };
}

/** f(...xs) and the gradient with respect to each argument. */
export function valueAndGrads(
  f: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => {
    if (!Array.isArray(xs))
      throw new LaminaTypeError(
        'invalid-argument',
        'valueAndGrads: xs must be an array of tensors',
      );
    xs.forEach((x, i) => checkTensorArg(x, 'valueAndGrads', `xs[${i}]`));
    assertNotNested('valueAndGrads');
    const tape = newTape(xs, false);
    try {
      const value = withTape(tape, () => f(...xs));
      checkOutput(value, 'valueAndGrads');
      const grads = backward(tape, value, seed(value, dy, 'valueAndGrads'));
      return { value, grads: xs.map((x) => gradOrZeros(grads, x)) };
    } finally {
      release(tape);
    }
  };
}

export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  const g = valueAndGrad(f);
  return (x, dy) => g(x, dy).grad;
}

export function grads(
  f: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => Tensor[] {
  const g = valueAndGrads(f);
  return (xs, dy) => g(xs, dy).grads;
}

/**
 * The value of `f()` (a scalar) and its gradient with respect to `varList`, or to every
 * trainable variable `f` reads when no list is given. Gradients are keyed by variable name.
 */
export function variableGrads(
  f: () => Tensor,
  varList?: readonly Variable[],
): { value: Tensor; grads: Record<string, Tensor> } {
  const { value, pairs } = variableGradPairs(f, varList, 'variableGrads');
  const out: Record<string, Tensor> = {};
  for (const [g, v] of pairs) {
    if (Object.prototype.hasOwnProperty.call(out, v.name)) {
      throw new LaminaError(
        'invalid-argument',
        `variableGrads: two variables share the name '${v.name}'; give variables unique names`,
      );
    }
    out[v.name] = g;
  }
  return { value, grads: out };
}

/**
 * `variableGrads` keyed by the variables themselves: `[gradient, variable]` pairs, in the order
 * of `varList` or of first read.
 */
export function variableGradPairs(
  f: () => Tensor,
  varList: readonly Variable[] | undefined,
  op: string,
): { value: Tensor; pairs: [Tensor, Variable][] } {
  if (varList !== undefined) {
    varList.forEach((v, i) => {
      if (!(v instanceof Variable))
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: varList[${i}] must be a Variable, received ${typeof v}`,
        );
    });
  }
  assertNotNested(op);
  const tape = newTape(varList ?? [], varList === undefined);
  let g: Map<number, Tensor>;
  let value: Tensor;
  try {
    value = withTape(tape, f);
    checkOutput(value, op);
    if (value.rank !== 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: f must return a scalar, received shape ${formatShape(value.shape)}`,
      );
    // A trainable variable returned as is (read by no op) still counts as read.
    isTracked(tape, value);
    g = backward(tape, value, ones([]));
  } finally {
    release(tape);
  }
  const vars = varList ?? [...tape.variables];
  return { value, pairs: vars.map((v) => [gradOrZeros(g, v), v]) };
}

/**
 * Runs `f` without recording, unless a gradient is being taken: inference entry points
 * (`predict`) stay cheap but are differentiable inside `grads` / `variableGrads`.
 */
export function whenNotDifferentiating<T>(f: () => T): T {
  return isRecording() ? f() : noGrad(f);
}

/** Runs `f` without recording anything for gradients. */
export function noGrad<T>(f: () => T): T {
  return withTape(null, f);
}

export interface CustomGradResult {
  value: Tensor;
  /** Gradients with respect to each input of the wrapped function, given dL/dvalue. */
  gradFunc: (dy: Tensor) => Tensor | readonly Tensor[];
}

/**
 * Wraps `f` so that differentiation uses the supplied `gradFunc` instead of differentiating
 * through `f`'s body (as `tf.customGrad`).
 */
export function customGrad(
  f: (...inputs: Tensor[]) => CustomGradResult,
): (...inputs: Tensor[]) => Tensor {
  return (...inputs) => {
    inputs.forEach((x, i) => checkTensorArg(x, 'customGrad', `inputs[${i}]`));
    const result = noGrad(() => f(...inputs));
    if (!(result?.value instanceof Tensor) || typeof result.gradFunc !== 'function') {
      throw new LaminaTypeError(
        'invalid-argument',
        'customGrad: f must return { value: Tensor, gradFunc: (dy) => Tensor | Tensor[] }',
      );
    }
    return recordCustom(inputs, result.value, (dy) => {
      const g = result.gradFunc(dy);
      const list = g instanceof Tensor ? [g] : [...g];
      if (list.length !== inputs.length) {
        throw new LaminaRangeError(
          'invalid-argument',
          `customGrad: gradFunc returned ${list.length} gradients for ${inputs.length} inputs`,
        );
      }
      return list;
    });
  };
}
