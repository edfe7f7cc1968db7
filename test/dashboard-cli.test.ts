// `tunekit dashboard` and `tunekit report` as a user runs them (from source through tsx), on a SQLite file.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_NAME, ensureUiBuilt, seedStudies } from '../src/dashboard/testing/fixtures.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'src/cli/main.ts');
let dir: string;
let url: string;

beforeAll(async () => {
  ensureUiBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tunekit-dashboard-cli-'));
  const storage = new SqliteStorage(join(dir, 'tunekit.db'));
  await seedStudies(storage, { trials: 20 });
  await storage.close();
  url = `sqlite:${join(dir, 'tunekit.db')}`;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tunekit dashboard', () => {
  it('serves the storage read-only on 127.0.0.1 until interrupted', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'dashboard', '--storage', url, '--port', String(port)],
      { cwd: root },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain(`http://127.0.0.1:${port}/`);
    expect(out).toContain('read-only');
    const studies = (await (await fetch(`http://127.0.0.1:${port}/api/studies`)).json()) as {
      studies: { name: string }[];
    };
    expect(studies.studies.map((s) => s.name)).toContain('curves');
    const write = await fetch(`http://127.0.0.1:${port}/api/studies/curves/stop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(403);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});

describe('tunekit report', () => {
  it('writes one self-contained HTML file with the study inline and no external resource', async () => {
    const out = join(dir, 'report.html');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', main, 'report', HOSTILE_NAME, '--storage', url, '--out', out],
      { cwd: root },
    );
    expect(stdout).toMatch(/wrote .*report\.html \(\d+ KiB\)/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>&#60;img src=x onerror=alert(1)&#62; · tunekit report</title>');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    expect(html).toContain('id="tunekit-report"');
  });

  it('fails with exit code 4 for an unknown study', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', main, 'report', 'nope', '--storage', url, '--out', join(dir, 'x.html')],
      { cwd: root },
    );
    await expect(run).rejects.toMatchObject({ code: 4 });
  });
});
