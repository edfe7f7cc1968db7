// `tunekit mcp` driven by the MCP SDK's own client, as an agent would: over stdio (the built bin, a real
// SQLite file), a create_study + 20-trial ask/tell loop on a known function, then the best and the
// importance read back; read-only by default; bad input refused with the field named; Streamable HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tunekit-mcp-'));
const storage = `sqlite:${join(dir, 'studies.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type ToolResult = {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: unknown;
};

async function connect(args: string[]): Promise<Client> {
  const client = new Client({ name: 'tunekit-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(root, 'dist/cli/main.js'), 'mcp', '--storage', storage, ...args],
      stderr: 'pipe',
    }),
  );
  return client;
}

async function call<T>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  if (result.isError) throw new Error(result.content[0]!.text);
  // The text and the structured content say the same thing.
  expect(JSON.parse(result.content[0]!.text)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

async function errorText(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  expect(result.isError).toBe(true);
  return result.content[0]!.text;
}

/** Known minimum 0 at x = 1, y = -2; x matters far more than y, and c not at all. */
const f = (p: { x: number; y: number }) => (p.x - 1) ** 2 + 0.05 * (p.y + 2) ** 2;
const space = {
  x: { type: 'float', low: -5, high: 5 },
  y: { type: 'float', low: -5, high: 5 },
  c: { type: 'categorical', choices: ['a', 'b'] },
};

describe('tunekit mcp', () => {
  it('over stdio: creates a study, runs 20 trials by ask/tell, reads the best and the importance back', async () => {
    const client = await connect(['--allow-writes']);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual([
        'advice',
        'ask',
        'create_study',
        'describe_study',
        'enqueue',
        'export',
        'importance',
        'list_studies',
        'tell',
      ]);
      await call(client, 'create_study', { study: 'quad', space });
      await call(client, 'enqueue', { study: 'quad', params: { x: 1, y: -2, c: 'b' } });
      const told: number[] = [];
      for (let i = 0; i < 20; i++) {
        const { number, params } = await call<{ number: number; params: { x: number; y: number } }>(
          client,
          'ask',
          { study: 'quad' },
        );
        expect(number).toBe(i);
        const value = f(params);
        told.push(value);
        const record = await call<{ state: string }>(client, 'tell', { study: 'quad', trial: number, value });
        expect(record.state).toBe('complete');
      }
      const study = await call<{
        reproducible: null | { lag: number };
        trialCounts: Record<string, number>;
        best: { number: number; values: number[]; params: Record<string, unknown> };
        lastTrials: { number: number }[];
      }>(client, 'describe_study', { study: 'quad' });
      expect(study.trialCounts.complete).toBe(20);
      expect(study.reproducible).toBeNull();
      expect(study.lastTrials.map((t) => t.number)).toEqual([15, 16, 17, 18, 19]);
      const none = await call<{ lastTrials: unknown[] }>(client, 'describe_study', {
        study: 'quad',
        last: 0,
      });
      expect(none.lastTrials).toEqual([]);
      // The enqueued optimum ran first and stays the best.
      expect(study.best).toMatchObject({ number: 0, values: [0], params: { x: 1, y: -2, c: 'b' } });
      expect(Math.min(...told)).toBe(0);
      const imp = await call<{ nTrials: number; params: { param: string; importance: number }[] }>(
        client,
        'importance',
        { study: 'quad' },
      );
      expect(imp.nTrials).toBe(20);
      expect(imp.params[0]!.param).toBe('x');
      expect(imp.params[0]!.importance).toBeGreaterThan(0.5);
      const tips = await call<{ summary: string }>(client, 'advice', { study: 'quad' });
      expect(tips.summary).toEqual(expect.any(String));
      const exported = await call<{ trials: unknown[] }>(client, 'export', { study: 'quad' });
      expect(exported.trials).toHaveLength(20);
      const list = await call<{ studies: { name: string; bestValue: number }[] }>(client, 'list_studies');
      expect(list.studies).toEqual([expect.objectContaining({ name: 'quad', bestValue: 0 })]);

      // Bad input: refused, naming the field and what it takes.
      expect(
        await errorText(client, 'ask', { study: 'quad', space: { x: { type: 'float', low: 2, high: 1 } } }),
      ).toBe('config_invalid: space.x: low (2) is greater than high (1); swap them');
      expect(await errorText(client, 'tell', { study: 'quad', trial: 3, value: 1, state: 'pruned' })).toBe(
        'invalid_argument: tell: give exactly one of "value", "values" and "state", got value and state',
      );
      expect(await errorText(client, 'tell', { study: 'quad', trial: -1, value: 1 })).toBe(
        'invalid_argument: tell: "trial" must be an integer >= 0, got -1',
      );
      expect(await errorText(client, 'describe_study', { study: 'quad', limit: 3 })).toMatch(
        /^invalid_argument: describe_study: unknown argument "limit"; it takes study, last$/,
      );
      expect(await errorText(client, 'describe_study', { study: 'nope' })).toMatch(/^study_not_found: /);
      expect(await errorText(client, 'tell', { study: 'quad', trial: 4, value: 1 })).toMatch(
        /^trial_finished: /,
      );
    } finally {
      await client.close();
    }
  }, 120_000);

  it('is read-only without --allow-writes: write tools are not offered and are refused', async () => {
    const client = await connect([]);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.map((t) => t.name).sort()).toEqual([
        'advice',
        'describe_study',
        'export',
        'importance',
        'list_studies',
      ]);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      expect(await errorText(client, 'ask', { study: 'quad' })).toBe(
        'ask changes the storage and this server is read-only; start it with tunekit mcp --allow-writes',
      );
      const list = await call<{ studies: { name: string }[] }>(client, 'list_studies');
      expect(list.studies.map((s) => s.name)).toEqual(['quad']);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('serves Streamable HTTP on 127.0.0.1', async () => {
    const { openStorage } = await import('tunekit');
    const { serveHttp } = await import('tunekit/mcp');
    const opened = await openStorage(storage);
    const http = await serveHttp({ storage: opened });
    const client = new Client({ name: 'tunekit-test', version: '1.0.0' });
    try {
      expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const study = await call<{ trialCounts: { complete: number } }>(client, 'describe_study', {
        study: 'quad',
      });
      expect(study.trialCounts.complete).toBe(20);
    } finally {
      await client.close();
      await http.close();
      await opened.close();
    }
  }, 60_000);
});
