// The views beside the plots, in headless Chromium: the study list's sparkline, search and sort; the
// study's markdown note (stored with the study, editable only with allowWrites); trial marks and the
// table's filter by them; the trial page listing every record field. Screenshots: test-artifacts/dashboard/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomSampler, createStudy } from '../src/index.js';
import { saveArtifact, serveDashboard } from '../src/dashboard/index.js';
import type { Dashboard } from '../src/dashboard/index.js';
import { STUDY_NOTE_KEY } from '../src/dashboard/notes.js';
import { launchChromium } from '../src/dashboard/testing/chromium.js';
import { ensureUiBuilt } from '../src/dashboard/testing/fixtures.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const ARTIFACTS = new URL('../test-artifacts/dashboard/', import.meta.url).pathname;

let dir: string;
let storage: SqliteStorage;
let writable: Dashboard;
let readOnly: Dashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'tunekit-views-'));
  storage = new SqliteStorage(join(dir, 'tunekit.db'));
  for (const [name, n] of [
    ['alpha', 20],
    ['beta', 5],
    ['gamma-long', 40],
  ] as const) {
    const study = await createStudy({ studyName: name, storage, sampler: new RandomSampler({ seed: n }) });
    await study.optimize((t) => (t.suggestFloat('x', -1, 1) - 0.3) ** 2, { nTrials: n });
  }
  const url = `sqlite:${join(dir, 'tunekit.db')}`;
  writable = await serveDashboard({ storage: url, port: 0, allowWrites: true });
  readOnly = await serveDashboard({ storage: url, port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await writable?.close();
  await readOnly?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = (p: Page) =>
  p.$$eval('#study-list tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-study')));

describe('views in Chromium', () => {
  it('lists studies with a falling best-so-far sparkline, searchable and sortable, in the address', async () => {
    await page.goto(writable.url);
    await page.waitForSelector('#study-list tbody tr');
    // The best so far only improves (minimising): the line's last point is at or below its first.
    const ys = await page.$eval('tr[data-study="gamma-long"] polyline', (l) =>
      (l.getAttribute('points') ?? '').split(' ').map((p: string) => Number(p.split(',')[1])),
    );
    expect(ys.length).toBeGreaterThan(10);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThanOrEqual(ys[i - 1]!);
    await page.selectOption('#study-sort', 'trials');
    expect(await names(page)).toEqual(['gamma-long', 'alpha', 'beta']);
    await page.fill('#study-search', 'a');
    await page.fill('#study-search', 'ALP');
    expect(await names(page)).toEqual(['alpha']);
    await page.reload();
    await page.waitForSelector('#study-list tbody tr');
    expect(await page.inputValue('#study-search')).toBe('ALP');
    expect(await page.inputValue('#study-sort')).toBe('trials');
    await page.fill('#study-search', '');
    await page.screenshot({ path: `${ARTIFACTS}study-list-sparklines.png`, fullPage: true });
  });

  it('edits the study note in markdown, stored with the study, and shows it read-only elsewhere', async () => {
    await page.goto(`${writable.url}#/study/alpha`);
    await page.waitForSelector('#edit-study-note');
    await page.click('#edit-study-note');
    await page.fill(
      '#study-note-input',
      '# Plan\nTry **wider** x.\n\n- one\n- [docs](https://example.org)\n\n<img src=x onerror=alert(1)>',
    );
    await page.click('#edit-study-note');
    await page.waitForSelector('#study-note h3');
    expect(await page.textContent('#study-note strong')).toBe('wider');
    expect(await page.$$('#study-note li')).toHaveLength(2);
    expect(await page.$('#study-note img')).toBeNull();
    expect(await page.textContent('#study-note')).toContain('<img src=x onerror=alert(1)>');
    const info = await storage.getStudy('alpha');
    expect(info.notes[STUDY_NOTE_KEY]).toMatch(/^# Plan/);
    const other = await browser.newPage();
    await other.goto(`${readOnly.url}#/study/alpha`);
    await other.waitForSelector('#study-note h3');
    expect(await other.$('#edit-study-note')).toBeNull();
    await other.close();
    const refused = await fetch(`${readOnly.url}api/studies/alpha/note`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x' }),
    });
    expect(refused.status).toBe(403);
  });

  it('marks trials through their notes and filters the table by mark', async () => {
    for (const n of [2, 5])
      await fetch(`${writable.url}api/studies/alpha/trials/${n}/note`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ note: `worth a rerun #keep` }),
      });
    await page.goto('about:blank');
    await page.goto(`${writable.url}#/study/alpha?section=trials`);
    await page.waitForSelector('#mark-filter option[value="keep"]', { state: 'attached' });
    await page.selectOption('#mark-filter', 'keep');
    await expect.poll(() => page.textContent('#table-info')).toBe('2 of 20 trials match');
    const numbers = await page.$$eval('#trials-table tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute('data-number')),
    );
    expect(numbers).toEqual(['2', '5']);
    expect(page.url()).toContain('mark=keep');
    await page.screenshot({ path: `${ARTIFACTS}marks.png`, fullPage: false });
  });

  it('lists every field of a trial record, times as dates', async () => {
    await page.goto(`${writable.url}#/study/beta/trial/0`);
    await page.waitForSelector('#trial-other');
    const text = await page.textContent('#trial-other');
    expect(text).toContain('createdAt');
    expect(text).toMatch(/createdAt\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await page.screenshot({ path: `${ARTIFACTS}trial-fields.png`, fullPage: true });
  });

  it('compares the best-so-far and the EDF of studies ticked in the list', async () => {
    await page.goto(writable.url);
    await page.waitForSelector('#study-list tbody tr');
    await page.check('tr[data-study="alpha"] input.pick');
    await page.check('tr[data-study="gamma-long"] input.pick');
    await page.click('#compare-link');
    for (const id of ['compare-history', 'compare-edf']) {
      await page.waitForSelector(`[data-chart="${id}"][data-points]`);
      const series = await page.$eval(`[data-chart="${id}"]`, (el) =>
        (el as unknown as { chart: { getOption(): { series: { name: string; data: unknown[] }[] } } }).chart
          .getOption()
          .series.map((s) => [s.name, s.data.length]),
      );
      expect(series).toEqual([
        ['alpha', 20],
        ['gamma-long', 40],
      ]);
    }
    await page.screenshot({ path: `${ARTIFACTS}compare.png`, fullPage: true });
  });

  it("lists a trial's artifacts, saved beside the SQLite file, and downloads them", async () => {
    const url = `sqlite:${join(dir, 'tunekit.db')}`;
    const path = await saveArtifact({
      storage: url,
      study: 'beta',
      trial: 1,
      name: 'weights.json',
      data: '[1,2,3]',
    });
    expect(path).toBe(join(`${join(dir, 'tunekit.db')}.artifacts`, 'beta', '1', 'weights.json'));
    await expect(
      saveArtifact({ storage: url, study: 'beta', trial: 1, name: '../escape', data: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await page.goto('about:blank');
    await page.goto(`${readOnly.url}#/study/beta/trial/1`);
    await page.waitForSelector('#artifact-list a');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#artifact-list a')]);
    expect(download.suggestedFilename()).toBe('weights.json');
    const res = await fetch(`${readOnly.url}api/studies/beta/trials/1/artifacts/weights.json`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="weights.json"');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(await res.text()).toBe('[1,2,3]');
    expect((await fetch(`${readOnly.url}api/studies/beta/trials/1/artifacts/..%2F..%2Fx`)).status).toBe(400);
    expect((await fetch(`${readOnly.url}api/studies/beta/trials/1/artifacts/missing.bin`)).status).toBe(404);
    await page.screenshot({ path: `${ARTIFACTS}trial-artifacts.png`, fullPage: true });
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
