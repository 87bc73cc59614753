/**
 * What the headless-Chromium tests share: finding Chromium on PATH (never downloading one),
 * building the package (dist/) into a temporary folder, serving it and the test pages from a
 * `node:http` server on 127.0.0.1 (ephemeral port), and reading back what a page left in
 * `window.__result`. A page is served either cross-origin isolated (COOP `same-origin` + COEP
 * `require-corp`, which shared WebAssembly memory and so the thread pool need) or without those
 * headers. Every file is same-origin, so no `Cross-Origin-Resource-Policy` header is needed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, normalize } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = join(dir, name);
      if (dir !== '' && existsSync(p)) return p;
    }
  }
  return null;
}

/** A file the page downloaded: the name it suggested and the bytes. */
export interface Download {
  name: string;
  bytes: Uint8Array;
}

/**
 * What a page stored in `window.__result`, plus the uncaught errors the page reported and the
 * files it downloaded.
 */
export interface PageRun {
  result: Record<string, unknown>;
  errors: string[];
  downloads: Download[];
}

export interface PageOptions {
  /** Serve the page with COOP/COEP (default true). */
  isolated?: boolean;
  /** How long to wait for `window.__result` (ms). */
  timeout?: number;
  /** Wait (as long as `timeout`) until the page has downloaded this many files (default 0). */
  downloads?: number;
}

export interface ChromiumOptions {
  /** Build dist/ first (default true; a page that bundles its own code needs no dist/). */
  build?: boolean;
  /** More files to serve, by URL path (e.g. `/vendor/tf.min.js`), from these paths on disk. */
  assets?: Record<string, string>;
}

export interface BrowserSession {
  /**
   * Serves `html` at a fresh path next to `dist/`, opens it in a new tab and returns what it left
   * in `window.__result` (set it in a `finally`, errors included, so that a failure is not a
   * timeout).
   */
  run(html: string, options?: PageOptions): Promise<PageRun>;
  /** The folder holding the `dist/` built for this session (the package's compiled code). */
  readonly buildDir: string;
  /**
   * Serves every file under `dir` at `/<name>/...`, cross-origin isolated, and returns that
   * folder's URL (with a trailing slash).
   */
  serve(name: string, dir: string): string;
  /**
   * Opens `url` in a new tab, collecting uncaught errors and console errors in `errors`; the
   * caller closes the page.
   */
  open(url: string, options?: { width?: number; height?: number }): Promise<OpenPage>;
}

export interface OpenPage {
  page: Page;
  errors: string[];
}

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** The headers that make a document cross-origin isolated. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Builds dist/, starts the server and Chromium, runs `body`, and cleans up. Skips the test,
 * saying so, when there is no Chromium on PATH.
 */
export async function withChromium(
  t: TestContext,
  body: (session: BrowserSession) => Promise<void>,
  { assets = {}, build = true }: ChromiumOptions = {},
): Promise<void> {
  const executablePath = findChromium();
  if (executablePath === null) {
    t.skip('no Chromium on PATH (apt-get install chromium)');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'lamina-browser-'));
  const pages = new Map<string, { html: string; isolated: boolean }>();
  const folders = new Map<string, string>();
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const [, name = '', ...rest] = path.split('/');
    const folder = folders.get(name);
    if (folder !== undefined) {
      const file = join(
        folder,
        ...rest,
        rest.length === 0 || path.endsWith('/') ? 'index.html' : '',
      );
      if (file.startsWith(folder) && existsSync(file) && statSync(file).isFile())
        res
          .writeHead(200, {
            ...ISOLATION,
            'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          })
          .end(readFileSync(file));
      else res.writeHead(404).end();
      return;
    }
    const page = pages.get(path);
    if (page !== undefined) {
      res
        .writeHead(200, { ...(page.isolated ? ISOLATION : {}), 'Content-Type': 'text/html' })
        .end(page.html);
      return;
    }
    const asset = assets[path];
    if (asset !== undefined) {
      res
        .writeHead(200, { 'Content-Type': TYPES[extname(asset)] ?? 'application/octet-stream' })
        .end(readFileSync(asset));
      return;
    }
    // The two runtime dependencies, which pages map with an import map (as a bundler would).
    const dependency = /^\/node_modules\/(fflate|h5wasm)\//.test(path);
    const base = dependency ? REPOSITORY : root;
    const file = join(base, path);
    if ((path.startsWith('/dist/') || dependency) && file.startsWith(base) && existsSync(file)) {
      res
        .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    } else {
      res.writeHead(404).end();
    }
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    if (build)
      execFileSync(
        process.execPath,
        [tsc, '-p', 'tsconfig.build.json', '--outDir', join(root, 'dist')],
        { stdio: 'pipe' },
      );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await body({
      buildDir: root,
      serve(name, dir) {
        folders.set(name, dir);
        return `http://127.0.0.1:${port}/${name}/`;
      },
      async open(url, { width = 1280, height = 800 } = {}) {
        const page = await browser.newPage({ viewport: { width, height } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await page.goto(url);
        return { page, errors };
      },
      async run(html, { isolated = true, timeout = 20_000, downloads: expected = 0 } = {}) {
        const path = `/page-${pages.size}.html`;
        pages.set(path, { html, isolated });
        const page = await browser.newPage({ acceptDownloads: true });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        const saved: Promise<Download>[] = [];
        page.on('download', (d) => {
          saved.push(
            d.path().then((file) => ({
              name: d.suggestedFilename(),
              // A copy: a Buffer may be a view into a shared pool.
              bytes: new Uint8Array(readFileSync(file)),
            })),
          );
        });
        try {
          await page.goto(`http://127.0.0.1:${port}${path}`);
          await page.waitForFunction(
            () => (window as unknown as { __result?: unknown }).__result !== undefined,
            undefined,
            { timeout },
          );
          const result = (await page.evaluate(
            () => (window as unknown as { __result: unknown }).__result,
          )) as Record<string, unknown>;
          // Download events can arrive after the page has written its result.
          const deadline = Date.now() + timeout;
          while (saved.length < expected && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 50));
          return { result, errors, downloads: await Promise.all(saved) };
        } finally {
          await page.close();
        }
      },
    });
  } finally {
    await browser.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
