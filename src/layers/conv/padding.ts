/** ZeroPadding2D (channels last), after Keras 3. */
import { pad } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { checkRank, singleInput } from '../base/args.js';
import { layerWhere } from './conv.js';
import {
  checkDataFormat,
  checkRank4,
  normalizeTuple,
  type DataFormat,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from './util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

export interface ZeroPadding2DArgs extends LayerArgs {
  /**
   * A number (all four sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]].
   * Default 1.
   */
  padding?: number | readonly [number, number] | readonly [readonly number[], readonly number[]];
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
}

/** Pads height and width with zeros: [batch, h, w, c] -> [batch, top+h+bottom, left+w+right, c]. */
export class ZeroPadding2D extends Layer {
  static override className = 'ZeroPadding2D';
  static override readonly argKeys: readonly string[] = layerArgKeys<ZeroPadding2DArgs>({
    padding: true,
    dataFormat: true,
  });
  /** [[top, bottom], [left, right]]. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    const where = layerWhere(this);
    const p: unknown = args.padding ?? 1;
    let rows: number[];
    let cols: number[];
    if (typeof p === 'number') {
      rows = cols = normalizeTuple(p, 2, 'padding', where, true);
    } else if (Array.isArray(p) && p.length === 2 && p.every((e) => typeof e === 'number')) {
      const [h, w] = normalizeTuple(p, 2, 'padding', where, true) as [number, number];
      rows = [h, h];
      cols = [w, w];
    } else if (Array.isArray(p) && p.length === 2 && p.every((e) => Array.isArray(e))) {
      rows = normalizeTuple(p[0], 2, 'padding', where, true);
      cols = normalizeTuple(p[1], 2, 'padding', where, true);
    } else {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: Invalid value for argument padding: expected a non-negative integer, a tuple of 2 of them, or a tuple of 2 tuples of 2 ([[top, bottom], [left, right]]). Received: padding=${showJson(p)}`,
      );
    }
    this.padding = [
      [rows[0] as number, rows[1] as number],
      [cols[0] as number, cols[1] as number],
    ];
    this.dataFormat = checkDataFormat(args.dataFormat, where);
  }

  call(inputs: LayerTensors): Tensor {
    const where = layerWhere(this);
    const x = toChannelsLast(singleInput(inputs, where), this.dataFormat);
    checkRank(x, 4, where);
    return fromChannelsLast(
      pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]),
      this.dataFormat,
    );
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = layerWhere(this);
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    checkRank4(s, where);
    const grow = (
      d: number | null | undefined,
      [a, b]: readonly [number, number],
    ): number | null => (d === null || d === undefined ? null : d + a + b);
    return shapeFromChannelsLast(
      [s[0] ?? null, grow(s[1], this.padding[0]), grow(s[2], this.padding[1]), s[3] ?? null],
      this.dataFormat,
    );
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      padding: [[...this.padding[0]], [...this.padding[1]]],
      data_format: this.dataFormat,
    };
  }
}
registerLayer(ZeroPadding2D);
