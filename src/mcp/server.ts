// `tunekit mcp`: the tools of tools.ts served over the Model Context Protocol (the official SDK), on stdio
// or on Streamable HTTP bound to 127.0.0.1. Read-only unless allowWrites, like the dashboard.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { isTunekitError } from '../index.js';
import type { StudyStorage } from '../index.js';
import { checkInput, jsonSchema } from './input.js';
import { TOOLS } from './tools.js';

export interface McpServerOptions {
  storage: StudyStorage;
  /** Offer the tools that change the storage (create_study, ask, tell, enqueue). Default false. */
  allowWrites?: boolean;
  /** Reported to clients as the server's version. */
  version?: string;
}

/** An MCP server (not yet connected to a transport) over one storage. */
export function createMcpServer(options: McpServerOptions): Server {
  const allowWrites = options.allowWrites ?? false;
  // The low-level server: the tools are plain data with JSON Schemas, checked by checkInput, not zod.
  const server = new Server(
    { name: 'tunekit', version: options.version ?? '0.0.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Hyperparameter tuning studies. list_studies and describe_study to look; create_study, then a loop of ask ' +
        '(evaluate the params yourself) and tell; importance and advice once a few dozen trials are complete.' +
        (allowWrites
          ? ''
          : ' This server is read-only: restart it with --allow-writes to create studies or run trials.'),
    },
  );
  const offered = TOOLS.filter((t) => allowWrites || !t.write);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: offered.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: jsonSchema(t.input) as { type: 'object' },
      annotations: { readOnlyHint: !t.write },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    const tool = TOOLS.find((t) => t.name === params.name);
    try {
      if (!tool)
        return failure(
          `unknown tool "${params.name}"; the tools are ${offered.map((t) => t.name).join(', ')}`,
        );
      if (tool.write && !allowWrites)
        return failure(
          `${tool.name} changes the storage and this server is read-only; start it with tunekit mcp --allow-writes`,
        );
      const result = (await tool.run(
        checkInput(tool.name, tool.input, params.arguments),
        options.storage,
      )) as Record<string, unknown>;
      return {
        content: [{ type: 'text' as const, text: JSON.stringify(result, finite, 2) }],
        structuredContent: JSON.parse(JSON.stringify(result, finite)) as Record<string, unknown>,
      };
    } catch (error) {
      // A tunekit error is the client's to fix (its message says how); anything else is a bug, sent as is.
      if (isTunekitError(error)) return failure(`${error.code}: ${error.message}`);
      return failure(`internal error: ${(error as Error).message}`);
    }
  });
  return server;
}

/** JSON has no Infinity or NaN: send them as strings, as tunekit's JSON output does. */
const finite = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);

const failure = (text: string) => ({ isError: true, content: [{ type: 'text' as const, text }] });

/** Serves on this process's stdin and stdout until the client closes them. */
export async function serveStdio(options: McpServerOptions): Promise<void> {
  const server = createMcpServer(options);
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  await closed;
}

export interface HttpMcp {
  /** http://127.0.0.1:PORT/mcp */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Streamable HTTP on 127.0.0.1 only, stateless: each POST to /mcp gets a fresh server and transport over
 * the same storage, so no session state lives here (the storage is the only source of truth).
 */
export async function serveHttp(options: McpServerOptions & { port?: number }): Promise<HttpMcp> {
  const http: HttpServer = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('tunekit mcp serves POST /mcp\n');
      return;
    }
    const server = createMcpServer(options);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => void transport.close().then(() => server.close()));
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`tunekit mcp: ${error.message}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
