// The IndexedDB storage in headless Chromium (Debian's, via playwright-core) on a page served from
// 127.0.0.1: the shared storage contract suite, two tabs as two workers of one study, and a reload.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../src/dashboard/testing/chromium.js';
import { servePages, type PageServer } from '../src/storage/indexeddb/testing/page-server.js';
import { bundleAsConsumer } from './browser-helpers.js';

const root = new URL('..', import.meta.url).pathname;

async function bundle(entry: string, alias: Record<string, string> = {}): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias,
    // Node built-ins the contract's vitest matchers never reach in a browser.
    external: ['node:*'],
  });
  return out.outputFiles[0]!.text;
}

/** The library as a page script uses it: the core and tunekit/indexeddb, on window. */
const APP = `
import { createStudy, loadStudy } from 'tunekit';
import { IndexedDbStorage } from 'tunekit/indexeddb';
window.tunekit = { createStudy, loadStudy, IndexedDbStorage };
window.ready = true;
`;

const page = (script: string) =>
  `<!doctype html><meta charset="utf-8"><title>tunekit</title><script type="module" src="/${script}"></script>`;

describe.skipIf(!hasChromium())('IndexedDB storage in Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  beforeAll(async () => {
    const contract = await bundle('src/storage/indexeddb/testing/contract-page.ts', {
      vitest: `${root}src/storage/indexeddb/testing/vitest-shim.ts`,
    });
    server = await servePages({
      '/contract.html': page('contract.js'),
      '/contract.js': contract,
      '/index.html': page('app.js'),
      '/app.js': await bundleAsConsumer(APP),
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (path: string): Promise<Page> => {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(server.url + path);
    return Object.assign(p, { errors });
  };

  it('passes the storage contract suite', async () => {
    const p = await open('/contract.html');
    await p.waitForFunction('"contractResults" in window', null, { timeout: 240_000 });
    const results = (await p.evaluate('window.contractResults')) as { name: string; error: string | null }[];
    // Every case of the suite ran: as many as the contract file declares.
    const declared = readFileSync(new URL('../src/storage/storage.contract.ts', import.meta.url), 'utf8');
    expect(results.length).toBe(declared.match(/^ {4}it\(/gm)!.length);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
    await p.close();
  }, 300_000);

  it('two tabs share a study as two workers: dense numbers, each trial run once', async () => {
    const context = await browser.newContext();
    try {
      const tabs = await Promise.all([context.newPage(), context.newPage()]);
      for (const t of tabs) {
        await t.goto(server.url + '/');
        await t.waitForFunction('window.ready === true');
      }
      const run = (t: Page, worker: string) =>
        t.evaluate(async (worker) => {
          const { createStudy } = (globalThis as any).tunekit; // eslint-disable-line @typescript-eslint/no-explicit-any
          const study = await createStudy({
            studyName: 'shared',
            storage: 'indexeddb:two-tabs',
            loadIfExists: true,
            worker,
            quiet: true,
          });
          const seen: number[] = [];
          await study.optimize(
            async (trial: { number: number; suggestFloat(n: string, l: number, h: number): number }) => {
              seen.push(trial.number);
              const x = trial.suggestFloat('x', -1, 1);
              await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
              return x * x;
            },
            { nTrials: 15 },
          );
          await study.storage.close();
          return seen;
        }, worker);
      const [a, b] = await Promise.all([run(tabs[0]!, 'tab-a'), run(tabs[1]!, 'tab-b')]);
      expect(a).toHaveLength(15);
      expect(b).toHaveLength(15);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      const trials = (await tabs[0]!.evaluate(async () => {
        const { loadStudy } = (globalThis as any).tunekit; // eslint-disable-line @typescript-eslint/no-explicit-any
        const study = await loadStudy({ studyName: 'shared', storage: 'indexeddb:two-tabs', quiet: true });
        const all = await study.trials();
        await study.storage.close();
        return all.map((t: { number: number; state: string; worker: string }) => [
          t.number,
          t.state,
          t.worker,
        ]);
      })) as [number, string, string][];
      expect(trials.map(([n]) => n)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(trials.every(([, state]) => state === 'complete')).toBe(true);
      expect(new Set(trials.map(([, , w]) => w.split(':')[0]))).toEqual(new Set(['tab-a', 'tab-b']));
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a study survives a reload and goes on where it stopped', async () => {
    const p = await open('/');
    await p.waitForFunction('window.ready === true');
    const step = (n: number) =>
      p.evaluate(async (n) => {
        const { createStudy } = (globalThis as any).tunekit; // eslint-disable-line @typescript-eslint/no-explicit-any
        const study = await createStudy({
          studyName: 'kept',
          storage: 'indexeddb:reload',
          loadIfExists: true,
          quiet: true,
        });
        await study.optimize(
          (t: { suggestInt(n: string, l: number, h: number): number }) => t.suggestInt('k', 0, 9),
          { nTrials: n },
        );
        const numbers = (await study.trials()).map((t: { number: number }) => t.number);
        await study.storage.close();
        return numbers;
      }, n);
    expect(await step(6)).toEqual([0, 1, 2, 3, 4, 5]);
    await p.reload();
    await p.waitForFunction('window.ready === true');
    expect(await step(4)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((p as Page & { errors: string[] }).errors).toEqual([]);
    await p.close();
  }, 120_000);

  it('a study stored before stages and the reproducible mode had fields reads as neither, and takes both', async () => {
    const p = await open('/');
    await p.waitForFunction('window.ready === true');
    const read = await p.evaluate(async () => {
      const { IndexedDbStorage } = (globalThis as any).tunekit; // eslint-disable-line @typescript-eslint/no-explicit-any
      const storage = await IndexedDbStorage.open('older');
      const { id } = await storage.createStudy('old', ['minimize']);
      // The record as an older tunekit stored it: no `stage` or `reproducible` property at all.
      const idb = (globalThis as any).indexedDB; // eslint-disable-line @typescript-eslint/no-explicit-any
      const db = await new Promise<typeof idb>((resolve, reject) => {
        const req = idb.open('tunekit:older', 1);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['studies'], 'readwrite');
        const store = tx.objectStore('studies');
        const get = store.get(id);
        get.onsuccess = () => {
          const { stage: _stage, reproducible: _reproducible, ...older } = get.result;
          store.put(older);
        };
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      const fields = ({ stage, reproducible }: { stage: unknown; reproducible: unknown }) => ({
        stage,
        reproducible,
      });
      const got = fields(await storage.getStudy('old'));
      const listed = fields((await storage.listStudies())[0].study);
      const link = { parent: 'run', index: 1, label: 'lr', params: ['lr'], fixed: { units: 8 } };
      const written = fields(await storage.writeStudy(id, { userAttrs: { a: 1 } }));
      const linked = fields(await storage.writeStudy(id, { stage: link, reproducible: { lag: 2 } }));
      await storage.close();
      return { got, listed, written, linked };
    });
    const none = { stage: null, reproducible: null };
    expect(read).toEqual({
      got: none,
      listed: none,
      written: none,
      linked: {
        stage: { parent: 'run', index: 1, label: 'lr', params: ['lr'], fixed: { units: 8 } },
        reproducible: { lag: 2 },
      },
    });
    await p.close();
  }, 120_000);
});
