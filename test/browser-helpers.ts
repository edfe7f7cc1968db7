// A page script as a consumer's project would bundle it: `tunekit` a dependency (this checkout, built,
// resolved through its package exports), esbuild for the browser with nothing marked external.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** The bundled code of `source` (an ES module importing 'tunekit', 'tunekit/indexeddb', ...). */
export async function bundleAsConsumer(source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-consumer-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'tunekit'));
    writeFileSync(join(dir, 'main.js'), source);
    const out = await build({
      entryPoints: [join(dir, 'main.js')],
      absWorkingDir: dir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
