/**
 * CSV options and the conversion of one record to a dataset element, as TensorFlow.js's
 * CSVDataset does it: numbers parsed with `Number()`, other text kept as strings, empty cells
 * taking the column's `default` (or refused when the column is `required` or a label, else
 * left undefined), and label columns gathered under `ys` with the rest under `xs`.
 */
import type { CsvRecord } from './records.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

export type CsvValue = number | string | undefined;
export type CsvRow = Record<string, CsvValue>;
/** The element when some column is a label (`isLabel`). */
export interface LabeledCsvRow {
  xs: CsvRow;
  ys: CsvRow;
}
export type CsvElement = CsvRow | LabeledCsvRow;

/** Per column of a config: 'label' for `isLabel: true`, 'maybe' for a boolean, else 'none'. */
type LabelKinds<Columns> = {
  [K in keyof Columns]: 'isLabel' extends keyof Columns[K]
    ? boolean extends Columns[K]['isLabel' & keyof Columns[K]]
      ? 'maybe'
      : Columns[K]['isLabel' & keyof Columns[K]] extends true
        ? 'label'
        : 'none'
    : 'none';
}[keyof Columns];

/** The element type `csv(source, config)` yields, as far as the config's type tells. */
export type CsvElementFor<C> = 'columnConfigs' extends keyof C
  ? 'maybe' extends LabelKinds<NonNullable<C['columnConfigs' & keyof C]>>
    ? CsvElement
    : 'label' extends LabelKinds<NonNullable<C['columnConfigs' & keyof C]>>
      ? LabeledCsvRow
      : CsvRow
  : CsvRow;

export interface ColumnConfig {
  /** An empty cell is an error (naming the line) rather than undefined. */
  required?: boolean;
  /** 'int32' floors numbers; 'bool' gives 1 for '1' or 'true' (any case), else 0; 'string' keeps the text. */
  dtype?: 'float32' | 'int32' | 'bool' | 'string';
  /** The value of an empty cell. */
  default?: number | string;
  /** The column goes to the element's `ys` (and must not be empty). */
  isLabel?: boolean;
}

export interface CsvConfig {
  /** The first line names the columns (default true). */
  hasHeader?: boolean;
  /** Column names; required without a header, must match the header's length with one. */
  columnNames?: readonly string[];
  columnConfigs?: Readonly<Record<string, ColumnConfig>>;
  /** Keep only the columns named in `columnConfigs`. */
  configuredColumnsOnly?: boolean;
  /** One character (default ','). */
  delimiter?: string;
  /** Fields are separated by any run of spaces or tabs. */
  delimWhitespace?: boolean;
}

const DTYPES = ['float32', 'int32', 'bool', 'string'] as const;

/** Checks the options before any byte is read. */
export function checkConfig(config: CsvConfig, where: string): void {
  if (typeof config !== 'object' || config === null)
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: the config must be an object, received ${String(config)}`,
    );
  const { delimiter, delimWhitespace, columnNames, columnConfigs } = config;
  if (delimiter !== undefined) {
    if (delimWhitespace === true)
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: pass delimiter or delimWhitespace, not both`,
      );
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: delimiter must be one character other than a quote or a line break, received ${showJson(delimiter)}`,
      );
    }
  }
  if (columnNames !== undefined) {
    if (!Array.isArray(columnNames) || !columnNames.every((n) => typeof n === 'string'))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: columnNames must be an array of strings`,
      );
    checkUnique(columnNames, where, 'columnNames');
  }
  if (config.hasHeader === false && columnNames === undefined)
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: columnNames are required when hasHeader is false`,
    );
  if (config.configuredColumnsOnly === true && columnConfigs === undefined)
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: configuredColumnsOnly needs columnConfigs`,
    );
  for (const [name, c] of Object.entries(columnConfigs ?? {})) {
    if (typeof c !== 'object' || c === null)
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: columnConfigs.${name} must be an object, received ${String(c)}`,
      );
    if (c.dtype !== undefined && !DTYPES.includes(c.dtype)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: columnConfigs.${name}.dtype must be one of ${DTYPES.join(', ')}, received ${String(c.dtype)}`,
      );
    }
    if (c.default !== undefined && typeof c.default !== 'number' && typeof c.default !== 'string') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: columnConfigs.${name}.default must be a number or a string, received ${typeof c.default}`,
      );
    }
  }
}

function checkUnique(names: readonly string[], where: string, what: string): void {
  const seen = new Set<string>();
  const dup = names.filter((n) => (seen.has(n) ? true : (seen.add(n), false)));
  if (dup.length > 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: duplicate column names in ${what}: ${dup.join(', ')}`,
    );
}

/** Final column names from the options and the header record (null without a header). */
export function resolveColumns(
  config: CsvConfig,
  header: CsvRecord | null,
  where: string,
): string[] {
  let names: readonly string[];
  if (config.columnNames !== undefined) {
    if (header !== null && header.fields.length !== config.columnNames.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: columnNames has ${config.columnNames.length} names but the header (line ${header.line}) has ${header.fields.length} columns`,
      );
    }
    names = config.columnNames;
  } else if (header !== null) {
    names = header.fields;
    checkUnique(names, where, `the header (line ${header.line})`);
  } else {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the data is empty: no header line was found`,
    );
  }
  const unknown = Object.keys(config.columnConfigs ?? {}).filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: columnConfigs names ${unknown.join(', ')}, which are not columns (${names.join(', ')})`,
    );
  }
  return [...names];
}

interface Column {
  name: string;
  index: number;
  config: ColumnConfig | undefined;
}

/** A function turning records into elements, planned once per iteration. */
export function elementMaker(
  names: readonly string[],
  config: CsvConfig,
  where: string,
): (record: CsvRecord) => CsvElement {
  const configs = config.columnConfigs ?? {};
  const columns: Column[] = names
    .map((name, index) => ({ name, index, config: configs[name] }))
    .filter((c) => config.configuredColumnsOnly !== true || c.config !== undefined);
  const features = columns.filter((c) => c.config?.isLabel !== true);
  const labels = columns.filter((c) => c.config?.isLabel === true);
  const fill = (row: CsvRow, cols: readonly Column[], record: CsvRecord): CsvRow => {
    for (const c of cols)
      row[c.name] = parseCell(record.fields[c.index] as string, c, record, where);
    return row;
  };
  return (record) => {
    if (record.fields.length !== names.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: line ${record.line} has ${record.fields.length} fields, expected ${names.length} (${names.join(', ')})`,
      );
    }
    if (labels.length === 0) return fill({}, features, record);
    return { xs: fill({}, features, record), ys: fill({}, labels, record) };
  };
}

function parseCell(text: string, column: Column, record: CsvRecord, where: string): CsvValue {
  const c = column.config;
  if (text === '') {
    if (c?.default !== undefined) return c.default;
    if (c?.required === true || c?.isLabel === true) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: line ${record.line}: the ${c.isLabel === true ? 'label' : 'required'} column '${column.name}' is empty (give it a default to fill empty cells)`,
      );
    }
    return undefined;
  }
  if (c?.dtype === 'string') return text;
  if (c?.dtype === 'bool') return text === '1' || text.toLowerCase() === 'true' ? 1 : 0;
  const value = Number(text);
  if (Number.isNaN(value)) return text;
  return c?.dtype === 'int32' ? Math.floor(value) : value;
}
