// The importance section: importance and interaction bars, and the advice on what to tune next in words.
import type { Advice, ImportanceResult, InteractionResult } from '../../../analysis/index.js';
import { draw } from '../charts/core.js';
import { importanceOption, interactionsOption } from '../charts/importance.js';
import { clear, fmt, h, pct } from '../dom.js';

type Attempt<T> = { result: T } | { error: { code: string; message: string } };

export interface AnalysisAnswer {
  importance: Attempt<ImportanceResult>;
  interactions: Attempt<InteractionResult>;
  advice: Attempt<Advice>;
}

export function analysisSection(): { el: HTMLElement; render(a: AnalysisAnswer): void } {
  const importance = h('div', { class: 'chart small', 'data-chart': 'importance' });
  const interactions = h('div', { class: 'chart small', 'data-chart': 'interactions' });
  const importanceNote = h('p', { class: 'muted' });
  const interactionsNote = h('p', { class: 'muted' });
  const advice = h('div', { class: 'advice', id: 'advice' });
  const el = h(
    'div',
    { class: 'pair' },
    h('div', {}, h('h3', {}, 'Importance'), importanceNote, importance),
    h('div', {}, h('h3', {}, 'Interactions'), interactionsNote, interactions),
    h('div', { class: 'wide' }, h('h3', {}, 'Advice: what to tune next'), advice),
  );
  return {
    el,
    render(a) {
      if ('result' in a.importance) {
        const r = a.importance.result;
        // The spread over trees says how far to trust the ranking; conditional parameters say why they are absent.
        const unsure = r.params.some(
          (p) => p.std !== undefined && p.importance > 0 && p.std > p.importance / 2,
        );
        clear(
          importanceNote,
          `${r.evaluator === 'fanova' ? 'fANOVA' : 'PED-ANOVA'} over ${r.nTrials} complete trials${r.evaluator === 'fanova' ? '; whiskers: ± one standard deviation over the trees' : ''}`,
          unsure
            ? h(
                'span',
                { class: 'warn', id: 'importance-unsure' },
                ` The trees disagree (spread over half the importance): read the ranking as rough${r.nTrials < 20 ? `, ${r.nTrials} trials are few` : ''}.`,
              )
            : '',
          ...r.excluded.map((e) =>
            h(
              'span',
              { class: 'excluded', 'data-excluded': e.param },
              ` Not ranked: ${e.param} (${e.reason === 'conditional' ? `set in ${e.trials} of ${r.nTrials} trials; importance compares trials that all have it` : 'drawn from several distributions'}).`,
            ),
          ),
        );
        importance.style.height = `${Math.max(140, 28 * r.params.length + 40)}px`;
        draw(importance, importanceOption(r), r.params.length);
      } else clear(importanceNote, a.importance.error.message);
      if ('result' in a.interactions && a.interactions.result.pairs.length > 0) {
        const r = a.interactions.result;
        clear(
          interactionsNote,
          `pairs explain ${pct(r.pairs.reduce((s, p) => s + p.share, 0))} of the variance; main effects and pairs together ${pct(r.explained)}`,
        );
        interactions.style.height = `${Math.max(140, 28 * r.pairs.length + 40)}px`;
        draw(interactions, interactionsOption(r), r.pairs.length);
      } else
        clear(
          interactionsNote,
          'error' in a.interactions ? a.interactions.error.message : 'no pair of parameters to compare',
        );
      if ('result' in a.advice) {
        const r = a.advice.result;
        clear(
          advice,
          h('p', { class: 'summary' }, r.summary),
          h(
            'ul',
            {},
            ...r.params.map((p) =>
              h(
                'li',
                {},
                h('b', {}, p.param),
                p.importance !== undefined ? ` (importance ${pct(p.importance)})` : '',
                ': ',
                p.kind === 'categorical'
                  ? `best trials use ${p.top.map((t) => `${JSON.stringify(t.choice)} ×${t.count}`).join(', ')}${p.never.length ? `; never best: ${p.never.map((c) => JSON.stringify(c)).join(', ')}` : ''}${p.untried.length ? `; untried: ${p.untried.map((c) => JSON.stringify(c)).join(', ')}` : ''}`
                  : `best trials span ${fmt(p.low)} … ${fmt(p.high)}${p.log ? ' (log)' : ''}, ${pct(p.span)} of the range`,
              ),
            ),
          ),
          h('p', { class: 'muted' }, `based on the best ${r.nTop} of ${r.nTrials} complete trials`),
        );
      } else clear(advice, h('p', { class: 'muted' }, a.advice.error.message));
    },
  };
}
