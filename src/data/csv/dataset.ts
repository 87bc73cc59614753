/**
 * `data.csv(source, config)`: a dataset of CSV rows, streamed from a file or over `fetch` at
 * each iteration, so a file of any size is read in constant memory.
 */
import { Dataset } from '../dataset.js';
import {
  checkConfig,
  elementMaker,
  resolveColumns,
  type CsvConfig,
  type CsvElement,
  type CsvElementFor,
} from './columns.js';
import { checkSource, describeSource, openBytes, type CsvSource } from './open.js';
import { csvRecords, type CsvRecord, type FieldSyntax } from './records.js';

function syntaxOf(config: CsvConfig): FieldSyntax {
  return { delimiter: config.delimiter ?? ',', delimWhitespace: config.delimWhitespace === true };
}

export class CSVDataset<E extends CsvElement = CsvElement> extends Dataset<E> {
  private readonly csvSource: CsvSource;
  private readonly config: CsvConfig;

  constructor(source: CsvSource, config: CsvConfig = {}) {
    const where = `data.csv(${describeSource(checkSource(source, 'data.csv'))})`;
    checkConfig(config, where);
    const syntax = syntaxOf(config);
    const hasHeader = config.hasHeader !== false;
    super(async function* () {
      const records = csvRecords(openBytes(source, where), syntax, where);
      let toElement: ((r: CsvRecord) => CsvElement) | null = null;
      if (!hasHeader) toElement = elementMaker(resolveColumns(config, null, where), config, where);
      for await (const record of records) {
        if (toElement === null) {
          toElement = elementMaker(resolveColumns(config, record, where), config, where);
          continue;
        }
        yield toElement(record) as E;
      }
      if (toElement === null) resolveColumns(config, null, where); // throws: no header line
    });
    this.csvSource = source;
    this.config = config;
  }

  /**
   * The names of the columns the elements carry (only the configured ones with
   * `configuredColumnsOnly`); reads the header line when the names are not given.
   */
  async columnNames(): Promise<string[]> {
    const where = `data.csv(${describeSource(this.csvSource)}).columnNames`;
    let names: string[];
    if (this.config.columnNames !== undefined) {
      names = resolveColumns(this.config, null, where);
    } else {
      // A Response is read through a clone, so that the dataset can still be iterated once.
      const source =
        typeof Response !== 'undefined' && this.csvSource instanceof Response
          ? this.csvSource.clone()
          : this.csvSource;
      const syntax = syntaxOf(this.config);
      let header: CsvRecord | null = null;
      for await (const record of csvRecords(openBytes(source, where), syntax, where)) {
        header = record;
        break;
      }
      names = resolveColumns(this.config, header, where);
    }
    // TensorFlow.js lists the configured columns in the order of columnConfigs.
    return this.config.configuredColumnsOnly === true
      ? Object.keys(this.config.columnConfigs ?? {})
      : names;
  }
}

/**
 * A dataset of the rows of a CSV file: `{ column: value }`, or `{ xs, ys }` when some column is
 * a label. `source` is a file path or `file://` URL (Node), an http(s) URL, a Request or a
 * Response. The element type follows from a literal config (`isLabel: true` gives
 * `LabeledCsvRow`); a config whose labels are not known when compiling gives the union.
 */
export function csv<const C extends CsvConfig = Record<never, never>>(
  source: CsvSource,
  config?: C,
): CSVDataset<CsvElementFor<C>> {
  return new CSVDataset<CsvElementFor<C>>(source, config ?? {});
}
