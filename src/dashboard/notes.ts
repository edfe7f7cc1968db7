// Study notes and trial marks, kept in the study's typed `notes` field (finished trials are immutable):
// trial numbers start at 0, so key -1 holds the study's own note (markdown); a trial's note may carry
// marks, words after '#' ("#keep #baseline"), which the trials table filters by. Pure: the page bundles it.

/** The `notes` key of the study's own note. */
export const STUDY_NOTE_KEY = -1;

const MARK = /(?:^|\s)#([\p{L}\p{N}_-]{1,40})/gu;

/** The marks in a note, lower-cased, in first-seen order. */
export function marksOf(note: string | undefined): string[] {
  const found: string[] = [];
  for (const m of (note ?? '').matchAll(MARK)) {
    const mark = (m[1] as string).toLowerCase();
    if (!found.includes(mark)) found.push(mark);
  }
  return found;
}

/** Every mark used on the study's trials (not its own note), sorted. */
export function studyMarks(notes: Readonly<Record<number, string>>): string[] {
  const all = new Set<string>();
  for (const [key, note] of Object.entries(notes))
    if (Number(key) !== STUDY_NOTE_KEY) for (const m of marksOf(note)) all.add(m);
  return [...all].sort();
}

/** Trial numbers whose note carries `mark`. */
export function markedTrials(notes: Readonly<Record<number, string>>, mark: string): Set<number> {
  const wanted = mark.toLowerCase();
  return new Set(
    Object.entries(notes)
      .filter(([key, note]) => Number(key) !== STUDY_NOTE_KEY && marksOf(note).includes(wanted))
      .map(([key]) => Number(key)),
  );
}

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: Inline[] }
  | { kind: 'paragraph'; text: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string };

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

/**
 * The markdown a note is written in, as plain data: headings, paragraphs, lists, fenced code, and bold,
 * italic, code and links inline. Links keep only http(s) and in-page targets, so a note cannot run script.
 */
export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: Inline[][] } | null = null;
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: inline(paragraph.join(' ')) });
    if (list) blocks.push({ kind: 'list', ...list });
    paragraph = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++)
        code.push(lines[i] as string);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^\s*(?:([-*])|(\d+)\.)\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3, text: inline(heading[2]!) });
    } else if (item) {
      const ordered = item[2] !== undefined;
      if (paragraph.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(inline(item[3]!));
    } else if (line.trim() === '') flush();
    else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}

const INLINE = /\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'strong', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'em', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'code', text: m[3] });
    else if (/^(https?:\/\/|#)/i.test(m[5]!)) out.push({ kind: 'link', text: m[4]!, href: m[5]! });
    else out.push({ kind: 'text', text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}
