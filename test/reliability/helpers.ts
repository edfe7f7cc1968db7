// Shared by the reliability tests: the size of the run (CI or long), throwaway directories and databases,
// worker processes that print one JSON event per line, a dashboard server on a free port, and an exact
// fingerprint of trial records.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TrialRecord } from '../../src/index.js';
import { createDashboardServer } from '../../src/dashboard/index.js';
import type { ServerOptions } from '../../src/dashboard/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilitySize: 'ci' | 'long';
  }
}

/** 'long' under `npm run test:reliability:long`; 'ci' in `npm test` and `npm run test:reliability`. */
export function runSize(): 'ci' | 'long' {
  return inject('reliabilitySize') ?? 'ci';
}

export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `tunekit-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Proc {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  /** Resolves with the first event of this kind (or matching the predicate); rejects if the process exits first. */
  event(kind: string, where?: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts a TypeScript fixture (through tsx) that prints one JSON object per stdout line. */
export function startFixture(file: string, args: unknown, env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const events: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      waiters.splice(0).forEach((wake) => wake());
    }),
  );
  const event = async (kind: string, where: (e: Record<string, unknown>) => boolean = () => true) => {
    for (;;) {
      const found = events.find((e) => e.event === kind && where(e));
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`process exited before "${kind}": ${stderr.slice(-2000)}`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { child, events, event, exit, stderr: () => stderr };
}

/**
 * The exact text of trial records, numbers included: -0, NaN and ±Infinity are spelled out, so two
 * fingerprints are equal only if every field is identical.
 */
export function fingerprint(trials: readonly TrialRecord[]): string {
  return JSON.stringify(trials, (_key, value: unknown) => {
    if (typeof value !== 'number') return value;
    if (Object.is(value, -0)) return '-0';
    return Number.isFinite(value) ? value : String(value);
  });
}

/** Counts of values, for messages: { complete: 812, pruned: 1188 }. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A dashboard server on a free loopback port, for tests that need its raw HTTP behaviour. */
export async function startDashboard(
  options: Omit<ServerOptions, 'host'>,
): Promise<{ base: string; port: number; close(): Promise<void> }> {
  const server = createDashboardServer({ ...options, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
