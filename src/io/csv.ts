/**
 * Numeric CSV tables with errors that name the file, the line and the column: ragged rows,
 * cells that are not (decimal) numbers and missing columns are refused, never coerced.
 * `parseNumericCsv` reads text already in memory; `readNumericCsv` streams a file through the
 * RFC 4180 record reader of data/csv, holding only the values, never the text.
 */
import { openBytes } from '../data/csv/open.js';
import { csvRecords } from '../data/csv/records.js';
import { LaminaError } from '../errors.js';
import { showJson } from '../validation/options.js';

export interface NumericTable {
  /** Column names (from the header line, or 'column_<i>' without one). */
  columns: string[];
  rows: number;
  /** Row-major values, rows x columns. */
  values: Float64Array;
}

export interface CsvOptions {
  /** Name used in error messages (a path, or a description). */
  source?: string;
  /** Whether the first line holds column names (default: detected, true if any cell is not a number). */
  header?: boolean;
  separator?: string;
}

function splitLine(line: string, separator: string): string[] {
  // Quoted cells may hold the separator; doubled quotes stand for one.
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((s) => s.trim());
}

/**
 * Decimal numbers only: `Number()` alone would also read `0x1F`, `0b101`, `0o17` (and ''), which
 * in a data file are identifiers or typos, not values.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const isNumber = (s: string): boolean => DECIMAL.test(s) && Number.isFinite(Number(s));

export function parseNumericCsv(text: string, options: CsvOptions = {}): NumericTable {
  const source = options.source ?? 'CSV';
  const separator = options.separator ?? ',';
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new LaminaError('truncated-data', `${source}: the file is empty`);
  const first = splitLine(lines[0] as string, separator);
  const header = options.header ?? first.some((c) => !isNumber(c));
  const columns = header ? first : first.map((_, i) => `column_${i}`);
  const start = header ? 1 : 0;
  const rows = lines.length - start;
  if (rows === 0)
    throw new LaminaError('truncated-data', `${source}: the file has a header but no data rows`);
  const values = new Float64Array(rows * columns.length);
  for (let r = 0; r < rows; r++) {
    const lineNo = r + start + 1;
    const cells = splitLine(lines[r + start] as string, separator);
    if (cells.length !== columns.length) {
      throw new LaminaError(
        'corrupt-data',
        `${source}:${lineNo}: expected ${columns.length} columns (as line 1), received ${cells.length}`,
      );
    }
    cells.forEach((cell, c) => {
      if (!isNumber(cell)) {
        throw new LaminaError(
          'corrupt-data',
          `${source}:${lineNo}: column ${c + 1} ('${columns[c]}'): expected a number, received ${showJson(cell)}`,
        );
      }
      values[r * columns.length + c] = Number(cell);
    });
  }
  return { columns, rows, values };
}

const BLOCK = 1 << 16;

/**
 * Numbers appended in fixed-size blocks: a growing table is never copied while it grows (as a
 * doubling array is); `toArray` makes the one contiguous copy at the end.
 */
export class BlockArray<A extends Float32Array | Float64Array> {
  private readonly blocks: A[] = [];
  private current: A;
  private used = 0;
  length = 0;
  constructor(private readonly make: (size: number) => A) {
    this.current = make(BLOCK);
  }
  push(v: number): void {
    if (this.used === BLOCK) {
      this.blocks.push(this.current);
      this.current = this.make(BLOCK);
      this.used = 0;
    }
    this.current[this.used++] = v;
    this.length++;
  }
  toArray(): A {
    const out = this.make(this.length);
    this.blocks.forEach((b, i) => out.set(b, i * BLOCK));
    out.set(this.current.subarray(0, this.used), this.blocks.length * BLOCK);
    this.blocks.length = 0;
    return out;
  }
}

export interface NumericRow {
  columns: readonly string[];
  /** The row's values, in column order; the same array is refilled for the next row. */
  values: Float64Array;
  /** The line of the file where the row starts. */
  line: number;
}

/**
 * The rows of a numeric CSV file (Node: a path or file:// URL), streamed: the text is read in
 * 64 KiB chunks and parsed record by record (RFC 4180 quoting) by data/csv's reader, so memory
 * holds one row, never the file. Blank lines are skipped; errors name the file's line.
 */
export async function* numericCsvRows(
  path: string,
  options: CsvOptions = {},
): AsyncGenerator<NumericRow> {
  const source = options.source ?? path;
  const syntax = { delimiter: options.separator ?? ',', delimWhitespace: false };
  let columns: string[] | null = null;
  let values = new Float64Array(0);
  let rows = 0;
  for await (const record of csvRecords(openBytes(path, source), syntax, source)) {
    const cells = record.fields.map((f) => f.trim());
    if (columns === null) {
      const header = options.header ?? cells.some((c) => !isNumber(c));
      columns = header ? cells : cells.map((_, i) => `column_${i}`);
      values = new Float64Array(columns.length);
      if (header) continue;
    }
    if (cells.length !== columns.length) {
      throw new LaminaError(
        'corrupt-data',
        `${source}:${record.line}: expected ${columns.length} columns (as line 1), received ${cells.length}`,
      );
    }
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c] as string;
      if (!isNumber(cell)) {
        throw new LaminaError(
          'corrupt-data',
          `${source}:${record.line}: column ${c + 1} ('${columns[c]}'): expected a number, received ${showJson(cell)}`,
        );
      }
      values[c] = Number(cell);
    }
    rows++;
    yield { columns, values, line: record.line };
  }
  if (columns === null) throw new LaminaError('truncated-data', `${source}: the file is empty`);
  if (rows === 0)
    throw new LaminaError('truncated-data', `${source}: the file has a header but no data rows`);
}

/** `parseNumericCsv` of a file, streamed (`numericCsvRows`): memory holds the values only. */
export async function readNumericCsv(
  path: string,
  options: CsvOptions = {},
): Promise<NumericTable> {
  const values = new BlockArray((n) => new Float64Array(n));
  let columns: readonly string[] = [];
  let rows = 0;
  for await (const row of numericCsvRows(path, options)) {
    columns = row.columns;
    for (const v of row.values) values.push(v);
    rows++;
  }
  return { columns: [...columns], rows, values: values.toArray() };
}
