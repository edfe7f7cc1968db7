// The trials table of a study page: sort by any column, filter by state and by parameter (or value)
// ranges, page through. Filtering happens on the server (or, in a report, with the same library code).
// Sort, filters and page live in the address, so Back and reload keep them.
import type { ParamAxis, TrialTable } from '../../../analysis/plots/index.js';
import { paths } from '../../paths.js';
import type { Source } from '../data.js';
import { clear, fmt, fmtDuration, h, trialHref } from '../dom.js';
import { hashParts, updateHashQuery } from '../url.js';

const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'];
const PAGE = 50;

export interface TrialsTable {
  readonly el: HTMLElement;
  refresh(params: ParamAxis[], directions: string[], marks: string[]): Promise<void>;
}

export function trialsTable(study: string, src: Source, notes: () => Record<number, string>): TrialsTable {
  const initial = hashParts().query;
  const state = {
    sort: initial.get('sort') ?? 'number',
    order: (initial.get('order') === 'desc' ? 'desc' : 'asc') as 'asc' | 'desc',
    states: new Set<string>((initial.get('state') ?? '').split(',').filter((s) => STATES.includes(s))),
    ranges: initial.getAll('range').flatMap((raw) => {
      const parts = raw.split(':');
      return parts.length < 3
        ? []
        : [{ field: parts.slice(0, -2).join(':'), min: parts.at(-2) ?? '', max: parts.at(-1) ?? '' }];
    }),
    offset: Math.max(0, Number(initial.get('offset')) || 0),
    mark: initial.get('mark') ?? '',
  };
  const markSelect = h('select', {
    id: 'mark-filter',
    onchange: () => {
      state.mark = markSelect.value;
      state.offset = 0;
      void load();
    },
  });
  const markLabel = h('label', { hidden: true }, 'mark ', markSelect);
  const rangeError = h('span', { class: 'error', id: 'range-error' });
  let params: ParamAxis[] = [];
  let directions: string[] = [];
  const head = h('thead');
  const body = h('tbody');
  const info = h('span', { class: 'muted', id: 'table-info' });
  const pager = h('span', { class: 'pager' });
  const ranges = h('div', { class: 'ranges' });
  const field = h('select', { id: 'range-field' });
  const min = h('input', { id: 'range-min', type: 'number', step: 'any', placeholder: 'min' });
  const max = h('input', { id: 'range-max', type: 'number', step: 'any', placeholder: 'max' });

  const stateBoxes = STATES.map((s) =>
    h(
      'label',
      { class: `chip state-${s}` },
      h('input', {
        type: 'checkbox',
        'data-state': s,
        checked: state.states.has(s),
        onchange: (e: Event) => {
          if ((e.target as HTMLInputElement).checked) state.states.add(s);
          else state.states.delete(s);
          state.offset = 0;
          void load();
        },
      }),
      ` ${s}`,
    ),
  );
  const addRange = h(
    'button',
    {
      id: 'range-add',
      type: 'button',
      onclick: () => {
        if (!field.value) return;
        // Refused here with the reason, rather than a filter that silently matches nothing.
        if (min.value !== '' && max.value !== '' && Number(min.value) > Number(max.value))
          return void clear(rangeError, `min ${min.value} is above max ${max.value}`);
        clear(rangeError);
        state.ranges.push({ field: field.value, min: min.value, max: max.value });
        state.offset = 0;
        min.value = '';
        max.value = '';
        void load();
      },
    },
    'add filter',
  );

  const el = h(
    'div',
    {},
    h('div', { class: 'filters' }, h('span', {}, 'state: '), ...stateBoxes, markLabel),
    h('div', { class: 'filters' }, h('span', {}, 'range: '), field, min, max, addRange, rangeError, ranges),
    h('div', { class: 'filters' }, info, pager),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'trials-table' }, head, body)),
  );

  const columns = () => [
    { key: 'number', label: '#' },
    { key: 'state', label: 'state', sortable: false },
    ...directions.map((d, i) => ({
      key: i === 0 ? 'value' : `value:${i}`,
      label: directions.length > 1 ? `value ${i} (${d.slice(0, 3)})` : `value (${d.slice(0, 3)})`,
    })),
    ...params.map((p) => ({ key: `param:${p.name}`, label: p.name })),
    { key: 'duration', label: 'duration' },
    { key: 'note', label: 'note', sortable: false },
  ];
  const fieldLabel = (f: string) => columns().find((c) => c.key === f)?.label ?? f;

  function renderHead(): void {
    clear(
      head,
      h(
        'tr',
        {},
        ...columns().map((c) =>
          c.sortable === false
            ? h('th', {}, c.label)
            : h(
                'th',
                {
                  class: 'sortable',
                  'data-sort': c.key,
                  onclick: () => {
                    state.order = state.sort === c.key && state.order === 'asc' ? 'desc' : 'asc';
                    state.sort = c.key;
                    void load();
                  },
                },
                c.label,
                state.sort === c.key ? (state.order === 'asc' ? ' ▲' : ' ▼') : '',
              ),
        ),
      ),
    );
    const numeric = columns().filter(
      (c) =>
        c.key === 'number' ||
        c.key.startsWith('value') ||
        c.key === 'duration' ||
        (c.key.startsWith('param:') &&
          params.find((p) => `param:${p.name}` === c.key)?.kind !== 'categorical'),
    );
    const current = field.value;
    // Durations are shown as "1.2 s" but filtered in milliseconds: the option says which.
    clear(
      field,
      ...numeric.map((c) => h('option', { value: c.key }, c.key === 'duration' ? 'duration (ms)' : c.label)),
    );
    if (current) field.value = current;
    clear(
      ranges,
      ...state.ranges.map((r, i) =>
        h(
          'span',
          { class: 'chip range' },
          `${r.min || '−∞'} ≤ ${fieldLabel(r.field)} ≤ ${r.max || '∞'} `,
          h(
            'button',
            {
              type: 'button',
              title: 'remove',
              onclick: () => {
                state.ranges.splice(i, 1);
                void load();
              },
            },
            '×',
          ),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    const q = new URLSearchParams({
      sort: state.sort,
      order: state.order,
      offset: String(state.offset),
      limit: String(PAGE),
    });
    if (state.states.size > 0) q.set('state', [...state.states].join(','));
    if (state.mark) q.set('mark', state.mark);
    for (const r of state.ranges) q.append('range', `${r.field}:${r.min}:${r.max}`);
    updateHashQuery({
      sort: state.sort === 'number' ? null : state.sort,
      order: state.order === 'asc' ? null : state.order,
      state: q.get('state'),
      range: q.getAll('range'),
      offset: state.offset > 0 ? String(state.offset) : null,
      mark: state.mark || null,
    });
    const t = await src.get<TrialTable>(paths.trials(study, q.toString()));
    renderHead();
    const n = notes();
    clear(
      body,
      ...t.rows.map((r) =>
        h(
          'tr',
          { 'data-number': r.number },
          h('td', { class: 'num' }, h('a', { href: trialHref(study, r.number) }, r.number)),
          h('td', {}, h('span', { class: `badge state-${r.state}` }, r.state)),
          ...directions.map((_, i) => h('td', { class: 'num' }, fmt(r.values?.[i] ?? null))),
          ...params.map((p) => h('td', { class: 'num' }, fmt(r.params[p.name] ?? null))),
          h('td', { class: 'num' }, fmtDuration(r.durationMs)),
          h('td', { class: 'note' }, n[r.number] ?? ''),
        ),
      ),
    );
    clear(info, `${t.matched} of ${t.total} trials match`);
    const pages = Math.max(1, Math.ceil(t.matched / PAGE));
    const page = Math.floor(state.offset / PAGE) + 1;
    clear(
      pager,
      h(
        'button',
        {
          type: 'button',
          disabled: page <= 1,
          onclick: () => {
            state.offset = Math.max(0, state.offset - PAGE);
            void load();
          },
        },
        '‹ prev',
      ),
      ` page ${page} of ${pages} `,
      h(
        'button',
        {
          type: 'button',
          disabled: page >= pages,
          onclick: () => {
            state.offset += PAGE;
            void load();
          },
        },
        'next ›',
      ),
    );
  }

  return {
    el,
    async refresh(p, d, marks) {
      params = p;
      directions = d;
      markLabel.hidden = marks.length === 0 && !state.mark;
      clear(
        markSelect,
        h('option', { value: '' }, 'any'),
        ...[...new Set([...marks, ...(state.mark ? [state.mark] : [])])].map((m) =>
          h('option', { value: m }, `#${m}`),
        ),
      );
      markSelect.value = state.mark;
      await load();
    },
  };
}
