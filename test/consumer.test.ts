// tunekit as another project gets it: packed, installed from the tarball into a fresh project (no storage
// driver, nothing compiled), type-checked with skipLibCheck: false under NodeNext and bundler resolution,
// run, and asked for a storage whose driver is absent. Figures go to test-artifacts/consumer.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedVersion, installProject, pack, root, run, walkFiles } from './consumer-helpers.js';
import type { Packed } from './consumer-helpers.js';

interface Manifest {
  version: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const manifest = readManifest(root);

// Every entry a program may import, values and types; the storages' entries by type only, as a program
// that is handed a storage object but never opens one would.
const program = `
import { createStudy, isTunekitError, TpeSampler, type ErrorCode, type TrialRecord } from 'tunekit';
import { buildModel, fit, mlp, type History } from 'tunekit/nn';
import { loadDataset, trainValTestSplit, type Dataset } from 'tunekit/data';
import { evaluateParams } from 'tunekit/evaluate';
import type { SqliteStorage, SqliteStorageOptions } from 'tunekit/sqlite';
import type { PostgresStorage, PostgresStorageOptions } from 'tunekit/postgres';

const options: SqliteStorageOptions & PostgresStorageOptions = { busyTimeoutMs: 1_000, poolMax: 2 };
const persistent: Array<SqliteStorage | PostgresStorage> = [];

const study = await createStudy({ sampler: new TpeSampler({ seed: 1 }), quiet: true });
await study.optimize((trial) => (trial.suggestFloat('x', -5, 5) - 2) ** 2, { nTrials: 30 });
const trials: TrialRecord[] = await study.trials();

const iris: Dataset = loadDataset('iris');
const { train, val } = trainValTestSplit(iris, { valFraction: 0.2, testFraction: 0.2, stratify: true, seed: 1 });
const model = buildModel(mlp({ inputs: iris.features, hidden: [8], outputs: 3 }), { seed: 1 });
const history: History = await fit(model, train, {
  epochs: 20,
  batchSize: 16,
  loss: 'softmax_cross_entropy',
  optimizer: { kind: 'adam', lr: 0.05 },
  validation: val,
  metrics: ['accuracy'],
});
const code: ErrorCode = 'dependency_missing';
console.log(JSON.stringify({
  trials: trials.length,
  best: await study.bestValue(),
  epochs: history.epochs.length,
  valAccuracy: history.epochs.at(-1)?.val.accuracy,
  typed: [options.poolMax, persistent.length, code, typeof evaluateParams, isTunekitError(code)],
}));
`;

// What a program meets without the drivers: each storage entry, and each storage URL given to createStudy.
const missing = `
import { createStudy } from 'tunekit';
const out = {};
const fail = (e) => ({ name: e.name, code: e.code, message: e.message });
for (const entry of ['tunekit/sqlite', 'tunekit/postgres']) out[entry] = await import(entry).then(() => 'loaded', fail);
for (const storage of ['sqlite:./never.db', 'postgres://postgres@127.0.0.1:5432/never'])
  out[storage] = await createStudy({ storage }).then(() => 'opened', fail);
console.log(JSON.stringify(out));
`;

const tsconfig = (module: string, moduleResolution: string, emit: boolean) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module,
      moduleResolution,
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      ...(emit ? { outDir: 'out' } : { noEmit: true }),
    },
    files: ['main.ts'],
  });

const dir = mkdtempSync(join(tmpdir(), 'tunekit-consumer-'));
const project = join(dir, 'project');
const figures: Record<string, number> = {};
let packed: Packed;
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

beforeAll(async () => {
  const start = performance.now();
  packed = await pack(root, dir);
  figures.packSeconds = seconds(start);
  mkdirSync(project);
  const install = performance.now();
  await installProject(
    project,
    [
      packed.tarball,
      `typescript@${installedVersion('typescript')}`,
      `@types/node@${installedVersion('@types/node')}`,
    ],
    300_000,
  );
  figures.installSeconds = seconds(install);
}, 420_000);

afterAll(() => {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  writeFileSync(join(root, 'test-artifacts', 'consumer.json'), `${JSON.stringify(figures, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
});

describe('tunekit installed into another project', () => {
  it('packs what it needs and nothing dangling', () => {
    const files = new Set(packed.files);
    for (const file of ['LICENSE', 'README.md', 'package.json', ...Object.values(manifest.bin)])
      expect(files, file).toContain(file.replace(/^\.\//, ''));
    for (const [entry, target] of Object.entries(manifest.exports))
      for (const path of typeof target === 'string' ? [target] : Object.values(target))
        expect(files, `exports['${entry}']`).toContain(path.replace(/^\.\//, ''));
    const stray = packed.files.filter((f) =>
      /\.map$|\.test\.|\.contract\.|(^|\/)(testing|fixtures|bench|test)\//.test(f),
    );
    expect(stray).toEqual([]);
    // No published declaration needs a driver's types (a project without @types/pg could not check them).
    const needsDriver = packed.files.filter(
      (f) =>
        f.endsWith('.d.ts') &&
        /from '(better-sqlite3|pg)'|import\('(better-sqlite3|pg)'\)/.test(
          readFileSync(join(root, f), 'utf8'),
        ),
    );
    expect(needsDriver).toEqual([]);
    figures.packedFiles = packed.files.length;
  });

  it('installs without native compilation and without either storage driver', () => {
    const modules = join(project, 'node_modules');
    const installed = walkFiles(modules);
    const packages = new Set(
      installed.map((f) => /^(@[^/]+\/)?[^/]+/.exec(f.path.slice(modules.length + 1))![0]),
    );
    expect(packages).toContain('tunekit');
    for (const name of ['better-sqlite3', 'pg', '@types/better-sqlite3', '@types/pg'])
      expect(packages).not.toContain(name);
    expect(installed.filter((f) => f.path.endsWith('.node'))).toEqual([]);
    const tunekit = installed.filter((f) => f.path.startsWith(join(modules, 'tunekit/')));
    figures.nodeModulesMB = Math.round(installed.reduce((s, f) => s + f.bytes, 0) / 1e5) / 10;
    figures.tunekitMB = Math.round(tunekit.reduce((s, f) => s + f.bytes, 0) / 1e5) / 10;
  });

  it('type-checks a program with skipLibCheck: false under NodeNext and bundler resolution, then runs it', async () => {
    writeFileSync(join(project, 'main.ts'), program);
    writeFileSync(join(project, 'tsconfig.json'), tsconfig('NodeNext', 'NodeNext', true));
    writeFileSync(join(project, 'tsconfig.bundler.json'), tsconfig('ESNext', 'bundler', false));
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const start = performance.now();
    const [nodeNext, bundler] = await Promise.all(
      ['tsconfig.json', 'tsconfig.bundler.json'].map((config) =>
        run(process.execPath, [tsc, '-p', config], project, 240_000),
      ),
    );
    figures.typecheckSeconds = seconds(start);
    expect(nodeNext!.stdout, 'NodeNext').toBe('');
    expect(bundler!.stdout, 'bundler').toBe('');
    expect([nodeNext!.code, bundler!.code]).toEqual([0, 0]);

    const started = performance.now();
    const result = await run(process.execPath, ['out/main.js'], project, 60_000);
    figures.programSeconds = seconds(started);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as {
      trials: number;
      best: number;
      epochs: number;
      valAccuracy: number;
    };
    expect(out.trials).toBe(30);
    expect(out.best).toBeLessThan(0.1);
    expect(out.epochs).toBe(20);
    expect(out.valAccuracy).toBeGreaterThan(0.8);
  });

  it('names the package to add when a storage driver is missing, in the library and the CLI', async () => {
    writeFileSync(join(project, 'missing.mjs'), missing);
    const result = await run(process.execPath, ['missing.mjs'], project, 60_000);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, { name: string; code: string; message: string }>;
    const driverOf = (key: string) => (key.includes('sqlite') ? 'better-sqlite3' : 'pg');
    expect(Object.keys(out)).toHaveLength(4);
    for (const [key, error] of Object.entries(out)) {
      expect(error, key).toMatchObject({ name: 'TunekitError', code: 'dependency_missing' });
      expect(error.message, key).toContain(`npm install ${driverOf(key)}`);
    }
    expect(out['sqlite:./never.db']!.message).toMatch(
      /^storage URL "sqlite:\.\/never\.db": tunekit\/sqlite needs/,
    );

    // The CLI's default storage is SQLite: tunekit's own bin says what to add, and exits 1.
    const cli = await run(join(project, 'node_modules', '.bin', 'tunekit'), ['studies'], project, 60_000);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('npm install better-sqlite3');
    expect(cli.stderr).toContain('tunekit-cli');
    expect(cli.stderr).toContain('[dependency_missing]');
  });

  it('keeps tunekit-cli in step: the same version of tunekit, the drivers and MCP SDK tunekit is tested with', () => {
    const cli = readManifest(join(root, 'packages', 'cli'));
    expect(cli.version).toBe(manifest.version);
    expect(cli.dependencies).toEqual({
      tunekit: manifest.version,
      'better-sqlite3': manifest.peerDependencies['better-sqlite3'],
      pg: manifest.peerDependencies.pg,
      '@modelcontextprotocol/sdk': manifest.peerDependencies['@modelcontextprotocol/sdk'],
    });
    for (const driver of ['better-sqlite3', 'pg'])
      expect(manifest.devDependencies[driver], driver).toBe(manifest.peerDependencies[driver]);
    expect(cli.bin).toEqual({ tunekit: 'bin/tunekit.js' });
    expect(readFileSync(join(root, 'packages', 'cli', 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(root, 'LICENSE'), 'utf8'),
    );
  });
});
