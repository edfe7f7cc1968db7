// Reading a request's query string and JSON body into plain values, with errors that name the field.
// errors.ts, not the core entry: the page bundles this file too, and the entry would bring storage along.
import { TunekitError } from '../errors.js';
import type { TrialState, TrialTableQuery } from '../index.js';

const STATES: readonly TrialState[] = ['waiting', 'running', 'complete', 'pruned', 'fail'];

export function intQuery(
  query: URLSearchParams,
  name: string,
  fallback: number,
  range: [number, number],
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range[0] || value > range[1])
    throw new TunekitError(
      'invalid_argument',
      `query parameter ${name} must be an integer in [${range[0]}, ${range[1]}], got ${JSON.stringify(raw)}`,
    );
  return value;
}

export function requiredQuery(query: URLSearchParams, name: string): string {
  const raw = query.get(name);
  if (raw === null || raw === '')
    throw new TunekitError('invalid_argument', `query parameter ${name} is required`);
  return raw;
}

/** ?state=complete,pruned&sort=param:lr&order=desc&range=param:lr:0.001:0.1&offset=0&limit=50 */
export function tableQuery(query: URLSearchParams): TrialTableQuery {
  const states = (query.get('state') ?? '').split(',').filter(Boolean) as TrialState[];
  for (const s of states)
    if (!STATES.includes(s))
      throw new TunekitError(
        'invalid_argument',
        `unknown state ${JSON.stringify(s)}; use ${STATES.join(', ')}`,
      );
  const order = query.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc')
    throw new TunekitError('invalid_argument', `order must be asc or desc, got ${JSON.stringify(order)}`);
  const ranges = query.getAll('range').map((raw) => {
    // The field may itself contain ':' (param:NAME), so min and max are the last two parts.
    const parts = raw.split(':');
    if (parts.length < 3)
      throw new TunekitError(
        'invalid_argument',
        `range must be FIELD:MIN:MAX (either bound may be empty), got ${JSON.stringify(raw)}`,
      );
    const [min, max] = parts.slice(-2).map((p) => (p === '' ? undefined : Number(p)));
    if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max)))
      throw new TunekitError('invalid_argument', `range bounds must be numbers, got ${JSON.stringify(raw)}`);
    if (min !== undefined && max !== undefined && min > max)
      throw new TunekitError(
        'invalid_argument',
        `range ${JSON.stringify(raw)}: min ${min} is above max ${max}; swap them`,
      );
    return {
      field: parts.slice(0, -2).join(':'),
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    };
  });
  return {
    states,
    sort: query.get('sort') || 'number',
    order,
    ranges,
    offset: intQuery(query, 'offset', 0, [0, Number.MAX_SAFE_INTEGER]),
    limit: intQuery(query, 'limit', 50, [1, 1000]),
  };
}

export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new TunekitError('invalid_argument', `${what}: the request body must be a JSON object`);
  return body as Record<string, unknown>;
}
