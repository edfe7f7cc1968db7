// The stage strip of a staged study (docs/strategies.md): on the parent, one chip per stage saying what it
// tuned, what it held still and where, linked to the stage's study; on a stage, a link back to its parent.
import { fmt, h } from '../dom.js';

interface StageChip {
  index: number;
  study: string;
  params: string[];
  fixed: Record<string, unknown>;
  best: number | null;
}

const studyLink = (name: string, text: string) =>
  h('a', { href: `#/study/${encodeURIComponent(name)}` }, text);

/** The strip for a study's user attributes, or nothing when it is not part of a staged run. */
export function stageStrip(userAttrs: Record<string, unknown> | undefined): Node | string {
  const staged = userAttrs?.staged as { stages?: StageChip[] } | undefined;
  const stage = userAttrs?.stage as { parent?: string; index?: number } | undefined;
  if (Array.isArray(staged?.stages))
    return h(
      'div',
      { class: 'chips stage-strip', 'data-stages': String(staged.stages.length) },
      ...staged.stages.map((s) =>
        h(
          'span',
          { class: 'chip', 'data-stage': String(s.index), title: heldText(s.fixed) },
          studyLink(s.study, `stage ${s.index}: ${s.params.join(', ')}`),
          s.best === null ? '' : ` best ${fmt(s.best)}`,
        ),
      ),
    );
  if (typeof stage?.parent === 'string')
    return h(
      'div',
      { class: 'chips stage-strip' },
      h('span', { class: 'chip' }, `stage ${stage.index} of `, studyLink(stage.parent, stage.parent)),
    );
  return '';
}

function heldText(fixed: Record<string, unknown>): string {
  const held = Object.entries(fixed).map(([k, v]) => `${k} = ${String(v)}`);
  return held.length === 0 ? 'nothing held still' : `held: ${held.join(', ')}`;
}
