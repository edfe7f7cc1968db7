// The stage strip in a real browser (headless Chromium): a staged run on SQLite, its parent study's page
// shows one chip per stage with what it held still, and a chip leads to the stage, which links back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpace, runStaged, suggestSpace } from '../src/config/index.js';
import { serveDashboard } from '../src/dashboard/index.js';
import { hasChromium, launchChromium } from '../src/dashboard/testing/chromium.js';
import { ensureUiBuilt } from '../src/dashboard/testing/fixtures.js';
import { RandomSampler, createStudy } from '../src/index.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

describe.skipIf(!hasChromium())('the stage strip', () => {
  it('shows what each stage tuned and held, and links stages and parent', async () => {
    ensureUiBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-stages-'));
    const storage = new SqliteStorage(join(dir, 'tunekit.db'));
    const space = parseSpace({
      lr: { type: 'float', low: 0.001, high: 1, log: true, default: 0.01 },
      units: { type: 'int', low: 4, high: 64, default: 16 },
    });
    await runStaged(
      {
        space,
        direction: 'minimize',
        openStudy: (suffix) =>
          createStudy({
            storage,
            studyName: suffix === null ? 'mlp' : `mlp.${suffix}`,
            loadIfExists: true,
            quiet: true,
            sampler: new RandomSampler({ seed: 1 }),
          }),
        objective: (s) => (trial) => {
          const p = suggestSpace(trial, s);
          return (Math.log10(p.lr as number) + 1) ** 2 + Math.abs((p.units as number) - 32) / 32;
        },
      },
      {
        stages: [
          { params: ['lr'], trials: 5 },
          { params: ['units'], trials: 5 },
        ],
      },
    );
    const dashboard = await serveDashboard({ storage: `sqlite:${join(dir, 'tunekit.db')}`, port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${dashboard.url}#/study/mlp`);
      await page.waitForSelector('.stage-strip [data-stage]');
      const chips = await page.$$eval('.stage-strip [data-stage]', (els) =>
        els.map((e) => ({ text: e.textContent, title: e.getAttribute('title') })),
      );
      expect(chips).toHaveLength(2);
      expect(chips[0]!.text).toMatch(/^stage 1: lr best /);
      expect(chips[0]!.title).toBe('held: units = 16');
      expect(chips[1]!.title).toMatch(/^held: lr = 0\.\d+/);
      await page.click('.stage-strip [data-stage="2"] a');
      await page.waitForSelector('#study-name:text("mlp.stage-2")');
      await page.waitForSelector('.stage-strip a');
      expect(await page.textContent('.stage-strip')).toBe('stage 2 of mlp');
    } finally {
      await browser.close();
      await dashboard.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
