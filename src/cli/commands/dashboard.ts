// `tunekit dashboard`: serves the web dashboard over a storage until interrupted. Parses, calls
// serveDashboard from tunekit/dashboard, prints where to open it.
import { defineCommand } from '../args.js';
import { STORAGE, storageUrl, withStorage } from '../common.js';

export const dashboard = defineCommand({
  name: 'dashboard',
  summary: 'serve a web page to watch and understand the studies of a storage',
  positionals: [],
  options: {
    storage: STORAGE,
    host: {
      type: 'string',
      value: 'HOST',
      description:
        'address to bind; any other than 127.0.0.1 is reachable by others, so a token is then generated unless --token is given',
      default: '127.0.0.1',
    },
    port: {
      type: 'int',
      value: 'PORT',
      description: 'port to listen on, 0 for any free one',
      min: 0,
      max: 65535,
      default: 8080,
    },
    'allow-writes': {
      type: 'boolean',
      description: 'allow notes on trials, enqueueing configurations and stopping studies',
    },
    token: { type: 'string', value: 'TOKEN', description: 'require this token (the printed URL carries it)' },
    'allowed-host': {
      type: 'string',
      value: 'NAMES',
      description: 'extra Host names to accept, comma-separated (behind a reverse proxy)',
    },
  },
  notes: ['Serves http://127.0.0.1:8080/ (read-only unless --allow-writes) until Ctrl-C.'],
  async run({ options }) {
    // Loaded on use: other commands never pay for the dashboard.
    const { serveDashboard } = await import('../../dashboard/index.js');
    const allowed = options['allowed-host']?.split(',').filter(Boolean);
    const writes = options['allow-writes'];
    // Read-only, it must not create the database it was pointed at (a typo would show an empty page).
    return withStorage(
      storageUrl(options.storage),
      async (storage) => {
        const server = await serveDashboard({
          storage,
          port: options.port,
          allowWrites: writes,
          host: options.host,
          ...(options.token !== undefined ? { token: options.token } : {}),
          ...(allowed ? { allowedHosts: allowed } : {}),
        });
        for (const warning of server.warnings) console.error(`tunekit dashboard: warning: ${warning}`);
        console.log(
          `tunekit dashboard: ${server.url} (${writes ? 'writes allowed' : 'read-only'}; Ctrl-C to stop)`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        return 0;
      },
      { create: writes },
    );
  },
});
