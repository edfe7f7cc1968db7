// tunekit/dashboard: a web page over any storage tunekit writes, and a static HTML report. Its own subpath,
// so importing `tunekit` never loads an HTTP server.
import { fileURLToPath } from 'node:url';
import { openStorage as resolveStorage } from '../index.js';
import type { StudyStorage } from '../index.js';
import { defaultArtifactsDir } from './artifacts.js';
import { isLoopback, newToken } from './guard.js';
import { createDashboardServer } from './server.js';

export { createDashboardServer, ROUTES } from './server.js';
export type { ServerOptions } from './server.js';
export { writeReport, renderReport } from './report.js';
export { defaultArtifactsDir, listArtifacts, readArtifact, saveArtifact } from './artifacts.js';
export type { ArtifactEntry, SaveArtifactOptions } from './artifacts.js';
export type { ReportOptions } from './report.js';

export interface DashboardOptions {
  /** A storage, or a storage URL ('sqlite:./tunekit.db', 'postgres://...'). */
  storage: StudyStorage | string;
  /** Default 127.0.0.1. Any other address serves every machine that can reach it: see `token`. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Notes on trials, enqueueing configurations and stopping studies. Default false: read-only. */
  allowWrites?: boolean;
  /** Required of every request. Default: none on loopback, a random one on any other address. */
  token?: string | null;
  /** Extra host names requests may carry (behind a reverse proxy). */
  allowedHosts?: readonly string[];
  /** Folder of trial artifacts (`saveArtifact`). Default: beside a SQLite file (`<file>.artifacts`); none otherwise. */
  artifacts?: string | null;
}

export interface Dashboard {
  /** Where to open it (with the token, if one is needed). */
  readonly url: string;
  readonly token: string | null;
  /** What the caller should tell the user (binding beyond loopback). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

export const UI_DIR = fileURLToPath(new URL('./ui/build/', import.meta.url));

export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const local = isLoopback(host);
  const token = options.token === undefined ? (local ? null : newToken()) : options.token;
  const warnings: string[] = [];
  if (!local)
    warnings.push(
      `listening on ${host}: anyone who can reach this address ${token ? 'and has the token ' : ''}can read every study in the storage` +
        (options.allowWrites ? ' and change them' : ''),
    );
  const storage = await resolveStorage(options.storage);
  const server = createDashboardServer({
    storage,
    host,
    allowWrites: options.allowWrites ?? false,
    ...(token ? { token } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    uiDir: UI_DIR,
    artifactsDir: options.artifacts === undefined ? defaultArtifactsDir(options.storage) : options.artifacts,
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`,
    token,
    warnings,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      // A storage opened from a URL is ours to close; one passed in belongs to the caller.
      if (typeof options.storage === 'string') await storage.close();
    },
  };
}
