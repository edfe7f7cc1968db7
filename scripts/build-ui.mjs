// Builds the dashboard page: bundles src/dashboard/ui/main.ts with ECharts (no CDN: the page works
// offline) into src/dashboard/ui/build/, next to its HTML and CSS; copies the folder to dist/ when built.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ui = `${root}src/dashboard/ui/`;

export async function buildUi(outDir = `${ui}build`) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [`${ui}main.ts`],
    outfile: `${outDir}/app.js`,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  cpSync(`${ui}index.html`, `${outDir}/index.html`);
  cpSync(`${ui}app.css`, `${outDir}/app.css`);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildUi();
  if (existsSync(`${root}dist`)) cpSync(`${ui}build`, `${root}dist/dashboard/ui/build`, { recursive: true });
}
