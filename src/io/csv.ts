/**
 * Numeric CSV tables with errors that name the file, the line and the column: ragged rows,
 * cells that are not numbers and missing columns are refused, never coerced.
 */

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

const isNumber = (s: string): boolean => s !== '' && Number.isFinite(Number(s));

export function parseNumericCsv(text: string, options: CsvOptions = {}): NumericTable {
  const source = options.source ?? 'CSV';
  const separator = options.separator ?? ',';
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new Error(`${source}: the file is empty`);
  const first = splitLine(lines[0] as string, separator);
  const header = options.header ?? first.some((c) => !isNumber(c));
  const columns = header ? first : first.map((_, i) => `column_${i}`);
  const start = header ? 1 : 0;
  const rows = lines.length - start;
  if (rows === 0) throw new Error(`${source}: the file has a header but no data rows`);
  const values = new Float64Array(rows * columns.length);
  for (let r = 0; r < rows; r++) {
    const lineNo = r + start + 1;
    const cells = splitLine(lines[r + start] as string, separator);
    if (cells.length !== columns.length) {
      throw new Error(
        `${source}:${lineNo}: expected ${columns.length} columns (as line 1), received ${cells.length}`,
      );
    }
    cells.forEach((cell, c) => {
      if (!isNumber(cell)) {
        throw new Error(
          `${source}:${lineNo}: column ${c + 1} ('${columns[c]}'): expected a number, received ${JSON.stringify(cell)}`,
        );
      }
      values[r * columns.length + c] = Number(cell);
    });
  }
  return { columns, rows, values };
}
