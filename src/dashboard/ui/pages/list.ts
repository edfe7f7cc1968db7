// The study list: name, directions, trials by state, best value, last activity; refreshed while open.
import { paths } from '../../paths.js';
import type { Source } from '../data.js';
import { ago, clear, fmt, h, studyHref } from '../dom.js';

interface StudyRow {
  name: string;
  directions: string[];
  trialCounts: Record<string, number>;
  bestValue: number | null;
  lastActivityAt: number;
}

const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'];

export function listPage(root: HTMLElement, src: Source): () => void {
  const body = h('tbody');
  const status = h('p', { class: 'muted' }, 'loading…');
  clear(
    root,
    h('h1', {}, 'Studies'),
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
          ...['study', 'directions', ...STATES, 'best value', 'last activity'].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ),
  );
  const load = async () => {
    const { studies } = await src.get<{ studies: StudyRow[] }>(paths.studies());
    studies.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    clear(
      status,
      studies.length === 0
        ? 'This storage holds no study yet.'
        : `${studies.length} ${studies.length === 1 ? 'study' : 'studies'}`,
    );
    clear(
      body,
      ...studies.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: studyHref(s.name), class: 'study-link' }, s.name)),
          h('td', {}, s.directions.join(', ')),
          ...STATES.map((state) =>
            h('td', { class: `num state-${state}` }, s.trialCounts[state] ? s.trialCounts[state] : ''),
          ),
          h('td', { class: 'num' }, fmt(s.bestValue)),
          h('td', {}, ago(s.lastActivityAt)),
        ),
      ),
    );
  };
  load().catch((e: Error) => clear(status, `could not load the studies: ${e.message}`));
  const timer = src.live ? setInterval(() => void load().catch(() => undefined), 5000) : undefined;
  return () => clearInterval(timer);
}
