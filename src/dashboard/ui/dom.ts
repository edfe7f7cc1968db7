// Building the page without innerHTML: every string from a study (names, parameters, attributes, error
// text) reaches the DOM as a text node, so none of it can become markup.
export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  [name: `on${string}`]: ((event: Event) => void) | undefined;
  [name: string]: string | number | boolean | undefined | ((event: Event) => void);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value as EventListener);
    else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (name === 'checked') (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** For chart tooltips, which ECharts renders as HTML. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function fmt(v: unknown): string {
  if (typeof v !== 'number')
    return v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

/**
 * Tick labels for one axis in one notation: exponent form for every tick when the axis reaches below 1e-3
 * or beyond 1e6 (no "1.000e-4" beside "0.001"), plain numbers otherwise, with no trailing zeros.
 */
export function fmtAxis(low: number, high: number, log: boolean): (v: number) => string {
  const exponent =
    Math.min(Math.abs(low), Math.abs(high)) < 1e-3 || Math.max(Math.abs(low), Math.abs(high)) >= 1e6;
  return (v: number) => {
    if (v === 0 || !Number.isFinite(v)) return String(v);
    if (exponent && (log || Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6))
      return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
    return String(Number(v.toPrecision(4)));
  };
}

/** A share as a percentage with one decimal ("12.3%"), for every importance and share the page shows. */
export const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const studyHref = (name: string) => `#/study/${encodeURIComponent(name)}`;
export const trialHref = (name: string, number: number) =>
  `#/study/${encodeURIComponent(name)}/trial/${number}`;
