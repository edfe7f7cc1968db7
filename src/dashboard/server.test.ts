// API tests for every route of the dashboard, against a real SQLite file written by the library.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy, RandomSampler } from '../index.js';
import { SqliteStorage } from '../storage/sqlite/index.js';
import { serveDashboard } from './index.js';
import type { Dashboard } from './index.js';
import { ROUTES } from './server.js';
import { HOSTILE_NAME, ensureUiBuilt, seedStudies } from './testing/fixtures.js';
import { request } from './testing/http.js';

let dir: string;
let file: string;
let storage: SqliteStorage;
let ro: Dashboard;
let rw: Dashboard;
const get = (path: string, headers: Record<string, string> = {}) => request(ro.url, path, { headers });
const api = (path: string) =>
  get(path).then((r) => {
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return r.json;
  });
const enc = encodeURIComponent;

beforeAll(async () => {
  ensureUiBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tunekit-dashboard-'));
  file = join(dir, 'tunekit.db');
  storage = new SqliteStorage(file);
  await seedStudies(storage);
  // The dashboard opens the file by URL, as `tunekit dashboard --storage sqlite:...` does.
  ro = await serveDashboard({ storage: `sqlite:${file}`, port: 0 });
  rw = await serveDashboard({ storage: `sqlite:${file}`, port: 0, allowWrites: true });
});

afterAll(async () => {
  await ro?.close();
  await rw?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('read routes', () => {
  it('GET /api/health says whether writes are allowed', async () => {
    expect(await api('/api/health')).toEqual({ ok: true, allowWrites: false });
    expect((await request(rw.url, '/api/health')).json.allowWrites).toBe(true);
  });

  it('GET /api/studies lists every study with counts by state, best value and last activity', async () => {
    const { studies } = await api('/api/studies');
    const byName = Object.fromEntries(studies.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['curves', 'empty', HOSTILE_NAME, 'two objectives'].sort());
    const curves = byName.curves;
    expect(curves.directions).toEqual(['minimize']);
    expect(curves.trialCounts.complete + curves.trialCounts.pruned + curves.trialCounts.fail).toBe(40);
    expect(curves.trialCounts.pruned).toBeGreaterThan(0);
    expect(curves.trialCounts.fail).toBeGreaterThan(0);
    expect(typeof curves.bestValue).toBe('number');
    expect(byName['two objectives'].bestValue).toBeNull();
  });

  it('GET /api/studies/:study describes the study and its parameter axes', async () => {
    const s = await api('/api/studies/curves');
    expect(s).toMatchObject({
      name: 'curves',
      directions: ['minimize'],
      userAttrs: { dataset: 'digits' },
      hasIntermediate: true,
    });
    expect(s.params.map((p: { name: string; log: boolean }) => [p.name, p.log])).toEqual([
      ['lr', true],
      ['units', true],
      ['dropout', false],
      ['optimizer', false],
    ]);
    const missing = await get('/api/studies/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('study_not_found');
  });

  it("GET /api/studies/:study gives a stage its link and a parent its stages, with each stage's best value", async () => {
    const parent = await storage.createStudy('run', ['minimize']);
    const second = await storage.createStudy('run.stage-2', ['minimize']);
    const link = { parent: 'run', index: 2, label: 'units', params: ['units'], fixed: { lr: 0.01 } };
    await storage.writeStudy(second.id, { stage: link });
    const first = await storage.createStudy('run.stage-1', ['minimize']);
    await storage.writeStudy(first.id, {
      stage: { parent: 'run', index: 1, label: 'lr', params: ['lr'], fixed: { units: 16 } },
    });
    const t = (await storage.startTrial(first.id, 'w'))!;
    await storage.finishTrial(t.id, { state: 'complete', values: [0.5] });
    try {
      expect(await api('/api/studies/run')).toMatchObject({
        stage: null,
        stages: [
          {
            index: 1,
            label: 'lr',
            study: 'run.stage-1',
            params: ['lr'],
            fixed: { units: 16 },
            bestValue: 0.5,
          },
          {
            index: 2,
            label: 'units',
            study: 'run.stage-2',
            params: ['units'],
            fixed: { lr: 0.01 },
            bestValue: null,
          },
        ],
      });
      expect(await api('/api/studies/run.stage-2')).toMatchObject({ stage: link, stages: [] });
      expect(await api('/api/studies/curves')).toMatchObject({ stage: null, stages: [] });
    } finally {
      for (const s of [parent, first, second]) await storage.deleteStudy(s.id);
    }
  });

  it("GET /api/studies/:study gives a reproducible study's mode, and null for any other", async () => {
    const s = await storage.createStudy('repro', ['minimize'], { reproducible: { lag: 3 } });
    try {
      expect((await api('/api/studies/repro')).reproducible).toEqual({ lag: 3 });
      expect((await api('/api/studies/curves')).reproducible).toBeNull();
    } finally {
      await storage.deleteStudy(s.id);
    }
  });

  it('decodes study names in the path (spaces, markup)', async () => {
    expect((await api(`/api/studies/${enc('two objectives')}`)).directions).toEqual(['minimize', 'maximize']);
    expect((await api(`/api/studies/${enc(HOSTILE_NAME)}`)).name).toBe(HOSTILE_NAME);
  });

  it('GET /api/studies/:study/revision changes when a trial is added', async () => {
    const before = (await api('/api/studies/empty/revision')).revision;
    const study = await createStudy({
      studyName: 'empty',
      storage,
      loadIfExists: true,
      sampler: new RandomSampler({ seed: 1 }),
    });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    await new Promise((r) => setTimeout(r, 350)); // past the cache's shared-read window
    expect((await api('/api/studies/empty/revision')).revision).not.toBe(before);
    expect((await api('/api/studies/empty')).trialCounts.complete).toBe(1);
  });

  it("GET /api/studies/:study/trials/:number passes the trial's constraints through", async () => {
    const study = await createStudy({ studyName: 'constrained', storage, quiet: true });
    const trial = await study.ask();
    await trial.setConstraint([0.5, -1]);
    await study.tell(trial, 1);
    expect((await api('/api/studies/constrained/trials/0')).trial.constraints).toEqual([0.5, -1]);
  });

  it('GET /api/studies/:study/trials filters by state and range, sorts and pages', async () => {
    const all = await api('/api/studies/curves/trials?limit=1000');
    expect(all).toMatchObject({ total: 40, matched: 40 });
    const pruned = await api('/api/studies/curves/trials?state=pruned');
    expect(pruned.rows.every((r: { state: string }) => r.state === 'pruned')).toBe(true);
    expect(pruned.matched).toBe(all.rows.filter((r: { state: string }) => r.state === 'pruned').length);
    const ranged = await api(`/api/studies/curves/trials?range=${enc('param:lr:0.001:0.1')}&limit=1000`);
    expect(ranged.rows.length).toBeGreaterThan(0);
    expect(
      ranged.rows.every((r: { params: { lr: number } }) => r.params.lr >= 0.001 && r.params.lr <= 0.1),
    ).toBe(true);
    const sorted = await api(
      '/api/studies/curves/trials?state=complete&sort=value&order=desc&limit=5&offset=2',
    );
    const values = sorted.rows.map((r: { values: number[] }) => r.values[0]);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(sorted.rows).toHaveLength(5);
    for (const bad of ['state=done', 'order=up', 'limit=0', 'range=lr']) {
      const r = await get(`/api/studies/curves/trials?${bad}`);
      expect([r.status, r.json.error.code], bad).toEqual([400, 'invalid_argument']);
    }
  });

  it('GET /api/studies/:study/trials/:number returns the whole record, the failure text of a failed trial', async () => {
    const { rows } = await api('/api/studies/curves/trials?state=fail');
    const failed = await api(`/api/studies/curves/trials/${rows[0].number}`);
    expect(failed.trial.state).toBe('fail');
    expect(failed.trial.failReason).toMatch(/diverged/);
    const first = await api('/api/studies/curves/trials/0');
    expect(first.trial).toMatchObject({ number: 0, userAttrs: { fold_scores: [0.91, 0.93, 0.92] } });
    expect(Object.keys(first.trial.intermediateValues).length).toBeGreaterThan(0);
    for (const bad of ['999', 'x', '-1'])
      expect((await get(`/api/studies/curves/trials/${bad}`)).json.error.code).toBe('trial_not_found');
  });

  it('GET plots/history: values and best so far of complete trials', async () => {
    const h = await api('/api/studies/curves/plots/history');
    expect(h.best.at(-1)).toBe(Math.min(...h.values));
    const multi = await api(`/api/studies/${enc('two objectives')}/plots/history?objective=1`);
    expect(multi.direction).toBe('maximize');
    expect((await get('/api/studies/curves/plots/history?objective=1')).status).toBe(400);
  });

  it('GET plots/intermediate: curves of every trial that reported, pruned ones marked, a band', async () => {
    const p = await api('/api/studies/curves/plots/intermediate');
    expect(p.totalCurves).toBe(38);
    expect(p.curves.some((c: { state: string }) => c.state === 'pruned')).toBe(true);
    expect(p.band.steps.length).toBe(12);
  });

  it('GET plots/parallel, plots/slice, plots/edf, plots/timeline', async () => {
    const parallel = await api('/api/studies/curves/plots/parallel');
    expect(parallel.rows[0]).toHaveLength(5);
    const { plots } = await api('/api/studies/curves/plots/slice');
    expect(plots.map((p: { axis: { name: string } }) => p.axis.name)).toEqual([
      'lr',
      'units',
      'dropout',
      'optimizer',
    ]);
    const edf = await api('/api/studies/curves/plots/edf');
    expect(edf.y.at(-1)).toBe(1);
    const timeline = await api('/api/studies/curves/plots/timeline');
    expect(timeline.workers).toEqual(['host-a:1']);
    expect(timeline.numbers).toHaveLength(40);
  });

  it('GET plots/contour needs two known parameters', async () => {
    const c = await api('/api/studies/curves/plots/contour?x=lr&y=optimizer&resolution=10');
    expect(c.x.nodes).toHaveLength(10);
    expect(c.y.nodes).toEqual([0, 1, 2]);
    expect(c.z).toHaveLength(3);
    expect(c.z[0]).toHaveLength(10);
    expect(c.points.x).toHaveLength(c.totalPoints);
    expect((await get('/api/studies/curves/plots/contour?x=lr&y=optimizer&resolution=1')).status).toBe(400);
    expect((await get('/api/studies/curves/plots/contour?x=lr')).status).toBe(400);
    expect((await get('/api/studies/curves/plots/contour?x=lr&y=nope')).json.error.code).toBe(
      'invalid_argument',
    );
  });

  it('GET plots/rank and plots/hypervolume', async () => {
    const r = await api('/api/studies/curves/plots/rank?x=lr&y=optimizer');
    expect(Math.min(...r.rank)).toBe(0);
    expect(Math.max(...r.rank)).toBe(1);
    const hv = await api(`/api/studies/${enc('two objectives')}/plots/hypervolume`);
    expect(hv.values.at(-1)).toBeGreaterThan(0);
    expect((await get('/api/studies/curves/plots/hypervolume')).status).toBe(400);
  });

  it('GET trials refuses a range whose min is above its max, naming both', async () => {
    const r = await get('/api/studies/curves/trials?range=param:lr:0.1:0.01');
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/min 0.1 is above max 0.01/);
  });

  it('GET plots/pareto for several objectives, 400 for one', async () => {
    const p = await api(`/api/studies/${enc('two objectives')}/plots/pareto`);
    expect(p.frontSize).toBeGreaterThan(0);
    expect(p.onFront.filter(Boolean)).toHaveLength(p.frontSize);
    expect((await get('/api/studies/curves/plots/pareto')).status).toBe(400);
  });

  it('GET analysis: importance, interactions and advice, or why not', async () => {
    const a = await api('/api/studies/curves/analysis');
    expect(a.importance.result.params.map((p: { param: string }) => p.param).sort()).toEqual([
      'dropout',
      'lr',
      'optimizer',
      'units',
    ]);
    expect(a.interactions.result.pairs.length).toBeGreaterThan(0);
    expect(typeof a.advice.result.summary).toBe('string');
    const none = await api('/api/studies/empty/analysis');
    expect(none.importance.error.code).toBe('no_completed_trials');
  });

  it('answers unknown API paths with 404 and wrong methods with 405', async () => {
    expect((await get('/api/nope')).json.error.code).toBe('not_found');
    const r = await request(ro.url, '/api/studies', { method: 'POST', body: {} });
    expect([r.status, r.json.error.code]).toEqual([405, 'method_not_allowed']);
  });

  it('has a test for every route', () => {
    // Keeps this file honest when a route is added.
    expect(ROUTES.map((r) => `${r.method} ${r.parts.join('/')}`)).toHaveLength(23);
  });
});

describe('writes', () => {
  it('are refused by a read-only dashboard', async () => {
    for (const path of [
      '/api/studies/curves/trials/0/note',
      '/api/studies/curves/enqueue',
      '/api/studies/curves/stop',
    ]) {
      const r = await request(ro.url, path, { method: 'POST', body: { note: 'x', params: {} } });
      expect([r.status, r.json.error.code], path).toEqual([403, 'read_only']);
    }
  });

  it('POST note stores a note on a finished trial', async () => {
    const r = await request(rw.url, '/api/studies/curves/trials/3/note', {
      method: 'POST',
      body: { note: 'looks <odd>' },
    });
    expect(r.status).toBe(200);
    expect((await request(rw.url, '/api/studies/curves/trials/3')).json.note).toBe('looks <odd>');
    expect((await request(rw.url, '/api/studies/curves')).json.notes).toMatchObject({ 3: 'looks <odd>' });
    expect(
      (await request(rw.url, '/api/studies/curves/trials/3/note', { method: 'POST', body: { note: 5 } }))
        .status,
    ).toBe(400);
  });

  it('POST enqueue adds a waiting trial with validated params', async () => {
    const ok = await request(rw.url, '/api/studies/curves/enqueue', {
      method: 'POST',
      body: { params: { lr: 0.01, optimizer: 'adam' } },
    });
    expect(ok.status).toBe(200);
    const waiting = await storage.getTrials((await storage.getStudy('curves')).id, { states: ['waiting'] });
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.fixedParams).toEqual({ lr: 0.01, optimizer: 'adam' });
    const outOfRange = await request(rw.url, '/api/studies/curves/enqueue', {
      method: 'POST',
      body: { params: { lr: 5 } },
    });
    expect([outOfRange.status, outOfRange.json.error.code]).toEqual([400, 'fixed_param_out_of_range']);
    const unknown = await request(rw.url, '/api/studies/curves/enqueue', {
      method: 'POST',
      body: { params: { nope: 1 } },
    });
    expect(unknown.json.error.code).toBe('invalid_argument');
    expect(
      (await request(rw.url, '/api/studies/curves/enqueue', { method: 'POST', body: '{not json' })).json.error
        .code,
    ).toBe('invalid_argument');
  });

  it('POST stop makes every optimize loop on the study stop after its current trial', async () => {
    const study = await createStudy({
      studyName: 'stoppable',
      storage,
      sampler: new RandomSampler({ seed: 2 }),
    });
    let calls = 0;
    await study.optimize(
      async (t) => {
        if (++calls === 3)
          expect(
            (await request(rw.url, '/api/studies/stoppable/stop', { method: 'POST', body: {} })).status,
          ).toBe(200);
        await new Promise((r) => setTimeout(r, 50));
        return t.suggestFloat('x', 0, 1);
      },
      { nTrials: 200 },
    );
    // Loops look at storage at most once a second, so a few more trials may start after the request.
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThan(40);
    expect((await request(rw.url, '/api/studies/stoppable')).json.stopRequests).toBe(1);
  });

  it('refuse cross-site requests: another Origin, or a body that is not JSON', async () => {
    const cross = await request(rw.url, '/api/studies/curves/stop', {
      method: 'POST',
      body: {},
      headers: { origin: 'http://evil.example' },
    });
    expect([cross.status, cross.json.error.code]).toEqual([403, 'forbidden']);
    const form = await request(rw.url, '/api/studies/curves/stop', {
      method: 'POST',
      body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(403);
    const same = await request(rw.url, '/api/studies/curves/trials/0/note', {
      method: 'POST',
      body: { note: '' },
      headers: { origin: rw.url.replace(/\/$/, '') },
    });
    expect(same.status).toBe(200);
  });
});

describe('safety', () => {
  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', '[::2]:80']) {
      const r = await get('/api/studies', { host });
      expect([r.status, r.json?.error.code], host).toEqual([403, 'host_not_allowed']);
    }
    expect((await get('/api/health', { host: 'localhost:1234' })).status).toBe(200);
  });

  it('serves the page with a strict content-security policy', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<main id="app">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const js = await get('/app.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.text.length).toBeGreaterThan(100_000);
  });

  it('rejects path traversal in every spelling', async () => {
    for (const path of [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e%5c%2e%2e%5cpackage.json',
      '/.%2e/.%2e/src/index.ts',
      '/%00app.js',
      '/..%252f..%252fpackage.json',
      '//etc/passwd',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.text, path).not.toContain('"name": "tunekit"');
    }
  });

  it('requires the token when one is set, and trades ?token= for a cookie', async () => {
    const tok = await serveDashboard({ storage: `sqlite:${file}`, port: 0, token: 's3cret' });
    try {
      expect(tok.url).toMatch(/\?token=s3cret$/);
      const base = tok.url.replace(/\?.*/, '');
      expect((await request(base, '/api/studies')).status).toBe(401);
      expect(
        (await request(base, '/api/studies', { headers: { authorization: 'Bearer wrong' } })).status,
      ).toBe(401);
      expect(
        (await request(base, '/api/studies', { headers: { authorization: 'Bearer s3cret' } })).status,
      ).toBe(200);
      const visit = await request(base, '/?token=s3cret');
      expect(visit.status).toBe(303);
      expect(visit.headers.location).toBe('/');
      const cookie = String(visit.headers['set-cookie']).split(';')[0] as string;
      expect(String(visit.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      expect((await request(base, '/api/studies', { headers: { cookie } })).status).toBe(200);
    } finally {
      await tok.close();
    }
  });

  it('generates a token and warns when bound beyond loopback', async () => {
    const open = await serveDashboard({ storage: `sqlite:${file}`, port: 0, host: '0.0.0.0' });
    try {
      expect(open.token).toMatch(/^[\w-]{20,}$/);
      expect(open.warnings.join()).toMatch(/anyone who can reach/);
      expect((await request(open.url.replace(/\?.*/, ''), '/api/health')).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
