/**
 * Builds the playground into a static folder (default playground/dist): index.html, style.css,
 * main.js (the page) and worker.js (the training worker), bundled by esbuild for browsers.
 * `lamina-nn` resolves to this repository's sources, with src/platform's browser variant swapped
 * in as the published package's browser map does for an app. Deploy the folder on any static host that sends
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`
 * (without them the page still works, single-threaded).
 *
 *   npm run build:playground [-- --out folder]
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..');

/**
 * Swaps src/platform/node.ts for src/platform/browser.ts. The package's `browser` map makes this
 * swap for dist/ only: the published package holds no src/, so the map may not name it.
 */
const browserPlatform: Plugin = {
  name: 'browser-platform',
  setup(build) {
    build.onResolve({ filter: /\/platform\/node\.js$/ }, (args) => {
      const resolved = resolve(args.resolveDir, args.path);
      if (resolved !== join(root, 'src/platform/node.js')) return undefined;
      return { path: join(root, 'src/platform/browser.ts') };
    });
  },
};

export function buildOptions(outDir: string, minify = true): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { main: join(here, 'src/main.ts'), worker: join(here, 'src/worker.ts') },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir: outDir,
    minify,
    sourcemap: true,
    alias: { 'lamina-nn': './src/index.ts' },
    plugins: [browserPlatform],
    logLevel: 'warning',
  };
}

/** Copies the static files next to the bundles. */
export function copyStatic(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const file of ['index.html', 'style.css'])
    copyFileSync(join(here, file), join(outDir, file));
}

export async function buildPlayground(outDir = join(here, 'dist'), minify = true): Promise<string> {
  const { build } = await import('esbuild');
  copyStatic(outDir);
  await build(buildOptions(outDir, minify));
  return outDir;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const out = at >= 0 ? resolve(process.argv[at + 1] ?? '') : join(here, 'dist');
  await buildPlayground(out);
  console.log(`playground built in ${out}`);
}
