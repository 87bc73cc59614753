/**
 * CSV text to records, streamed: bytes are decoded as UTF-8 chunk by chunk, split into lines
 * (LF or CRLF), and each record's fields parsed as RFC 4180 says: a field that starts with a
 * quote runs to the closing quote, may hold delimiters, line breaks and doubled quotes (one
 * quote in the value). Blank lines between records are skipped. Only the current record is
 * held in memory, never the file.
 */
import { LaminaRangeError } from '../../errors.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line number where the record starts, for error messages. */
  line: number;
}

export interface FieldSyntax {
  delimiter: string;
  /** Any run of spaces and tabs separates fields (TensorFlow.js's `delimWhitespace`). */
  delimWhitespace: boolean;
}

const QUOTE = 34; // "

/**
 * The fields of one record, or null when a quoted field is still open at the end of `text`
 * (the record continues on the next line). Throws on text after a closing quote.
 */
export function parseFields(
  text: string,
  syntax: FieldSyntax,
  describe: () => string,
): string[] | null {
  const fields: string[] = [];
  const isDelimiter = syntax.delimWhitespace
    ? (c: string | undefined) => c === ' ' || c === '\t'
    : (c: string | undefined) => c === syntax.delimiter;
  let i = 0;
  if (syntax.delimWhitespace) {
    text = text.trimEnd();
    while (isDelimiter(text[i])) i++;
  }
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return null;
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < text.length && !isDelimiter(text[i])) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${describe()}: unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length + 1} (a quote inside a quoted field is written twice: "")`,
        );
      }
      fields.push(value);
    } else {
      let end = i;
      while (end < text.length && !isDelimiter(text[end])) end++;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return fields;
    i++; // the delimiter
    if (syntax.delimWhitespace) while (isDelimiter(text[i])) i++;
    else if (i === text.length) {
      fields.push(''); // a trailing delimiter ends with an empty field
      return fields;
    }
  }
}

/** Lines of UTF-8 text from byte chunks, without their LF or CRLF. */
export async function* decodeLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      yield text.charCodeAt(nl - 1) === 13 && nl > start
        ? text.slice(start, nl - 1)
        : text.slice(start, nl);
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry.length > 0) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

/** Records from byte chunks; a record whose quoted field spans lines is joined with '\n'. */
export async function* csvRecords(
  chunks: AsyncIterable<Uint8Array>,
  syntax: FieldSyntax,
  where: string,
): AsyncGenerator<CsvRecord> {
  let lineNumber = 0;
  let open: { text: string; line: number } | null = null;
  for await (const line of decodeLines(chunks)) {
    lineNumber++;
    if (open === null && line.length === 0) continue;
    const record: { text: string; line: number } =
      open === null
        ? { text: line, line: lineNumber }
        : { text: `${open.text}\n${line}`, line: open.line };
    const fields = parseFields(record.text, syntax, () => `${where}: line ${record.line}`);
    if (fields === null) {
      open = record;
      continue;
    }
    open = null;
    yield { fields, line: record.line };
  }
  if (open !== null) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the quoted field opened on line ${open.line} is never closed (end of data)`,
    );
  }
}
