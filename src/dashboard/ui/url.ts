// The page's state in its address: `#/study/NAME?section=contour&sort=value&order=desc&state=complete`.
// Changes replace the current history entry (no hashchange, no reload), so Back and reload restore them.
export function hashParts(): { path: string[]; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const cut = raw.indexOf('?');
  return {
    path: (cut < 0 ? raw : raw.slice(0, cut)).split('/'),
    query: new URLSearchParams(cut < 0 ? '' : raw.slice(cut + 1)),
  };
}

/** Sets (or, with null, removes) keys of the hash's query; `replace` rewrites keys repeated in it. */
export function updateHashQuery(update: Record<string, string | string[] | null>): void {
  const { query } = hashParts();
  const raw = location.hash.replace(/^#\/?/, '');
  const path = raw.includes('?') ? raw.slice(0, raw.indexOf('?')) : raw;
  for (const [key, value] of Object.entries(update)) {
    query.delete(key);
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v);
  }
  const search = query.toString();
  history.replaceState(history.state, '', `#/${path}${search ? `?${search}` : ''}`);
}
