// Property-based fuzzing of everything that reads user input: config files, search-space constructors,
// metric lines of command trials and the dashboard's API parameters. Every bad input must give a
// TunekitError with a code and a message naming the field, never another exception, and write nothing.
// Over 400 lines on purpose: one file per fuzz run, so every surface shares the same hostile inputs
// (strings, nesting, keys) and the run ends with one tally of the cases tried.
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TunekitError,
  createStudy,
  InMemoryStorage,
  RandomSampler,
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  validateDistribution,
  contains,
  distributionsEqual,
} from '../../src/index.js';
import type { Distribution, StudyStorage } from '../../src/index.js';
import { parseConfig, parseConfigText, openConfigStudy } from '../../src/config/index.js';
import { makePruner, makeSampler, parsePlugin } from '../../src/config/plugins.js';
import { join as joinPath } from '../../src/config/check.js';
import { parseMetricLine } from '../../src/command/metric-line.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { fingerprint, scratchDir, startDashboard } from './helpers.js';

/** Totals across this file, printed at the end for docs/reliability.md. */
const tried: Record<string, number> = {};
const count = (what: string) => (tried[what] = (tried[what] ?? 0) + 1);
afterAll(() => console.log(`fuzz cases run: ${JSON.stringify(tried)}`));

const HOSTILE_STRINGS = [
  '',
  ' ',
  "'; DROP TABLE trials; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '$(touch /tmp/pwned)',
  '__proto__',
  'constructor',
  'toString',
  '名前 ☃ 🎛️',
  'a\u0000b',
  '\u202e\u2066',
  '../../etc/passwd',
  'x'.repeat(10_000),
];

function nested(depth: number, leaf: unknown = 1, asArray = depth % 2 === 0): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** Values a hostile or careless config could hold where any field is expected. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    0.5,
    1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    null,
    true,
    false,
  ),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom(nested(50), nested(300), nested(301), [], {}, [[]], { kind: 'tpe' }, ['a', 'a']),
);

const hostileKey = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)));

// A valid config touching every section; the fuzzer edits one node of it.
const BASE = {
  study: {
    name: 's',
    storage: 'sqlite:./t.db',
    direction: 'maximize',
    sampler: { kind: 'tpe', seed: 1, nStartupTrials: 5 },
    pruner: { kind: 'median', nStartupTrials: 2 },
    seed: 3,
    trials: 20,
    timeout: 60,
    retries: 1,
  },
  space: {
    lr: { type: 'float', low: 1e-5, high: 0.1, log: true },
    optimizer: { type: 'categorical', choices: ['sgd', 'adam', 1, true, null] },
    momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: 'sgd' } },
    units: { type: 'int', low: 16, high: 256, step: 16 },
  },
  objective: {
    command: { argv: ['python3', 'train.py', '--lr', '{lr}'], timeout: 30, env: { A: 'b' }, cwd: '.' },
  },
  strategy: { kind: 'coarse-to-fine', rounds: 2, trialsPerRound: 5, top: 2, margin: 0.1 },
};

type Node = Record<string, unknown> | unknown[];
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value)
    ? value.map((v, i) => paths(v, [...prefix, i]))
    : Object.entries(value).map(([k, v]) => paths(v, [...prefix, k]));
  return [prefix, ...children.flat()];
}
const BASE_PATHS = paths(BASE).filter((p) => p.length > 0);

type Edit =
  | { kind: 'set'; path: Array<string | number>; value: unknown }
  | { kind: 'delete'; path: Array<string | number> }
  | { kind: 'add'; path: Array<string | number>; key: string; value: unknown };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...BASE_PATHS), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...BASE_PATHS) }),
  fc.record({
    kind: fc.constant('add' as const),
    path: fc.constantFrom(
      ...[[], ...BASE_PATHS].filter((p) => {
        const v = at(BASE, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      }),
    ),
    key: hostileKey,
    value: hostileValue,
  }),
);

function at(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = root as Node;
  for (const key of path) node = (node as Record<string | number, unknown>)[key] as Node;
  return node;
}

function apply(e: Edit): { config: unknown; path: Array<string | number> } {
  const copy = structuredClone(BASE) as Record<string, unknown>;
  const parent = at(copy, e.path.slice(0, -1)) as Record<string | number, unknown>;
  const last = e.path.at(-1)!;
  if (e.kind === 'set') parent[last] = e.value;
  if (e.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  }
  if (e.kind === 'add') {
    // defineProperty: a key named __proto__ becomes an own field, as JSON.parse and YAML would make it.
    Object.defineProperty(at(copy, e.path), e.key, {
      value: e.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return { config: copy, path: [...e.path, e.key] };
  }
  return { config: copy, path: e.path };
}

const pathText = (path: ReadonlyArray<string | number>) =>
  path.reduce<string>((text, key) => joinPath(text, key), 'config');

/** The error must be a config_invalid TunekitError whose message starts with a field path. */
function expectConfigError(error: unknown): string {
  if (!(error instanceof TunekitError))
    throw new Error(`not a TunekitError: ${String((error as Error)?.stack ?? error)}`);
  expect(error.code).toBe('config_invalid');
  const path = (error.details as { path?: unknown } | undefined)?.path;
  expect(typeof path, `no path in details of: ${error.message}`).toBe('string');
  expect(error.message.startsWith(`${path as string}: `), error.message).toBe(true);
  return path as string;
}

/** Two paths are related when one is inside the other or they share the edited field's parent object. */
function related(reported: string, editPath: ReadonlyArray<string | number>): boolean {
  // Fields of the root are reported as config.NAME; every other path starts at the section.
  const errorPath = reported === 'config' || /^config[.[]/.test(reported) ? reported : `config.${reported}`;
  const edited = pathText(editPath);
  const parent = pathText(editPath.slice(0, -1));
  const grand = pathText(editPath.slice(0, -2));
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  // Editing a parameter can break the `when` of a later one that names it: that is where the error is.
  const param = editPath[0] === 'space' ? String(editPath[1]) : null;
  if (
    param !== null &&
    errorPath.startsWith('config.space') &&
    errorPath.endsWith(`.when${joinPath('', param).startsWith('[') ? '' : '.'}${joinPath('', param)}`)
  )
    return true;
  return (
    inside(errorPath, edited) ||
    inside(edited, errorPath) ||
    (editPath.length > 1 && inside(errorPath, parent)) ||
    (editPath.length > 2 && inside(errorPath, grand)) ||
    errorPath === 'config'
  );
}

describe('config parser (fuzzed)', () => {
  it('one edited field of a valid config: parsed, or config_invalid naming that field (5,000 cases)', () => {
    fc.assert(
      fc.property(edit, (e) => {
        count('config edits');
        const { config, path } = apply(e);
        let parsed;
        try {
          parsed = parseConfig(config);
        } catch (error) {
          const errorPath = expectConfigError(error);
          expect(
            related(errorPath, path),
            `edit at ${pathText(path)} reported at ${errorPath}: ${(error as Error).message}`,
          ).toBe(true);
          return;
        }
        // A config that parses builds its sampler and pruner, or says which option is wrong.
        for (const [spec, where] of [
          [parsed.study.sampler, 'study.sampler'],
          [parsed.study.pruner, 'study.pruner'],
        ] as const) {
          if (!spec) continue;
          try {
            if (where === 'study.sampler') makeSampler(spec, where, parsed.space, parsed.study.seed);
            else makePruner(spec, where);
          } catch (error) {
            expect(expectConfigError(error).startsWith(where), (error as Error).message).toBe(true);
          }
        }
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('any JSON document or YAML text: a config or config_invalid, never another exception (4,000 cases)', () => {
    const yamlish = fc.oneof(
      fc.string(),
      fc.string({
        unit: fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ':',
          '-',
          ' ',
          '\n',
          '"',
          "'",
          '&a',
          '*a',
          '!!',
          '#',
          'x',
          '1',
        ),
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          hostileValue.map((v) => ({ json: v })),
          yamlish.map((text) => ({ text })),
        ),
        (input) => {
          count('config documents');
          let raw: unknown;
          try {
            raw = 'text' in input ? parseConfigText(input.text, 'fuzz.yaml') : input.json;
          } catch (error) {
            if (!(error instanceof TunekitError)) throw error;
            expect(error.code).toBe('config_invalid');
            return void expect(error.message).toMatch(/^fuzz\.yaml is not valid YAML( at line \d+)?: /);
          }
          try {
            parseConfig(raw);
          } catch (error) {
            expectConfigError(error);
          }
        },
      ),
      { numRuns: 4000, seed: 12 },
    );
  });

  it('a YAML document nested 100,000 deep or with an alias bomb is refused, not a crash', () => {
    const deep = `study: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    const deepJson = `{"study": {"name": "x"}, "objective": {"command": ["true"]}, "space": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    for (const [text, file] of [
      [deep, 'hostile.yaml'],
      [bomb, 'hostile.yaml'],
      [deepJson, 'hostile.json'],
    ] as const) {
      let thrown: unknown = null;
      try {
        parseConfig(parseConfigText(text, file));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TunekitError);
      expect((thrown as TunekitError).code).toBe('config_invalid');
    }
  });

  it('a refused config writes nothing to storage (600 cases through openConfigStudy on SQLite)', async () => {
    const dir = scratchDir('fuzz-config');
    const url = `sqlite:${join(dir.path, 'fuzz.db')}`;
    const storage = new SqliteStorage(join(dir.path, 'fuzz.db'));
    let i = 0;
    try {
      await fc.assert(
        fc.asyncProperty(edit, async (e) => {
          count('config edits opened on storage');
          const name = `fuzz-${i++}`;
          const { config } = apply(e);
          const study = (config as { study?: unknown }).study;
          if (study !== null && typeof study === 'object' && !Array.isArray(study))
            (study as Record<string, unknown>).name = name;
          try {
            const opened = await openConfigStudy(parseConfig(config), { storage: url });
            await opened.storage.close();
          } catch (error) {
            expectConfigError(error);
            await expect(storage.getStudy(name)).rejects.toMatchObject({ code: 'study_not_found' });
          }
        }),
        { numRuns: 600, seed: 13 },
      );
    } finally {
      await storage.close();
      dir.remove();
    }
  });

  it('sampler and pruner options of any type: built, or config_invalid naming the option (3,000 cases)', () => {
    const kinds = [
      'random',
      'qmc',
      'grid',
      'tpe',
      'gp',
      'cmaes',
      'nsga2',
      'auto',
      'none',
      'median',
      'percentile',
      'threshold',
      'successive-halving',
      'hyperband',
      'patient',
    ];
    const options = [
      'seed',
      'nStartupTrials',
      'nEiCandidates',
      'priorWeight',
      'multivariate',
      'group',
      'constantLiar',
      'scramble',
      'shuffle',
      'pointsPerRange',
      'grid',
      'sigma0',
      'populationSize',
      'restart',
      'crossoverProb',
      'mutationProb',
      'gpMaxTrials',
      'nWarmupSteps',
      'intervalSteps',
      'nMinTrials',
      'percentile',
      'lower',
      'upper',
      'minResource',
      'maxResource',
      'reductionFactor',
      'minEarlyStoppingRate',
      'bootstrapCount',
      'patience',
      'minDelta',
      'wrapped',
      'deterministicObjective',
      'nCandidates',
    ];
    const space = parseConfig(BASE).space;
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.dictionary(fc.constantFrom(...options), hostileValue, { maxKeys: 3 }),
        (kind, opts) => {
          count('plugin options');
          const isSampler = kinds.indexOf(kind) < 8;
          const where = isSampler ? 'study.sampler' : 'study.pruner';
          try {
            const spec = parsePlugin({ kind, ...opts }, where);
            if (isSampler) makeSampler(spec, where, space);
            else makePruner(spec, where);
          } catch (error) {
            expect(expectConfigError(error).startsWith(where), (error as Error).message).toBe(true);
          }
        },
      ),
      { numRuns: 3000, seed: 14 },
    );
  });
});

describe('search-space constructors (fuzzed)', () => {
  const num = fc.oneof(
    fc.double(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 5e-324),
    hostileValue,
  );
  const opts = fc.record({ log: fc.oneof(fc.boolean(), hostileValue), step: num }, { requiredKeys: [] });
  const name = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...HOSTILE_STRINGS.filter(Boolean)));

  function checkOutcome(make: () => Distribution, paramName: string): Distribution | null {
    let d: Distribution;
    try {
      d = make();
    } catch (error) {
      if (!(error instanceof TunekitError)) throw error;
      expect(error.code).toBe('invalid_distribution');
      expect(error.message.startsWith(`parameter "${paramName}": `)).toBe(true);
      expect(error.details).toEqual({ param: paramName });
      return null;
    }
    // What was accepted survives a trip through JSON (a database row) and validates again, unchanged.
    expect(distributionsEqual(validateDistribution(paramName, JSON.parse(JSON.stringify(d))), d)).toBe(true);
    if (d.kind !== 'categorical') {
      expect(Number.isFinite(d.low) && Number.isFinite(d.high) && d.low <= d.high).toBe(true);
      expect(contains(d, d.low) && contains(d, d.high)).toBe(true);
    }
    return d;
  }

  it('float, int and categorical: a valid distribution or invalid_distribution naming the parameter (6,000 cases)', () => {
    fc.assert(
      fc.property(
        name,
        fc.constantFrom('float', 'int', 'categorical'),
        num,
        num,
        opts,
        fc.array(hostileValue, { maxLength: 6 }),
        (n, kind, low, high, o, choices) => {
          count('distributions');
          checkOutcome(
            () =>
              kind === 'float'
                ? floatDistribution(n, low as number, high as number, o as never)
                : kind === 'int'
                  ? intDistribution(n, low as number, high as number, o as never)
                  : categoricalDistribution(n, choices as never),
            n,
          );
        },
      ),
      { numRuns: 6000, seed: 21 },
    );
  });

  it('trial.suggest* with any arguments: a value inside the distribution, or an error and nothing stored (1,500 cases)', async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ quiet: true, storage, sampler: new RandomSampler({ seed: 1 }) });
    await fc.assert(
      fc.asyncProperty(
        name,
        fc.constantFrom('float', 'int', 'categorical'),
        num,
        num,
        opts,
        fc.array(hostileValue, { maxLength: 6 }),
        async (n, kind, low, high, o, choices) => {
          count('suggest calls');
          const trial = await study.ask();
          let value: unknown;
          try {
            value =
              kind === 'float'
                ? trial.suggestFloat(n, low as number, high as number, o as never)
                : kind === 'int'
                  ? trial.suggestInt(n, low as number, high as number, o as never)
                  : trial.suggestCategorical(n, choices as never);
          } catch (error) {
            if (!(error instanceof TunekitError)) throw error;
            expect(['invalid_distribution', 'invalid_argument']).toContain(error.code);
            expect(error.message).toContain(error.code === 'invalid_argument' ? 'name' : `"${n}"`);
            await study.tell(trial, 1);
            expect((await storage.getTrial(trial.id)).params).toEqual({});
            return;
          }
          const record = await study.tell(trial, 1);
          expect(contains(record.distributions[n]!, value)).toBe(true);
          expect(Object.is(record.params[n], value) || record.params[n] === value).toBe(true);
        },
      ),
      { numRuns: 1500, seed: 22 },
    );
  });
});

describe('metric lines (fuzzed)', () => {
  const numberText = fc.oneof(
    fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : JSON.stringify(String(d)))),
    fc.constantFrom(
      '1e400',
      '-1e400',
      '1e-400',
      '-0',
      '0',
      '1',
      '-1',
      '1.5',
      '"NaN"',
      '"Infinity"',
      '"-Infinity"',
      '"nan"',
      'NaN',
      'Infinity',
      '1e21',
      '123456789012345678901234567890',
      '0x10',
      '.5',
      '5.',
      '+1',
      'null',
      'true',
      '[]',
      '{}',
      '"1"',
    ),
  );
  const field = fc.oneof(
    numberText.map((v) => `"value": ${v}`),
    numberText.map((v) => `"step": ${v}`),
    fc.array(numberText, { maxLength: 3 }).map((vs) => `"values": [${vs.join(', ')}]`),
    fc.constantFrom('"loss": 1', '"value": 1, "value": 2', '"__proto__": {"value": 1}', '"Value": 1'),
  );
  const line = fc
    .tuple(
      fc.constantFrom('tunekit:', 'tunekit: ', 'tunekit:\t', 'tunekit:  '),
      fc.array(field, { minLength: 0, maxLength: 3 }),
      fc.constantFrom('', '\r', ' ', '}', ' trailing', '\u0000'),
    )
    .map(([prefix, fields, tail]) => `${prefix}{${fields.join(', ')}}${tail}`);

  it('near-valid lines: a metric with finite final values and a safe step, or metric_line_invalid (8,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          line,
          line.map((l) => l.replace('tunekit:', 'tunekit: ' + 'x'.repeat(200))),
        ),
        (text) => {
          count('metric lines');
          let metric;
          try {
            metric = parseMetricLine(text);
          } catch (error) {
            if (!(error instanceof TunekitError)) throw error;
            expect(error.code).toBe('metric_line_invalid');
            expect(error.message.length).toBeLessThan(400);
            return;
          }
          expect(metric).not.toBeNull();
          if (metric!.kind === 'final') expect(metric!.values.every(Number.isFinite), text).toBe(true);
          else expect(Number.isSafeInteger(metric!.step) && metric!.step >= 0, text).toBe(true);
        },
      ),
      { numRuns: 8000, seed: 31 },
    );
  });
});

describe('dashboard API parameters (fuzzed)', () => {
  let storage: StudyStorage;
  let base: string;
  let close: () => Promise<void>;
  let before: string;

  beforeAll(async () => {
    storage = new InMemoryStorage();
    const study = await createStudy({
      quiet: true,
      storage,
      studyName: 'fuzzed <b>study</b>',
      sampler: new RandomSampler({ seed: 2 }),
    });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat('x', -1, 1);
        trial.suggestCategorical('c', ['a', 'b']);
        await trial.report(x, 0);
        return x * x;
      },
      { nTrials: 30 },
    );
    // Read-only, as the dashboard starts by default.
    ({ base, close } = await startDashboard({ storage, allowWrites: false, uiDir: scratchDir('ui').path }));
    before = fingerprint(await storage.getTrials(study.id)) + JSON.stringify(await storage.listStudies());
  });
  afterAll(async () => close());

  const ROUTES = [
    '',
    '/revision',
    '/trials',
    '/trials/{n}',
    '/plots/history',
    '/plots/intermediate',
    '/plots/parallel',
    '/plots/slice',
    '/plots/contour',
    '/plots/pareto',
    '/plots/timeline',
    '/plots/edf',
    '/analysis',
    '/trials/{n}/note',
    '/enqueue',
    '/stop',
  ];
  const WRITE_ROUTES = ['/trials/{n}/note', '/enqueue', '/stop'];
  const QUERY_NAMES = [
    'state',
    'sort',
    'order',
    'range',
    'offset',
    'limit',
    'objective',
    'x',
    'y',
    'bins',
    'token',
  ];
  const queryValue = fc.oneof(
    fc.string(),
    fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)),
    fc.constantFrom(
      'complete,pruned',
      'param:x',
      'param:x:0:1',
      'value::',
      'number:-1:1e400',
      '-1',
      '0',
      '1e3',
      '1001',
      'NaN',
      'Infinity',
      '9007199254740993',
      'asc',
      'desc',
      'x',
      'c',
    ),
  );
  const request = fc.record({
    study: fc.oneof(
      fc.constant('fuzzed <b>study</b>'),
      fc.string(),
      fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)),
    ),
    route: fc.constantFrom(...ROUTES),
    number: fc.oneof(
      fc.constantFrom('0', '29', '30', '-1', '1.5', '1e1', '0x1', ' 1', 'NaN', ''),
      fc.string(),
    ),
    query: fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), queryValue), { maxLength: 4 }),
    method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD'),
  });

  it('any path and query: 200 with JSON, or a 4xx error with a code and a message naming the parameter; nothing written (2,000 requests)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        count('dashboard requests');
        const query = new URLSearchParams(r.query).toString();
        const path = `/api/studies/${encodeURIComponent(r.study)}${r.route.replace('{n}', encodeURIComponent(r.number))}${query ? `?${query}` : ''}`;
        const res = await fetch(base + path, {
          method: r.method,
          ...(r.method === 'POST'
            ? { body: '{"note":"x","params":{"x":0}}', headers: { 'content-type': 'application/json' } }
            : {}),
        });
        const text = await res.text();
        expect(res.status, `${r.method} ${path}: ${text}`).toBeLessThan(500);
        if (r.method === 'HEAD') return;
        const body = JSON.parse(text) as { error?: { code: string; message: string } };
        if (res.status === 200) {
          expect(body.error).toBeUndefined();
          return;
        }
        expect(typeof body.error?.code).toBe('string');
        expect(body.error!.message.length).toBeGreaterThan(0);
        // Read-only: a write route is refused before anything is read; a GET route answers 405 to POST.
        if (r.method === 'POST') expect(res.status).toBe(WRITE_ROUTES.includes(r.route) ? 403 : 405);
        if (
          body.error!.code === 'invalid_argument' &&
          /query parameter|range|state|order/.test(body.error!.message)
        ) {
          const named = QUERY_NAMES.some((q) => body.error!.message.includes(q));
          expect(named, body.error!.message).toBe(true);
        }
      }),
      { numRuns: 2000, seed: 41 },
    );
    const study = await storage.getStudy('fuzzed <b>study</b>');
    expect(fingerprint(await storage.getTrials(study.id)) + JSON.stringify(await storage.listStudies())).toBe(
      before,
    );
  });
});

describe('dashboard writes (fuzzed, with --allow-writes)', () => {
  let storage: StudyStorage;
  let base: string;
  let close: () => Promise<void>;
  let studyId: number;
  const NAME = 'writable';

  beforeAll(async () => {
    storage = new InMemoryStorage();
    const study = await createStudy({
      quiet: true,
      storage,
      studyName: NAME,
      sampler: new RandomSampler({ seed: 3 }),
    });
    studyId = study.id;
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat('x', -1, 1);
        const n = trial.suggestInt('n', 1, 9, { step: 2 });
        trial.suggestCategorical('c', ['a', 'b', 1, null]);
        return x * n;
      },
      { nTrials: 5 },
    );
    ({ base, close } = await startDashboard({ storage, allowWrites: true, uiDir: scratchDir('ui-w').path }));
  });
  afterAll(async () => close());

  const paramValue = fc.oneof(
    hostileValue,
    fc.double({ min: -2, max: 2 }),
    fc.integer({ min: 0, max: 10 }),
    fc.constantFrom('a', 'b', 1, null, -0),
  );
  const body = fc.oneof(
    fc.record({
      params: fc.dictionary(fc.oneof(fc.constantFrom('x', 'n', 'c'), hostileKey), paramValue, { maxKeys: 3 }),
    }),
    fc.record({ params: hostileValue }),
    hostileValue.map((v) => ({ v })),
  );

  it('enqueue: a valid configuration is stored exactly, anything else is refused and writes nothing (1,000 requests)', async () => {
    const known = {
      x: floatDistribution('x', -1, 1),
      n: intDistribution('n', 1, 9, { step: 2 }),
      c: categoricalDistribution('c', ['a', 'b', 1, null]),
    };
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        count('dashboard writes');
        const before = (await storage.getTrials(studyId)).length;
        const res = await fetch(`${base}/api/studies/${NAME}/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(b),
        });
        const answer = (await res.json()) as { error?: { code: string; message: string } };
        const after = await storage.getTrials(studyId);
        const params = (b as { params?: unknown }).params;
        const valid =
          params !== null &&
          typeof params === 'object' &&
          !Array.isArray(params) &&
          Object.entries(params).every(
            ([k, v]) => Object.hasOwn(known, k) && contains(known[k as keyof typeof known], v),
          );
        if (!valid) {
          expect(res.status, JSON.stringify(answer)).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(typeof answer.error?.code).toBe('string');
          expect(after).toHaveLength(before);
          return;
        }
        count('dashboard writes accepted');
        expect(res.status, JSON.stringify(answer)).toBe(200);
        expect(after).toHaveLength(before + 1);
        const stored = after.at(-1)!;
        expect(stored.state).toBe('waiting');
        expect(fingerprint([stored.fixedParams as never])).toBe(
          fingerprint([JSON.parse(JSON.stringify(params)) as never]),
        );
      }),
      { numRuns: 1000, seed: 42 },
    );
  });
});

describe('what the fuzzers found (regressions)', () => {
  it('a plug-in kind named after an Object.prototype member is an unknown kind, not a TypeError', () => {
    for (const kind of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => makePruner(parsePlugin({ kind }, 'study.pruner'), 'study.pruner')).toThrow(
        /^study\.pruner\.kind: expected one of none, median/,
      );
      expect(() => makeSampler(parsePlugin({ kind }, 'study.sampler'), 'study.sampler', [])).toThrow(
        /^study\.sampler\.kind: expected one of random/,
      );
    }
  });

  it('parameters named toString, constructor or __proto__ are ordinary parameters', async () => {
    const study = await createStudy({ quiet: true, sampler: new RandomSampler({ seed: 1 }) });
    const trial = await study.ask();
    const a = trial.suggestFloat('toString', 0, 1);
    const b = trial.suggestInt('constructor', 1, 3);
    const c = trial.suggestCategorical('__proto__', ['x', 'y']);
    const record = await study.tell(trial, 1);
    expect(Object.entries(record.params)).toEqual([
      ['toString', a],
      ['constructor', b],
      ['__proto__', c],
    ]);
  });

  it('ranges whose width overflows, steps giving more than 2^53 points and a non-boolean log are refused', () => {
    expect(() => floatDistribution('w', -1e308, 1e308)).toThrow(
      'parameter "w": the range [-1e+308, 1e+308] is too wide',
    );
    expect(() => floatDistribution('s', 0, 1e300, { step: 1e-300 })).toThrow(
      'parameter "s": step 1e-300 is too small',
    );
    expect(() => floatDistribution('l', 1, 2, { log: 'yes' as never })).toThrow(
      'parameter "l": log must be true or false, got "yes"',
    );
    expect(() => intDistribution('l', 1, 2, { log: 1 as never })).toThrow(
      'parameter "l": log must be true or false, got 1',
    );
    expect(categoricalDistribution('z', [-0, 1]).choices.map((c) => Object.is(c, -0))).toEqual([
      false,
      false,
    ]);
  });

  it('metric lines: 1e400 is not a final value; a step beyond 2^53 is not a step', () => {
    expect(() => parseMetricLine('tunekit: {"value": 1e400}')).toThrow('value must be a finite number');
    expect(() => parseMetricLine('tunekit: {"values": [1, -1e400]}')).toThrow(
      'values must be a non-empty array of finite numbers',
    );
    expect(() => parseMetricLine('tunekit: {"step": 9007199254740993, "value": 1}')).toThrow(
      'step must be a non-negative integer below 2^53',
    );
    expect(parseMetricLine('tunekit: {"step": 1, "value": 1e400}')).toEqual({
      kind: 'intermediate',
      step: 1,
      value: Infinity,
    });
  });
});
