// Security, end to end: hostile categorical choices reach a command trial only as argv, environment and
// JSON file (through `tunekit tune`, never a shell), and the dashboard server refuses, for any spelling,
// paths outside its folder and requests carrying another Host. (Escaping in a real browser, the token and
// the read-only default are tested in test/dashboard.e2e.test.ts and src/dashboard/server.test.ts.)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InMemoryStorage } from '../../src/index.js';
import { scratchDir, startDashboard } from './helpers.js';

const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const exec = promisify(execFile);
const dir = scratchDir('security');
afterAll(() => dir.remove());

describe('parameters never pass through a shell', () => {
  it('hostile categorical choices arrive byte for byte as argv, env and JSON file; no command runs', async () => {
    const victim = join(dir.path, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'keep.txt'), 'still here');
    const pwned = join(dir.path, 'pwned');
    const choices = [
      `; rm -rf ${victim}`,
      `$(touch ${pwned}-1)`,
      `\`touch ${pwned}-2\``,
      `| touch ${pwned}-3`,
      `&& touch ${pwned}-4 || touch ${pwned}-5`,
      `$((1+1)) \${HOME} ~ * ? [a] {a,b} > ${pwned}-6`,
      `'"\\'; touch ${pwned}-7; echo "`,
      '-rf',
      '{constructor}',
    ];
    // The trial checks that the three channels agree with each other and with the choice as declared.
    const py = [
      'import json, os, sys',
      'p = json.load(open(os.environ["TUNEKIT_PARAMS_FILE"]))',
      'expected = json.loads(os.environ["EXPECTED"])',
      'ok = sys.argv[1] == os.environ["TUNEKIT_PARAM_CMD"] == p["cmd"] and p["cmd"] in expected and sys.argv[2] == "{constructor}"',
      'print("tunekit:", json.dumps({"value": 1 if ok else 0}))',
    ].join('\n');
    const config = join(dir.path, 'inject.yaml');
    writeFileSync(
      config,
      stringify({
        study: {
          name: 'inject',
          storage: `sqlite:${join(dir.path, 'inject.db')}`,
          sampler: 'grid',
          trials: choices.length,
        },
        space: { cmd: { type: 'categorical', choices } },
        objective: {
          command: {
            argv: ['python3', '-c', py, '{cmd}', '{constructor}'],
            env: { EXPECTED: JSON.stringify(choices) },
          },
        },
      }),
    );
    await exec(process.execPath, ['--import', 'tsx', CLI, 'tune', config, '--quiet'], {
      cwd: REPO,
      timeout: 120_000,
    });
    const { stdout } = await exec(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'trials',
        'inject',
        '--storage',
        `sqlite:${join(dir.path, 'inject.db')}`,
        '--json',
      ],
      { cwd: REPO },
    );
    const trials = JSON.parse(stdout) as Array<{
      state: string;
      values: number[];
      params: { cmd: string };
      failReason: string | null;
    }>;
    expect(trials.map((t) => t.params.cmd).sort()).toEqual([...choices].sort());
    for (const t of trials)
      expect([t.params.cmd, t.state, t.values]).toEqual([t.params.cmd, 'complete', [1]]);
    expect(existsSync(join(victim, 'keep.txt'))).toBe(true);
    expect(readdirSync(dir.path).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});

describe('dashboard server guards (fuzzed)', () => {
  let port: number;
  let close: () => Promise<void>;
  const SECRET = 'TOP-SECRET-7f3a';

  beforeAll(async () => {
    const ui = join(dir.path, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ok</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
    // Files the server must never hand out: beside the folder, above it, and a dotfile inside it.
    writeFileSync(join(dir.path, 'secret.html'), SECRET);
    mkdirSync(join(dir.path, 'ui-private'));
    writeFileSync(join(dir.path, 'ui-private', 'index.html'), SECRET);
    writeFileSync(join(ui, '.env.js'), SECRET);
    ({ port, close } = await startDashboard({
      storage: new InMemoryStorage(),
      allowWrites: false,
      uiDir: ui,
    }));
  });
  afterAll(async () => close());

  /** A raw request: the path and the Host header exactly as given (fetch would normalise both). */
  function raw(path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('no spelling of a path leaves the folder (2,000 paths)', async () => {
    expect((await raw('/')).status).toBe(200);
    expect((await raw('/assets/app.js')).status).toBe(200);
    // Found by this fuzzer: a path starting with // was parsed as a host name and answered 500.
    for (const path of ['//%252e%252e', '//evil.example/api/health', '//'])
      expect((await raw(path)).status, path).toBe(404);
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '%2e.',
      '..%2f',
      '%2f',
      '%5c',
      '..%5c',
      '%252e%252e',
      '%c0%ae%c0%ae',
      '',
      'assets',
      'secret.html',
      'ui-private',
      'index.html',
      '.env.js',
      '%00',
      'ui',
      '~',
      ';',
      '?',
      '#',
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (segments) => {
        tried++;
        const res = await raw(`/${segments.join('/')}`);
        expect(res.body, `/${segments.join('/')}`).not.toContain(SECRET);
        expect([200, 400, 404, 405]).toContain(res.status);
      }),
      { numRuns: 2000, seed: 51 },
    );
    console.log(`traversal paths tried: ${tried}`);
  });

  it('a Host header other than this server is refused on every route (DNS rebinding; 500 headers)', async () => {
    const hosts = fc.oneof(
      fc.constantFrom(
        'evil.example',
        'evil.example:80',
        `localhost.evil.example:${port}`,
        `127.0.0.1.nip.io:${port}`,
        '0.0.0.0',
        '[::ffff:7f00:1]',
        '127.0.0.2',
        '127.1',
        '2130706433',
        'LOCALHOST.',
        ' evil.example',
      ),
      fc.domain(),
      fc.ipV4().map((ip) => `${ip}:${port}`),
    );
    const paths = fc.constantFrom(
      '/',
      '/api/health',
      '/api/studies',
      '/api/studies/x/trials',
      '/assets/app.js',
    );
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(hosts, paths, async (host, path) => {
        const res = await raw(path, host);
        // 400: Node's own parser refuses a request without a usable Host before the dashboard sees it.
        if (res.status === 403) expect(JSON.parse(res.body).error.code).toBe('host_not_allowed');
        else if (res.status !== 400) accepted.push(host);
      }),
      { numRuns: 500, seed: 52 },
    );
    // Only this machine's own names pass: loopback, spelled in any of its usual forms.
    for (const host of accepted)
      expect(host.replace(/:\d+$/, '').toLowerCase(), host).toMatch(/^(127\.0\.0\.1|localhost|\[::1\])$/);
  });
});
