// Who may talk to the dashboard. The Host check stops DNS rebinding (a page on evil.example resolving to
// 127.0.0.1 would send Host: evil.example); the token guards a dashboard bound to a shared address.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

export const TOKEN_COOKIE = 'tunekit_token';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

export function isLoopback(host: string): boolean {
  return LOOPBACK.includes(host) || host.startsWith('127.') || host.endsWith('.localhost');
}

/** Host names a request may carry: loopback names, the bound address, every local address if bound to all. */
export function allowedHosts(bindHost: string, extra: readonly string[] = []): Set<string> {
  const hosts = new Set([...LOOPBACK, ...extra.map((h) => h.toLowerCase())]);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) hosts.add(a.address.toLowerCase());
  } else hosts.add(bindHost.toLowerCase());
  return hosts;
}

/** The host name of a Host header ("[::1]:8080" → "::1"), lower-cased; null if absent or malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  return match ? (match[1] ?? match[2] ?? '').toLowerCase() : null;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(token));
}

/** The token a request carries: a bearer header, the cookie set on first visit, or ?token= in the URL. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return url.searchParams.get('token');
}

/**
 * Cross-site writes: a browser sends Origin on every POST; it must be this server. Requiring a JSON content
 * type as well means a plain HTML form on another site cannot post at all.
 */
export function writeAllowed(req: IncomingMessage, hosts: Set<string>): string | null {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    return 'writes must send Content-Type: application/json';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let name: string | null = null;
    try {
      name = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      name = null;
    }
    if (name === null || !hosts.has(name)) return `cross-origin write from ${origin} refused`;
  }
  return null;
}
