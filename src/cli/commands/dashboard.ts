// `tunekit dashboard`: serves the web dashboard over a storage until interrupted. Parses, calls
// serveDashboard from tunekit/dashboard, prints where to open it.
import { intOption, parseArgs } from '../args.js';
import { storageUrl } from '../common.js';
import type { Command } from './index.js';

export const dashboard: Command = {
  summary: 'serve a web page to watch and understand the studies of a storage',
  help: [
    'Usage: tunekit dashboard [--storage URL] [--host H] [--port P] [--allow-writes] [--token T] [--allowed-host NAMES]',
    '',
    'Serves http://127.0.0.1:8080/ (read-only) until Ctrl-C.',
    '  --host H          address to bind (default 127.0.0.1); any other address is reachable by others:',
    '                    a token is then generated unless --token is given',
    '  --port P          default 8080',
    '  --allow-writes    allow notes on trials, enqueueing configurations and stopping studies',
    '  --token T         require this token (the printed URL carries it)',
    '  --allowed-host N  extra Host names to accept, comma-separated (behind a reverse proxy)',
  ].join('\n'),
  async run(argv) {
    // Loaded on use: other commands never pay for the dashboard.
    const { serveDashboard } = await import('../../dashboard/index.js');
    const args = parseArgs(argv, {
      booleans: ['allow-writes'],
      values: ['storage', 'host', 'port', 'token', 'allowed-host'],
    });
    const allowed =
      typeof args.options['allowed-host'] === 'string'
        ? args.options['allowed-host'].split(',').filter(Boolean)
        : undefined;
    const server = await serveDashboard({
      storage: storageUrl(args),
      port: intOption(args, 'port', 8080),
      allowWrites: args.options['allow-writes'] === true,
      ...(typeof args.options.host === 'string' ? { host: args.options.host } : {}),
      ...(typeof args.options.token === 'string' ? { token: args.options.token } : {}),
      ...(allowed ? { allowedHosts: allowed } : {}),
    });
    for (const warning of server.warnings) console.error(`tunekit dashboard: warning: ${warning}`);
    console.log(
      `tunekit dashboard: ${server.url} (${args.options['allow-writes'] ? 'writes allowed' : 'read-only'}; Ctrl-C to stop)`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  },
};
