/** The base of the merge layers: a list of inputs, validated by count and shape. */
import { expandDims } from '../../ops/movement.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isShapeList, Layer, type LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

const describe = (shapes: readonly SymbolicShape[]): string =>
  `[${shapes.map(formatSymbolicShape).join(', ')}]`;

/** Abstract layer taking a list of tensors. */
export abstract class MultiInputLayer extends Layer {
  /** Allowed input counts: [min, max]. */
  protected inputCount: readonly [number, number] = [2, Infinity];

  protected get where(): string {
    return `${this.className} '${this.name}'`;
  }

  private countError(received: string): Error {
    const [min, max] = this.inputCount;
    const want = min === max ? `exactly ${min}` : `at least ${min}`;
    return new LaminaTypeError(
      'invalid-argument',
      `${this.where}: ${/^[AEIOU]/.test(this.className) ? 'An' : 'A'} \`${this.className}\` layer should be called on a list of ${want} inputs. Received: ${received}`,
    );
  }

  /** The input shapes as a checked list. */
  protected shapeList(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape[] {
    if (!isShapeList(inputShape)) {
      throw this.countError(`a single input of shape ${formatSymbolicShape(inputShape)}`);
    }
    this.checkCount(inputShape);
    return inputShape;
  }

  /** The input tensors as a checked list. */
  protected tensorList(inputs: LayerTensors): Tensor[] {
    if (inputs instanceof Tensor) {
      throw this.countError(`a single tensor of shape ${formatShape(inputs.shape)}`);
    }
    this.checkCount(inputs.map((t) => t.shape));
    return inputs;
  }

  private checkCount(shapes: readonly SymbolicShape[]): void {
    const [min, max] = this.inputCount;
    if (shapes.length < min || shapes.length > max) {
      throw this.countError(`${shapes.length} inputs with shapes ${describe(shapes)}`);
    }
    for (const s of shapes) {
      if (s.length === 0) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: inputs need a batch dimension, received shapes ${describe(shapes)}`,
        );
      }
    }
  }

  /** The common batch size (null if unknown); different known sizes are an error. */
  protected batchSize(shapes: readonly SymbolicShape[]): number | null {
    const sizes = new Set(
      shapes.map((s) => s[0]).filter((d): d is number => typeof d === 'number'),
    );
    if (sizes.size > 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Cannot merge tensors with different batch sizes. Received tensors with shapes ${describe(shapes)}`,
      );
    }
    return sizes.size === 1 ? ([...sizes][0] as number) : null;
  }
}

/**
 * Elementwise merges (Add, Multiply...). Inputs broadcast along their non-batch dimensions: a
 * lower-rank input gets size-1 dimensions inserted after its batch dimension (as Keras).
 */
export abstract class ElementwiseMerge extends MultiInputLayer {
  protected abstract merge(inputs: Tensor[]): Tensor;

  /** Keras's elementwise output shape; throws on incompatible shapes. */
  protected mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const batch = this.batchSize(shapes);
    let out: SymbolicShape = (shapes[0] as SymbolicShape).slice(1);
    for (const s of shapes.slice(1)) out = this.combine(out, s.slice(1), shapes);
    return [batch, ...out];
  }

  private combine(
    a: SymbolicShape,
    b: SymbolicShape,
    all: readonly SymbolicShape[],
  ): SymbolicShape {
    const [long, short] = a.length >= b.length ? [a, b] : [b, a];
    const lead = long.length - short.length;
    const out: (number | null)[] = long.slice(0, lead);
    short.forEach((j, k) => {
      const i = long[lead + k] as number | null;
      if (i === null || j === null) out.push(null);
      else if (i === 1) out.push(j);
      else if (j === 1 || i === j) out.push(i);
      else {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: Inputs have incompatible shapes. Received shapes ${describe(all)} (non-batch dimensions ${formatSymbolicShape(a)} and ${formatSymbolicShape(b)})`,
        );
      }
    });
    return out;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.mergedShape(this.shapeList(inputShape));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.mergedShape(this.shapeList(inputShape));
  }

  call(inputs: LayerTensors): Tensor {
    const xs = this.tensorList(inputs);
    this.mergedShape(xs.map((x) => x.shape));
    const rank = Math.max(...xs.map((x) => x.rank));
    const aligned = xs.map((x) => {
      let y = x;
      while (y.rank < rank) y = expandDims(y, 1);
      return y;
    });
    return this.merge(aligned);
  }
}
