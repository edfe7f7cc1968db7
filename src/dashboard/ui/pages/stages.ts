// The stage strip of a staged study (docs/strategies.md): on the parent, one chip per stage saying what it
// tuned, what it held still and where, linked to the stage's study; on a stage, a link back to its parent.
// It draws the study answer's `stages` (the parent's, derived by the API) and `stage` (a stage's own link).
import type { StageSummary } from '../../../study/stages.js';
import type { StageLink } from '../../../study/types.js';
import { fmt, h } from '../dom.js';

const studyLink = (name: string, text: string) =>
  h('a', { href: `#/study/${encodeURIComponent(name)}` }, text);

/** The strip for a study, or nothing when it is not part of a staged run. */
export function stageStrip(s: { stage: StageLink | null; stages: readonly StageSummary[] }): Node | string {
  if (s.stages.length > 0)
    return h(
      'div',
      { class: 'chips stage-strip', 'data-stages': String(s.stages.length) },
      ...s.stages.map((stage) =>
        h(
          'span',
          { class: 'chip', 'data-stage': String(stage.index), title: heldText(stage.fixed) },
          studyLink(stage.study, `stage ${stage.index}: ${stage.params.join(', ')}`),
          stage.bestValue === null ? '' : ` best ${fmt(stage.bestValue)}`,
        ),
      ),
    );
  if (s.stage)
    return h(
      'div',
      { class: 'chips stage-strip' },
      h('span', { class: 'chip' }, `stage ${s.stage.index} of `, studyLink(s.stage.parent, s.stage.parent)),
    );
  return '';
}

function heldText(fixed: Readonly<Record<string, unknown>>): string {
  const held = Object.entries(fixed).map(([k, v]) => `${k} = ${String(v)}`);
  return held.length === 0 ? 'nothing held still' : `held: ${held.join(', ')}`;
}
