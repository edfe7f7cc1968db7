// A trial page: values, parameters with their distributions, timing, learning curve, user attributes, the
// error of a failed trial, test-set evaluations of its configuration, a note, and tunekit's bookkeeping.
import type { TrialRecord } from '../../../index.js';
import { paths } from '../../paths.js';
import { draw } from '../charts/core.js';
import { curvesOption } from '../charts/curves.js';
import type { Source } from '../data.js';
import { clear, fmt, fmtDuration, fmtTime, h, studyHref, trialHref } from '../dom.js';

interface TrialAnswer {
  trial: TrialRecord;
  directions: string[];
  note: string | null;
  testEvaluations: Record<string, unknown>[];
}

const json = (v: unknown) => h('pre', { class: 'json' }, JSON.stringify(v, null, 2));

/** Record fields this page lays out itself; any other field (a new one such as `constraints`) is listed generically. */
const SHOWN = new Set([
  'id',
  'studyId',
  'number',
  'state',
  'values',
  'params',
  'distributions',
  'intermediateValues',
  'userAttrs',
  'fixedParams',
  'gridId',
  'retriedFrom',
  'retriedBy',
  'retryCount',
  'samplerMemo',
  'failReason',
  'worker',
  'startedAt',
  'finishedAt',
]);

/** A value as a reader wants it: times as dates (a field named ...At or at), numbers formatted, objects as nested rows. */
function show(key: string, v: unknown): Node | string {
  if (typeof v === 'number' && (/At$/.test(key) || key === 'at') && v > 1e11) return fmtTime(v);
  if (v === null || v === undefined) return '–';
  if (Array.isArray(v))
    return v.every((x) => typeof x !== 'object' || x === null)
      ? v.map((x) => fmt(x)).join(', ')
      : h('div', {}, ...v.map((x, i) => kv(x, String(i))));
  if (typeof v === 'object') return kv(v as Record<string, unknown>);
  return fmt(v);
}

function kv(v: unknown, caption?: string): HTMLElement {
  if (v === null || typeof v !== 'object') return h('span', {}, show('', v));
  return h(
    'table',
    { class: 'kv' },
    caption !== undefined ? h('caption', {}, caption) : '',
    ...Object.entries(v as Record<string, unknown>).map(([k, x]) =>
      h('tr', {}, h('th', {}, k), h('td', {}, show(k, x))),
    ),
  );
}

function describe(d: TrialRecord['distributions'][string] | undefined): string {
  if (!d) return '';
  if (d.kind === 'categorical') return `one of ${d.choices.map((c) => JSON.stringify(c)).join(', ')}`;
  return `${d.kind} in [${fmt(d.low)}, ${fmt(d.high)}]${d.log ? ' log' : ''}${d.step !== null && !(d.kind === 'int' && d.step === 1) ? ` step ${d.step}` : ''}`;
}

/** What tunekit keeps on the trial besides its results: enqueued params, grid point, retry links, sampler memos. */
function bookkeeping(t: TrialRecord, study: string): HTMLElement {
  const link = (n: number | null) => (n === null ? '–' : h('a', { href: trialHref(study, n) }, `trial ${n}`));
  return h(
    'details',
    { id: 'trial-bookkeeping' },
    h('summary', {}, 'Bookkeeping'),
    h(
      'table',
      { class: 'kv' },
      h(
        'tr',
        {},
        h('th', {}, 'enqueued with'),
        h('td', {}, t.fixedParams ? json(t.fixedParams) : 'not enqueued'),
      ),
      h('tr', {}, h('th', {}, 'grid point'), h('td', {}, t.gridId === null ? '–' : String(t.gridId))),
      h('tr', {}, h('th', {}, 'retry of'), h('td', {}, link(t.retriedFrom))),
      h('tr', {}, h('th', {}, 'retried as'), h('td', {}, link(t.retriedBy))),
      h('tr', {}, h('th', {}, 'retries before it'), h('td', {}, String(t.retryCount))),
      h(
        'tr',
        {},
        h('th', {}, 'sampler memo'),
        h('td', {}, Object.keys(t.samplerMemo).length ? json(t.samplerMemo) : 'none'),
      ),
    ),
  );
}

export function trialPage(
  root: HTMLElement,
  src: Source,
  study: string,
  number: number,
  allowWrites: boolean,
): () => void {
  const load = async () => {
    const a = await src.get<TrialAnswer>(paths.trial(study, number));
    const t = a.trial;
    const steps = Object.keys(t.intermediateValues)
      .map(Number)
      .sort((x, y) => x - y);
    const curve = h('div', { class: 'chart', 'data-chart': 'trial-curve' });
    const noteBox = h('textarea', { id: 'note', rows: 3, value: a.note ?? '' });
    const noteResult = h('span', { class: 'muted' });
    const artifactList = h('div', { id: 'artifact-list' });
    clear(
      root,
      h('p', {}, h('a', { href: studyHref(study), id: 'back' }, `← ${study}`)),
      h(
        'h1',
        {},
        `Trial ${t.number} `,
        h('span', { class: `badge state-${t.state}`, id: 'trial-state' }, t.state),
      ),
      h(
        'table',
        { class: 'kv', id: 'trial-values' },
        ...a.directions.map((d, i) =>
          h(
            'tr',
            {},
            h('th', {}, a.directions.length > 1 ? `value ${i} (${d})` : `value (${d})`),
            h('td', {}, fmt(t.values?.[i] ?? null)),
          ),
        ),
        h('tr', {}, h('th', {}, 'worker'), h('td', {}, t.worker ?? '–')),
        h('tr', {}, h('th', {}, 'started'), h('td', {}, fmtTime(t.startedAt))),
        h('tr', {}, h('th', {}, 'finished'), h('td', {}, fmtTime(t.finishedAt))),
        h(
          'tr',
          {},
          h('th', {}, 'duration'),
          h(
            'td',
            {},
            fmtDuration(t.startedAt !== null && t.finishedAt !== null ? t.finishedAt - t.startedAt : null),
          ),
        ),
      ),
      t.failReason
        ? h(
            'section',
            {},
            h('h2', {}, 'Error'),
            h('pre', { class: 'error-text', id: 'fail-reason' }, t.failReason),
          )
        : '',
      h(
        'section',
        {},
        h('h2', {}, 'Parameters'),
        h(
          'table',
          { class: 'grid', id: 'trial-params' },
          h('tr', {}, h('th', {}, 'name'), h('th', {}, 'value'), h('th', {}, 'distribution')),
          ...Object.entries(t.params).map(([k, v]) =>
            h(
              'tr',
              {},
              h('td', {}, k),
              h('td', { class: 'num' }, fmt(v)),
              h('td', { class: 'muted' }, describe(t.distributions[k])),
            ),
          ),
        ),
      ),
      steps.length > 0 ? h('section', {}, h('h2', {}, `Intermediate values (${steps.length})`), curve) : '',
      h(
        'section',
        {},
        h('h2', {}, 'User attributes'),
        Object.keys(t.userAttrs).length ? kv(t.userAttrs) : h('p', { class: 'muted' }, 'none'),
      ),
      h(
        'section',
        { id: 'trial-other' },
        h('h2', {}, 'Other fields'),
        kv(Object.fromEntries(Object.entries(t).filter(([k]) => !SHOWN.has(k)))),
      ),
      a.testEvaluations.length > 0
        ? h(
            'section',
            { id: 'test-set' },
            h('h2', {}, 'Test-set evaluations of this configuration'),
            ...a.testEvaluations.map((e, i) => kv(e, `evaluation ${i + 1}`)),
          )
        : '',
      h(
        'section',
        {},
        h('h2', {}, 'Note'),
        allowWrites && src.live
          ? h(
              'div',
              {},
              noteBox,
              h(
                'button',
                {
                  type: 'button',
                  id: 'save-note',
                  onclick: async () => {
                    try {
                      await src.post(paths.note(study, number), { note: noteBox.value });
                      clear(noteResult, 'saved');
                    } catch (e) {
                      clear(noteResult, (e as Error).message);
                    }
                  },
                },
                'save',
              ),
              noteResult,
            )
          : h('p', { id: 'note-text' }, a.note ?? h('span', { class: 'muted' }, 'none')),
      ),
      h('section', { id: 'trial-artifacts' }, h('h2', {}, 'Artifacts'), artifactList),
      bookkeeping(t, study),
    );
    // Files the trial's code saved beside the study; each link downloads one.
    src
      .get<{ folder: string | null; artifacts: { name: string; bytes: number }[] }>(
        `${paths.trial(study, number)}/artifacts`,
      )
      .then((r) =>
        clear(
          artifactList,
          r.artifacts.length === 0
            ? h(
                'p',
                { class: 'muted' },
                r.folder ? `none saved (folder ${r.folder})` : 'no artifacts folder for this storage',
              )
            : h(
                'ul',
                {},
                ...r.artifacts.map((f) =>
                  h(
                    'li',
                    {},
                    h(
                      'a',
                      {
                        href: `${paths.trial(study, number)}/artifacts/${encodeURIComponent(f.name)}`,
                        download: f.name,
                      },
                      f.name,
                    ),
                    ` (${fmt(f.bytes)} bytes)`,
                  ),
                ),
              ),
        ),
      )
      .catch((e: Error) => clear(artifactList, h('p', { class: 'muted' }, e.message)));
    if (steps.length > 0)
      draw(
        curve,
        curvesOption(
          {
            direction: (a.directions[0] ?? 'minimize') as 'minimize',
            curves: [
              {
                number: t.number,
                state: t.state,
                steps,
                values: steps.map((s) => t.intermediateValues[s] as number),
              },
            ],
            totalCurves: 1,
            band: null,
          },
          { weight: 0, biasCorrection: true },
          null,
        ),
        steps.length,
      );
  };
  load().catch((e: Error) =>
    clear(root, h('p', { class: 'error' }, e.message), h('a', { href: studyHref(study) }, `← ${study}`)),
  );
  return () => undefined;
}
