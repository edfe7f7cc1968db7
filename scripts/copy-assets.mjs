// Copies the non-TypeScript files the package needs at run time (data sets, wasm kernels) from src/ to
// dist/, which tsc does not do. Test fixtures, the scripts that made them, and test helpers stay behind, and
// so does the dashboard's page source: scripts/build-ui.mjs copies the built page (ui/build/) itself.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { argv } from 'node:process';

const SKIP_DIRS = new Set(['fixtures', 'testing']);
const SKIP_FILE = /\.(ts|py)$|fixture/;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return SKIP_DIRS.has(entry.name) || path === join(from, 'dashboard', 'ui') ? [] : walk(path);
    return SKIP_FILE.test(entry.name) ? [] : [path];
  });
}

const [from, to] = [argv[2] ?? 'src', argv[3] ?? 'dist'];
const files = walk(from);
for (const file of files) {
  const target = join(to, relative(from, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
}
globalThis.console.log(`copy-assets: ${files.length} files from ${from}/ to ${to}/`);
