/**
 * `npm run playground`: builds the playground (rebuilding when a file changes) and serves it on
 * 127.0.0.1 with the headers that make the page cross-origin isolated, so that Lamina's wasm
 * backend can use threads. Port from `--port N` or `PORT`, default 8080.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOptions, copyStatic } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

function port(): number {
  const at = process.argv.indexOf('--port');
  const raw = at >= 0 ? process.argv[at + 1] : process.env.PORT;
  if (raw === undefined) return 8080;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new RangeError(
      `playground: expected a port from 0 to 65535 (--port or PORT), received ${JSON.stringify(raw)}`,
    );
  return n;
}

const out = fileURLToPath(new URL('./dist/', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const { context } = await import('esbuild');
copyStatic(out);
const ctx = await context({
  ...buildOptions(out, false),
  // index.html and style.css are copied again on every rebuild.
  plugins: [
    ...(buildOptions(out, false).plugins ?? []),
    { name: 'static', setup: (b) => b.onEnd(() => copyStatic(out)) },
  ],
});
await ctx.watch();

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent((req.url ?? '/').split(/[?#]/)[0] ?? '/'));
  const file = join(out, path.endsWith('/') ? `${path}index.html` : path);
  if (!file.startsWith(out) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    return;
  }
  res
    .writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    })
    .end(readFileSync(file));
});
server.listen(port(), '127.0.0.1', () => {
  const address = server.address();
  const p = typeof address === 'object' && address !== null ? address.port : port();
  console.log(
    `Lamina playground: http://127.0.0.1:${p}/ (serving ${here}dist, rebuilt on change; Ctrl-C stops)`,
  );
});
