// `tunekit mcp`: a Model Context Protocol server over a storage, on stdio (what agents launch) or on
// Streamable HTTP at 127.0.0.1; read-only unless --allow-writes. The server lives in tunekit/mcp.
import { readFileSync } from 'node:fs';
import { TunekitError } from '../../index.js';
import { defineCommand } from '../args.js';
import { STORAGE, storageUrl, withStorage } from '../common.js';

export const mcp = defineCommand({
  name: 'mcp',
  summary: 'serve studies to coding agents over the Model Context Protocol (stdio or HTTP)',
  positionals: [],
  options: {
    storage: STORAGE,
    'allow-writes': {
      type: 'boolean',
      description: 'offer create_study, ask, tell and enqueue (default: read-only tools only)',
    },
    http: {
      type: 'int',
      value: 'PORT',
      description: 'serve Streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio (0 picks a free port)',
      min: 0,
      max: 65535,
    },
  },
  notes: [
    'Needs @modelcontextprotocol/sdk (npm install @modelcontextprotocol/sdk). Tools: list_studies, describe_study, ' +
      'importance, advice, export; with --allow-writes also create_study, ask, tell, enqueue. See docs/integrations.md.',
  ],
  async run({ options }) {
    const server = await import('../../mcp/index.js').catch((error: Error) => {
      throw new TunekitError(
        'invalid_argument',
        `tunekit mcp needs @modelcontextprotocol/sdk, which did not load (${error.message}); install it with npm install @modelcontextprotocol/sdk`,
      );
    });
    const { version } = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    const allowWrites = options['allow-writes'];
    // Writes may create the storage; a read-only server refuses a database that does not exist.
    return withStorage(
      storageUrl(options.storage),
      async (storage) => {
        if (options.http === undefined) {
          await server.serveStdio({ storage, allowWrites, version });
          return 0;
        }
        const http = await server.serveHttp({ storage, allowWrites, version, port: options.http });
        // Stdout is free here (stdio is not the transport): say where the server listens.
        console.log(
          `tunekit mcp: ${http.url} (${allowWrites ? 'read-write' : 'read-only'}); Ctrl-C stops it`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await http.close();
        return 0;
      },
      { create: allowWrites },
    );
  },
});
