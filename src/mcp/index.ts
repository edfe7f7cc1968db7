// tunekit/mcp: a Model Context Protocol server over a storage, for coding agents to drive studies.
// @modelcontextprotocol/sdk is an optional peer dependency of this subpath only.
export { createMcpServer, serveHttp, serveStdio } from './server.js';
export type { HttpMcp, McpServerOptions } from './server.js';
export { SPACE_ATTR, TOOLS } from './tools.js';
export type { Tool } from './tools.js';
export { checkInput, jsonSchema } from './input.js';
export type { FieldSpec, InputSpec } from './input.js';
