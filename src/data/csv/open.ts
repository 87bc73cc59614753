/**
 * Where CSV bytes come from, as a stream of chunks: in Node a file path or `file://` URL through
 * a read stream; an http(s) URL, a `Request` or a `Response` through `fetch` and the body's
 * stream (Node and browsers); in a browser any path or URL is fetched.
 */
import { nodeBuiltin } from '../../platform/node.js';
import { LaminaError, LaminaTypeError } from '../../errors.js';

/** A file path or URL (string or URL object), a Request to fetch, or a fetched Response. */
export type CsvSource = string | URL | Request | Response;

const isNode =
  typeof process !== 'undefined' &&
  typeof (process as { versions?: { node?: string } }).versions?.node === 'string';

export function describeSource(source: CsvSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  return source.url === '' ? 'a Response' : source.url;
}

export function checkSource(source: unknown, where: string): CsvSource {
  const ok =
    typeof source === 'string' ||
    source instanceof URL ||
    (typeof Request !== 'undefined' && source instanceof Request) ||
    (typeof Response !== 'undefined' && source instanceof Response);
  if (!ok) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: source must be a file path, a URL (string or URL), a Request or a Response, received ${source === null ? 'null' : typeof source}`,
    );
  }
  if (source === '')
    throw new LaminaTypeError('invalid-argument', `${where}: source is an empty string`);
  return source as CsvSource;
}

/** The bytes of `source`, chunk by chunk; stopping early releases the file or connection. */
export async function* openBytes(source: CsvSource, where: string): AsyncGenerator<Uint8Array> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    if (source instanceof Response) {
      if (source.bodyUsed) {
        throw new LaminaError(
          'io',
          `${where}: the Response body has already been read; a Response can be iterated once (pass its URL or a Request to read the data again)`,
        );
      }
      yield* bodyChunks(checked(source, where), where);
    } else {
      yield* bodyChunks(checked(await fetchOrThrow(source, source.url, where), where), where);
    }
    return;
  }
  const href = source instanceof URL ? source.href : source;
  // Outside Node everything goes through fetch (a file:// URL too, where the page may read it).
  if (!isNode || /^https?:\/\//i.test(href)) {
    yield* bodyChunks(checked(await fetchOrThrow(href, href, where), where), where);
    return;
  }
  yield* fileChunks(href, where);
}

async function fetchOrThrow(
  input: string | Request,
  url: string,
  where: string,
): Promise<Response> {
  try {
    return await fetch(input);
  } catch (e) {
    throw new LaminaError('io', `${where}: fetching ${url} failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function checked(response: Response, where: string): ReadableStream<Uint8Array> {
  if (!response.ok) {
    throw new LaminaError(
      'io',
      `${where}: fetching ${response.url || 'the Response'} answered ${response.status} ${response.statusText}`,
    );
  }
  if (response.body === null) throw new LaminaError('io', `${where}: the response has no body`);
  return response.body;
}

async function* bodyChunks(
  body: ReadableStream<Uint8Array>,
  where: string,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new LaminaError(
          'io',
          `${where}: reading the response failed: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // Stopped early: close the connection rather than download the rest. Not awaited: the
    // cancel of one branch of a tee (a cloned Response) settles only when both are cancelled.
    if (!finished) void reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function* fileChunks(pathOrUrl: string, where: string): AsyncGenerator<Uint8Array> {
  const { createReadStream } = await nodeBuiltin('fs', where);
  const { fileURLToPath } = await nodeBuiltin('url', where);
  const path = /^file:\/\//i.test(pathOrUrl) ? fileURLToPath(pathOrUrl) : pathOrUrl;
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (e) {
    throw new LaminaError('io', `${where}: cannot read '${path}': ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    stream.destroy();
  }
}
