// `tunekit report`: one self-contained HTML file with the dashboard's page, its chart library and the
// answers to every request the page makes for one study, computed by the same route handlers. It opens
// offline from disk, and its content-security policy forbids any network access.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TunekitError, openStorage as resolveStorage } from '../index.js';
import type { ParamAxis, StudyStorage } from '../index.js';
import type { ApiContext } from './api.js';
import { TrialCache } from './cache.js';
import { paths } from './paths.js';
import { findRoute } from './server.js';

export interface ReportOptions {
  storage: StudyStorage | string;
  study: string;
  /** Contours are embedded for every ordered pair of this many parameters (the most important first). Default 5. */
  contourParams?: number;
}

const UI_BUILD = fileURLToPath(new URL('./ui/build/', import.meta.url));

function asset(name: string): string {
  try {
    return readFileSync(`${UI_BUILD}${name}`, 'utf8');
  } catch {
    throw new TunekitError(
      'dashboard_not_built',
      `the dashboard page is not built (${UI_BUILD}${name} is missing); run npm run build:ui`,
    );
  }
}

/** JSON that is safe inside <script>: no "</script>", no HTML comment openers, no JS line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function renderReport(options: ReportOptions): Promise<string> {
  const storage = await resolveStorage(options.storage);
  try {
    const info = await storage.getStudy(options.study);
    const ctx: ApiContext = { storage, cache: new TrialCache(storage), allowWrites: false };
    const responses: Record<string, unknown> = {};
    // Every answer comes from the live routes, so the report shows exactly what the dashboard would.
    const answer = async (path: string, required = true): Promise<unknown> => {
      const url = new URL(path, 'http://report.invalid');
      try {
        const { route, params } = findRoute('GET', url.pathname);
        responses[path] = await route.handler(ctx, { params, query: url.searchParams, body: undefined });
        return responses[path];
      } catch (error) {
        if (required) throw error;
        return null;
      }
    };
    const name = info.name;
    responses[paths.health()] = { ok: true, allowWrites: false };
    const study = (await answer(paths.study(name))) as { params: ParamAxis[]; hasIntermediate: boolean };
    const { trials } = await ctx.cache.load(info);
    await answer(paths.plot(name, 'parallel'));
    await answer(paths.plot(name, 'timeline'));
    if (study.hasIntermediate) await answer(paths.plot(name, 'intermediate'));
    if (info.directions.length > 1) {
      await answer(paths.plot(name, 'pareto'));
      await answer(paths.plot(name, 'hypervolume'));
    }
    for (let k = 0; k < info.directions.length; k++) {
      await answer(paths.plot(name, 'history', { objective: k }));
      await answer(paths.plot(name, 'slice', { objective: k }));
      await answer(paths.plot(name, 'edf', { objective: k }));
      const analysis = (await answer(paths.analysis(name, k))) as {
        importance: { result?: { params: { param: string }[] } };
      };
      const ranked = analysis.importance.result?.params.map((p) => p.param) ?? [];
      const names = [...ranked, ...study.params.map((p) => p.name).filter((n) => !ranked.includes(n))].slice(
        0,
        options.contourParams ?? 5,
      );
      // The page starts on the first two parameters in the study's order: always include that pair.
      const pairs = new Set<string>([JSON.stringify(study.params.slice(0, 2).map((p) => p.name))]);
      for (const x of names) for (const y of names) if (x !== y) pairs.add(JSON.stringify([x, y]));
      for (const pair of pairs) {
        const [x, y] = JSON.parse(pair) as [string, string?];
        if (y === undefined) continue;
        await answer(paths.plot(name, 'contour', { x, y, objective: k }), false);
        await answer(paths.plot(name, 'rank', { x, y, objective: k }), false);
      }
    }
    const data = { study: name, generatedAt: Date.now(), responses, trials };
    return [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
      `<title>${escapeHtml(name)} · tunekit report</title>`,
      `<style>${asset('app.css')}</style></head><body>`,
      '<header class="top"><a href="#/" class="brand">tunekit</a><span id="top-nav"></span></header><main id="app"></main>',
      `<script type="application/json" id="tunekit-report">${scriptJson(data)}</script>`,
      `<script>${asset('app.js').replace(/<\/script/gi, '<\\/script')}</script>`,
      '</body></html>',
    ].join('\n');
  } finally {
    if (typeof options.storage === 'string') await storage.close();
  }
}

export async function writeReport(
  options: ReportOptions & { out: string },
): Promise<{ path: string; bytes: number }> {
  const html = await renderReport(options);
  await writeFile(options.out, html);
  return { path: options.out, bytes: Buffer.byteLength(html) };
}
