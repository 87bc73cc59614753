import type * as fs from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import type * as path from 'node:path';
import type * as crypto from 'node:crypto';
import type * as url from 'node:url';
import type * as zlib from 'node:zlib';

/** The Node built-in modules Lamina uses, by the name after `node:` (types only). */
export interface NodeBuiltins {
  fs: typeof fs;
  'fs/promises': typeof fsPromises;
  path: typeof path;
  crypto: typeof crypto;
  url: typeof url;
  zlib: typeof zlib;
}
