// The study list: name, directions, trials by state, best value with a sparkline of the best so far, last
// activity; search by name and sort by any of them (both kept in the address); refreshed while open.
import { paths } from '../../paths.js';
import type { Source } from '../data.js';
import { ago, clear, fmt, h, studyHref } from '../dom.js';
import { hashParts, updateHashQuery } from '../url.js';

interface StudyRow {
  name: string;
  directions: string[];
  trialCounts: Record<string, number>;
  bestValue: number | null;
  lastActivityAt: number;
  sparkline: number[];
}

const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'];
const SORTS: Record<string, [string, (a: StudyRow, b: StudyRow) => number]> = {
  activity: ['last activity', (a, b) => b.lastActivityAt - a.lastActivityAt],
  name: ['name', (a, b) => a.name.localeCompare(b.name)],
  trials: ['most trials', (a, b) => total(b) - total(a)],
  best: ['best value', (a, b) => (a.bestValue ?? Infinity) - (b.bestValue ?? Infinity)],
};
const total = (s: StudyRow) => Object.values(s.trialCounts).reduce((n, c) => n + c, 0);

const SVG = 'http://www.w3.org/2000/svg';

/** The best value so far as a small line (SVG built node by node: no markup from data). */
function sparkline(values: number[]): SVGSVGElement {
  const [width, height] = [120, 24];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'sparkline');
  if (values.length < 2) return svg;
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const y = (v: number) => (hi > lo ? 2 + ((hi - v) / (hi - lo)) * (height - 4) : height / 2);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute(
    'points',
    values
      .map((v, i) => `${((i / (values.length - 1)) * (width - 2) + 1).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' '),
  );
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#e4572e');
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return svg;
}

export function listPage(root: HTMLElement, src: Source): () => void {
  const body = h('tbody');
  const status = h('p', { class: 'muted' }, 'loading…');
  const query = hashParts().query;
  let studies: StudyRow[] = [];
  // Ticked studies, kept across the list's refreshes; the link opens them on one page.
  const picked = new Set<string>();
  const compare = h('a', { id: 'compare-link', class: 'chip', hidden: true }, 'compare');
  const updateCompare = () => {
    compare.hidden = picked.size < 2;
    compare.setAttribute(
      'href',
      `#/compare?${new URLSearchParams([...picked].map((n): [string, string] => ['study', n])).toString()}`,
    );
    clear(compare, `compare ${picked.size} studies`);
  };
  const search = h('input', {
    id: 'study-search',
    type: 'search',
    placeholder: 'search by name',
    value: query.get('q') ?? '',
    oninput: () => {
      updateHashQuery({ q: search.value || null });
      render();
    },
  });
  const sort = h(
    'select',
    {
      id: 'study-sort',
      onchange: () => {
        updateHashQuery({ sort: sort.value === 'activity' ? null : sort.value });
        render();
      },
    },
    ...Object.entries(SORTS).map(([key, [text]]) => h('option', { value: key }, text)),
  );
  sort.value = SORTS[query.get('sort') ?? ''] ? (query.get('sort') as string) : 'activity';
  clear(
    root,
    h('h1', {}, 'Studies'),
    h('div', { class: 'filters' }, search, h('label', {}, 'sort by ', sort), compare),
    status,
    h(
      'table',
      { class: 'grid', id: 'study-list' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['', 'study', 'directions', ...STATES, 'best value', 'best so far', 'last activity'].map((c) =>
            h('th', {}, c),
          ),
        ),
      ),
      body,
    ),
  );
  const render = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = studies.filter((s) => s.name.toLowerCase().includes(needle)).sort(SORTS[sort.value]![1]);
    clear(
      status,
      studies.length === 0
        ? 'This storage holds no study yet.'
        : `${shown.length === studies.length ? '' : `${shown.length} of `}${studies.length} ${studies.length === 1 ? 'study' : 'studies'}`,
    );
    clear(
      body,
      ...shown.map((s) =>
        h(
          'tr',
          { 'data-study': s.name },
          h(
            'td',
            {},
            h('input', {
              type: 'checkbox',
              class: 'pick',
              title: 'compare',
              checked: picked.has(s.name),
              onchange: (e: Event) => {
                if ((e.target as HTMLInputElement).checked) picked.add(s.name);
                else picked.delete(s.name);
                updateCompare();
              },
            }),
          ),
          h('td', {}, h('a', { href: studyHref(s.name), class: 'study-link' }, s.name)),
          h('td', {}, s.directions.join(', ')),
          ...STATES.map((state) =>
            h('td', { class: `num state-${state}` }, s.trialCounts[state] ? s.trialCounts[state] : ''),
          ),
          h('td', { class: 'num' }, fmt(s.bestValue)),
          h('td', {}, sparkline(s.sparkline)),
          h('td', {}, ago(s.lastActivityAt)),
        ),
      ),
    );
  };
  const load = async () => {
    studies = (await src.get<{ studies: StudyRow[] }>(paths.studies())).studies;
    render();
  };
  load().catch((e: Error) => clear(status, `could not load the studies: ${e.message}`));
  const timer = src.live ? setInterval(() => void load().catch(() => undefined), 5000) : undefined;
  return () => clearInterval(timer);
}
