/**
 * The package's version, written into saved models (`generatedBy`, Keras's `keras_version` of a
 * Lamina model). One constant, checked against package.json by test/build/version.test.ts,
 * because reading package.json at run time would need the file system in browsers.
 */
export const VERSION = '0.1.0';

/** How saved files name their writer. */
export const LIBRARY_VERSION = `lamina-nn ${VERSION}`;
