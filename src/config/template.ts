// Templates: plain config values in which a string "$name" stands for the value of hyperparameter `name`,
// and `{ repeat: n, value: v }` for an array of n copies of v (e.g. depth × units). A reference to a
// parameter whose condition did not hold resolves to nothing, so the key falls back to its default.
import type { ParamValue } from '../search-space/index.js';
import * as check from './check.js';

const REF = /^\$([A-Za-z_][\w.-]*)$/;

/** Every "$name" in the template must name a declared hyperparameter; errors give the path. */
export function checkTemplate(template: unknown, path: string, names: ReadonlySet<string>): void {
  if (typeof template === 'string') {
    const ref = REF.exec(template);
    if (ref && !names.has(ref[1]!))
      throw check.configError(path, `a declared hyperparameter (${[...names].join(', ')})`, template);
  } else if (Array.isArray(template))
    template.forEach((v, i) => checkTemplate(v, check.join(path, i), names));
  else if (template !== null && typeof template === 'object')
    for (const [k, v] of Object.entries(template)) checkTemplate(v, check.join(path, k), names);
}

export function resolveTemplate(template: unknown, params: Readonly<Record<string, ParamValue>>): unknown {
  if (typeof template === 'string') {
    const ref = REF.exec(template);
    return ref ? params[ref[1]!] : template;
  }
  if (Array.isArray(template))
    return template.map((v) => resolveTemplate(v, params)).filter((v) => v !== undefined);
  if (template === null || typeof template !== 'object') return template;
  const o = template as Record<string, unknown>;
  if ('repeat' in o && 'value' in o && Object.keys(o).length === 2) {
    const n = resolveTemplate(o.repeat, params);
    const value = resolveTemplate(o.value, params);
    return typeof n === 'number' && n >= 0 ? Array.from({ length: Math.floor(n) }, () => value) : [];
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const resolved = resolveTemplate(v, params);
    if (resolved !== undefined) out[k] = resolved;
  }
  return out;
}
