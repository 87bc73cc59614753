/**
 * Input pipelines in TensorFlow.js's tf.data style: `data.array`, `data.generator`, `data.csv`
 * (streamed), `data.zip`, and the `Dataset` transforms. Train on a dataset with
 * `model.fitDataset(dataset, { epochs })`.
 */
export { Dataset, type DataIterator } from './dataset.js';
export type { Batched } from './batch.js';
export { array, generator, zip, type IteratorFactory, type Zipped } from './sources.js';
export { csv, CSVDataset } from './csv/dataset.js';
export type {
  ColumnConfig,
  CsvConfig,
  CsvElement,
  CsvRow,
  CsvValue,
  LabeledCsvRow,
} from './csv/columns.js';
export type { CsvSource } from './csv/open.js';
