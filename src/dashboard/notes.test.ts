import { describe, expect, it } from 'vitest';
import { STUDY_NOTE_KEY, markedTrials, marksOf, parseMarkdown, studyMarks } from './notes.js';

describe('marks', () => {
  it('reads #words from trial notes, not from the study note or mid-word', () => {
    expect(marksOf('good run #Keep, see #baseline and a#b')).toEqual(['keep', 'baseline']);
    const notes = { [STUDY_NOTE_KEY]: '#study', 0: '#keep', 3: 'x #keep #odd', 4: 'plain' };
    expect(studyMarks(notes)).toEqual(['keep', 'odd']);
    expect([...markedTrials(notes, 'KEEP')]).toEqual([0, 3]);
  });
});

describe('parseMarkdown', () => {
  it('parses headings, paragraphs, lists, code and inline marks', () => {
    expect(
      parseMarkdown(
        '# Plan\nfirst **bold** and *it*\nsame para\n\n- a `x`\n- [doc](https://e.org)\n1. one\n```\nraw *no*\n```',
      ),
    ).toEqual([
      { kind: 'heading', level: 1, text: [{ kind: 'text', text: 'Plan' }] },
      {
        kind: 'paragraph',
        text: [
          { kind: 'text', text: 'first ' },
          { kind: 'strong', text: 'bold' },
          { kind: 'text', text: ' and ' },
          { kind: 'em', text: 'it' },
          { kind: 'text', text: ' same para' },
        ],
      },
      {
        kind: 'list',
        ordered: false,
        items: [
          [
            { kind: 'text', text: 'a ' },
            { kind: 'code', text: 'x' },
          ],
          [{ kind: 'link', text: 'doc', href: 'https://e.org' }],
        ],
      },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'one' }]] },
      { kind: 'code', text: 'raw *no*' },
    ]);
  });

  it('keeps a javascript: link as text', () => {
    const [block] = parseMarkdown('[x](javascript:alert(1))');
    const parts = (block as { text: { kind: string; text: string }[] }).text;
    expect(parts.every((p) => p.kind === 'text')).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe('[x](javascript:alert(1))');
  });
});
