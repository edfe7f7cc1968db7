// Changing a study from the page (only offered when the server runs with --allow-writes): enqueue a
// configuration, ask the study to stop.
import { paths } from '../../paths.js';
import type { Source } from '../data.js';
import { clear, h } from '../dom.js';

export function actionsSection(
  study: string,
  src: Source,
  bestParams: () => Record<string, unknown> | null,
): HTMLElement {
  const params = h('textarea', {
    id: 'enqueue-params',
    rows: 4,
    spellcheck: 'false',
    placeholder: '{"lr": 0.01}',
  });
  const result = h('p', { class: 'muted', id: 'action-result' });
  const say = (text: string, ok: boolean) => {
    result.className = ok ? 'ok' : 'error';
    clear(result, text);
  };
  return h(
    'div',
    {},
    h(
      'p',
      {},
      'Enqueue a configuration: the next trial a worker starts uses these values (parameters left out are sampled).',
    ),
    params,
    h(
      'div',
      { class: 'filters' },
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            params.value = JSON.stringify(bestParams() ?? {}, null, 1);
          },
        },
        'fill in the best trial',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'enqueue',
          onclick: async () => {
            try {
              const parsed = JSON.parse(params.value) as unknown;
              await src.post(paths.enqueue(study), { params: parsed });
              say('enqueued', true);
            } catch (e) {
              say((e as Error).message, false);
            }
          },
        },
        'enqueue',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'stop-study',
          class: 'danger',
          onclick: async () => {
            if (!confirm(`Ask every worker of "${study}" to stop after its current trial?`)) return;
            try {
              await src.post(paths.stop(study), {});
              say('stop requested: every worker stops after its current trial', true);
            } catch (e) {
              say((e as Error).message, false);
            }
          },
        },
        'stop study',
      ),
    ),
    result,
  );
}
