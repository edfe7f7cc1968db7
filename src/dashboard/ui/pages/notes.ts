// The study's own note: markdown, drawn node by node from parseMarkdown's plain data (no innerHTML), and
// editable in place when the dashboard allows writes; stored with the study, so every viewer sees it.
import { STUDY_NOTE_KEY, parseMarkdown } from '../../notes.js';
import type { Inline } from '../../notes.js';
import { paths } from '../../paths.js';
import type { Source } from '../data.js';
import { clear, h } from '../dom.js';

function inline(parts: Inline[]): (Node | string)[] {
  return parts.map((p) =>
    p.kind === 'text'
      ? p.text
      : p.kind === 'link'
        ? h(
            'a',
            {
              href: p.href,
              rel: 'noopener noreferrer',
              target: p.href.startsWith('#') ? undefined : '_blank',
            },
            p.text,
          )
        : h(p.kind === 'strong' ? 'strong' : p.kind === 'em' ? 'em' : 'code', {}, p.text),
  );
}

export function renderMarkdown(el: HTMLElement, source: string): void {
  clear(
    el,
    ...parseMarkdown(source).map((b) =>
      b.kind === 'heading'
        ? h(b.level === 1 ? 'h3' : b.level === 2 ? 'h4' : 'h5', {}, ...inline(b.text))
        : b.kind === 'paragraph'
          ? h('p', {}, ...inline(b.text))
          : b.kind === 'code'
            ? h('pre', {}, b.text)
            : h(b.ordered ? 'ol' : 'ul', {}, ...b.items.map((item) => h('li', {}, ...inline(item)))),
    ),
  );
}

export function studyNotes(
  name: string,
  src: Source,
  allowWrites: boolean,
): { el: HTMLElement; render(notes: Record<number, string>): void } {
  const view = h('div', { class: 'markdown', id: 'study-note' });
  const box = h('textarea', { id: 'study-note-input', rows: 6, hidden: true });
  const status = h('span', { class: 'muted' });
  let editing = false;
  const edit = h(
    'button',
    {
      type: 'button',
      id: 'edit-study-note',
      onclick: async () => {
        if (!editing) {
          editing = true;
          box.hidden = false;
          clear(edit, 'save');
          return;
        }
        try {
          await src.post(paths.studyNote(name), { note: box.value });
          renderMarkdown(view, box.value);
          editing = false;
          box.hidden = true;
          clear(edit, 'edit');
          clear(status, 'saved');
        } catch (e) {
          clear(status, (e as Error).message);
        }
      },
    },
    'edit',
  );
  const writable = allowWrites && src.live;
  return {
    el: h(
      'div',
      {},
      view,
      writable ? h('div', {}, box, edit, ' ', status) : '',
      h(
        'p',
        { class: 'muted' },
        writable
          ? 'Markdown. Stored with the study. A trial note can carry marks such as #keep, which the trials table filters by.'
          : 'Markdown, stored with the study; editable when the dashboard runs with --allow-writes.',
      ),
    ),
    render(notes) {
      const text = notes[STUDY_NOTE_KEY] ?? '';
      if (!editing) box.value = text;
      if (text) renderMarkdown(view, text);
      else clear(view, h('p', { class: 'muted' }, 'no note yet'));
    },
  };
}
