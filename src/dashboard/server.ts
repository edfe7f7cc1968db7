// The dashboard's HTTP server (node:http, no framework): guards first (Host header, token, read-only),
// then the JSON routes of api.ts, then the built page. Nothing here knows what a plot is.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { TunekitError, isTunekitError } from '../index.js';
import type { ErrorCode, StudyStorage } from '../index.js';
import * as api from './api.js';
import type { ApiContext, Handler } from './api.js';
import { TrialCache } from './cache.js';
import { TOKEN_COOKIE, allowedHosts, hostName, requestToken, tokenMatches, writeAllowed } from './guard.js';
import { readStatic } from './static.js';

export interface ServerOptions {
  storage: StudyStorage;
  /** Address the server is bound to; used for the Host check. */
  host: string;
  allowWrites: boolean;
  /** When set, every request must carry it (bearer header, cookie, or ?token= once). */
  token?: string;
  /** More host names a request may use (a reverse proxy's name). */
  allowedHosts?: readonly string[];
  /** Folder holding the built page. */
  uiDir: string;
  /** Where trial artifacts are kept; none if absent. */
  artifactsDir?: string | null;
}

type Route = { method: 'GET' | 'POST'; parts: string[]; handler: Handler };

const route = (method: Route['method'], path: string, handler: Handler): Route => ({
  method,
  parts: path.split('/').slice(1),
  handler,
});

export const ROUTES: readonly Route[] = [
  route('GET', '/api/health', api.health),
  route('GET', '/api/studies', api.listStudies),
  route('GET', '/api/studies/:study', api.getStudy),
  route('GET', '/api/studies/:study/revision', api.revision),
  route('GET', '/api/studies/:study/trials', api.trials),
  route('GET', '/api/studies/:study/trials/:number', api.trial),
  route('GET', '/api/studies/:study/trials/:number/artifacts', api.artifacts),
  route('GET', '/api/studies/:study/trials/:number/artifacts/:name', api.artifact),
  route('GET', '/api/studies/:study/plots/history', api.history),
  route('GET', '/api/studies/:study/plots/intermediate', api.intermediate),
  route('GET', '/api/studies/:study/plots/parallel', api.parallel),
  route('GET', '/api/studies/:study/plots/slice', api.slice),
  route('GET', '/api/studies/:study/plots/contour', api.contour),
  route('GET', '/api/studies/:study/plots/pareto', api.pareto),
  route('GET', '/api/studies/:study/plots/rank', api.rank),
  route('GET', '/api/studies/:study/plots/hypervolume', api.hypervolume),
  route('GET', '/api/studies/:study/plots/timeline', api.timeline),
  route('GET', '/api/studies/:study/plots/edf', api.edf),
  route('GET', '/api/studies/:study/analysis', api.analysis),
  route('POST', '/api/studies/:study/trials/:number/note', api.setNote),
  route('POST', '/api/studies/:study/note', api.setStudyNote),
  route('POST', '/api/studies/:study/enqueue', api.enqueue),
  route('POST', '/api/studies/:study/stop', api.stop),
];

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_argument: 400,
  fixed_param_out_of_range: 400,
  unauthorized: 401,
  read_only: 403,
  forbidden: 403,
  host_not_allowed: 403,
  study_not_found: 404,
  trial_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  storage_unreachable: 503,
  storage_disconnected: 503,
};

const MAX_BODY = 64 * 1024;

const SECURITY_HEADERS = {
  // The page is one script and one stylesheet from this server; chart tooltips set inline styles.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function match(parts: string[], path: string): Record<string, string> | null {
  const segments = path.split('/').slice(1);
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) return null;
  }
  return params;
}

/** The route serving `method` on `pathname`, with its decoded path parameters; throws not_found or method_not_allowed. */
export function findRoute(
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } {
  let allowed: string | null = null;
  for (const route of ROUTES) {
    const params = match(route.parts, pathname);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed = route.method;
  }
  if (allowed) throw new TunekitError('method_not_allowed', `${method} is not allowed here; use ${allowed}`);
  throw new TunekitError('not_found', `no API route ${pathname}`);
}

function isFileAnswer(x: unknown): x is api.FileAnswer {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'file' && 'body' in x;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function sendError(res: ServerResponse, error: unknown): void {
  const code = isTunekitError(error) ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  send(
    res,
    STATUS[code] ?? 500,
    JSON.stringify({ error: { code, message } }),
    'application/json; charset=utf-8',
  );
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TunekitError('payload_too_large', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new TunekitError('invalid_argument', 'the request body is not valid JSON');
  }
}

export function createDashboardServer(options: ServerOptions): Server {
  const ctx: ApiContext = {
    storage: options.storage,
    cache: new TrialCache(options.storage),
    allowWrites: options.allowWrites,
    artifactsDir: options.artifactsDir ?? null,
  };
  const hosts = allowedHosts(options.host, options.allowedHosts);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = hostName(req.headers.host);
    if (name === null || !hosts.has(name))
      throw new TunekitError(
        'host_not_allowed',
        `Host ${JSON.stringify(req.headers.host ?? '')} is not this dashboard; open it by its own address (or pass --allowed-host)`,
      );
    // Appended, not resolved: a path starting with // would otherwise be read as a host name (and may not parse).
    const url = new URL(`http://dashboard.invalid${req.url ?? '/'}`);
    if (options.token !== undefined) {
      const given = requestToken(req, url);
      if (!tokenMatches(given, options.token))
        throw new TunekitError(
          'unauthorized',
          'this dashboard needs its token: open the URL tunekit dashboard printed',
        );
      if (url.searchParams.has('token') && !url.pathname.startsWith('/api/')) {
        // Trade the token in the URL for a cookie, so it leaves the address bar and the history.
        url.searchParams.delete('token');
        res.writeHead(303, {
          location: url.pathname + url.search,
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
        return void res.end();
      }
    }
    if (url.pathname.startsWith('/api/')) {
      const { route: r, params } = findRoute(
        req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET'),
        url.pathname,
      );
      if (r.method === 'POST') {
        if (!options.allowWrites)
          throw new TunekitError(
            'read_only',
            'this dashboard is read-only; restart it with --allow-writes to change studies',
          );
        const refused = writeAllowed(req, hosts);
        if (refused) throw new TunekitError('forbidden', refused);
      }
      const body = r.method === 'POST' ? await readBody(req) : undefined;
      const result = await r.handler(ctx, { params, query: url.searchParams, body });
      if (isFileAnswer(result))
        // A download, never shown inline: a saved .html or .svg must not run as this page's origin.
        return send(res, 200, result.body, 'application/octet-stream', {
          'content-disposition': `attachment; filename="${result.name}"`,
        });
      return send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new TunekitError('method_not_allowed', 'the page is read with GET');
    const file = await readStatic(options.uiDir, url.pathname);
    if (!file) throw new TunekitError('not_found', `no file ${url.pathname}`);
    send(res, 200, file.body, file.type, { 'cache-control': 'no-cache' });
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, error);
    });
  });
}
