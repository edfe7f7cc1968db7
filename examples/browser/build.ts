// Builds the example page (examples/browser): bundles main.ts with tunekit, tfjs and ECharts (nothing from
// a CDN), and gathers what the page fetches: the digits as CSV and tfjs' .wasm files from its package.
// Run: npx tsx examples/browser/build.ts [PORT]   serves it on http://127.0.0.1:PORT (default 8080)
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The page's files by URL path. */
export async function buildExamplePage(): Promise<Record<string, string | Uint8Array>> {
  const bundle = await build({
    entryPoints: [join(here, 'main.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const wasm = Object.fromEntries(
    readdirSync(wasmDir)
      .filter((f) => f.endsWith('.wasm'))
      .map((f) => [`/wasm/${f}`, readFileSync(join(wasmDir, f))]),
  );
  return {
    '/index.html': readFileSync(join(here, 'index.html'), 'utf8'),
    '/app.js': bundle.outputFiles[0]!.text,
    '/digits.csv': gunzipSync(readFileSync(join(root, 'src/data/datasets/digits.csv.gz'))).toString('utf8'),
    ...wasm,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { servePages } = await import('../../src/storage/indexeddb/testing/page-server.js');
  const server = await servePages(await buildExamplePage(), Number(process.argv[2] ?? 8080));
  console.log(`example page: ${server.url}/ (Ctrl-C stops)`);
}
