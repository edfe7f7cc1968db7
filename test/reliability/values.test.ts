// Awkward values on every storage: NaN, ±Infinity, -0, huge and tiny numbers, very long and non-ASCII
// names, names that look like SQL or HTML, deeply nested JSON. Each is stored and read back exactly, or
// refused with a TunekitError that has a code; never a driver error, never a silent change.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy, InMemoryStorage, RandomSampler, TunekitError } from '../../src/index.js';
import type { JsonValue, StudyStorage } from '../../src/index.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { createTestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import { fingerprint, scratchDir } from './helpers.js';

const dir = scratchDir('values');
const databases: TestDatabase[] = [];
afterAll(async () => {
  dir.remove();
  await Promise.all(databases.map((db) => db.drop()));
});

const NAMES: Record<string, string> = {
  long: 'n'.repeat(10_000),
  'non-ASCII': 'Größe 名前 ☃ 🎛️ \u202eRTL',
  sql: "'; DROP TABLE tunekit_trials; --",
  'sql-quote': 'a"b\'c`d\\e',
  html: '<script>alert(1)</script><img src=x onerror=alert(2)>',
  'json-like': '{"__proto__": {"polluted": true}}',
  nul: 'a\u0000b',
  newline: 'line1\nline2\r\n\t',
  'lone surrogate': 'x\ud800y',
};

const NUMBERS: Record<string, number> = {
  max: Number.MAX_VALUE,
  '-max': -Number.MAX_VALUE,
  'min subnormal': Number.MIN_VALUE,
  'unsafe integer': 2 ** 60,
  'many digits': 0.1 + 0.2,
};

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function nested(depth: number): JsonValue {
  let value: JsonValue = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
}

type Outcome = { stored: true } | { refused: string };
const outcomes: Record<string, Record<string, string>> = {};
afterAll(() => console.log(`values: ${JSON.stringify(outcomes)}`));

/** Stores through `write`, reads back through `read`: exactly equal, or a TunekitError with a code. */
async function exactly<T>(
  what: string,
  backend: string,
  value: T,
  write: () => Promise<unknown>,
  read: () => Promise<T>,
): Promise<Outcome> {
  let outcome: Outcome;
  try {
    await write();
    const back = await read();
    expect(fingerprint([back as never]), `${backend} ${what}`).toBe(fingerprint([value as never]));
    outcome = { stored: true };
  } catch (error) {
    if (!(error instanceof TunekitError))
      throw new Error(`${backend} ${what}: not a TunekitError: ${String((error as Error).stack ?? error)}`);
    expect(error.code.length, `${backend} ${what}`).toBeGreaterThan(0);
    expect(error.message.length).toBeGreaterThan(0);
    outcome = { refused: `${error.code}: ${error.message.slice(0, 120)}` };
  }
  (outcomes[backend] ??= {})[what] = 'stored' in outcome ? 'stored' : outcome.refused;
  return outcome;
}

const backends: Array<[string, () => Promise<StudyStorage>]> = [
  ['memory', async () => new InMemoryStorage()],
  ['sqlite', () => resolveStorage(`sqlite:${join(dir.path, 'values.db')}`)],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase('tunekit_rel');
      databases.push(db);
      return resolveStorage(db.url);
    },
  ],
];

describe.each(backends)('awkward values on %s', (backend, open) => {
  it('study names, parameter names and attribute keys: stored exactly or refused', async () => {
    const storage = await open();
    try {
      for (const [label, name] of Object.entries(NAMES)) {
        await exactly(
          `study name: ${label}`,
          backend,
          name,
          () => createStudy({ quiet: true, storage, studyName: name }),
          async () => (await storage.getStudy(name)).name,
        );
        const study = await createStudy({
          quiet: true,
          storage,
          studyName: `params ${label}`,
          sampler: new RandomSampler({ seed: 1 }),
        });
        let value: number | undefined;
        await exactly(
          `param name: ${label}`,
          backend,
          [name],
          async () => {
            const trial = await study.ask();
            value = trial.suggestFloat(name, 0, 1);
            await trial.setUserAttr(name, name);
            await study.tell(trial, value);
          },
          async () => {
            const [t] = await study.trials();
            expect(t!.params[name]).toBe(value);
            expect(t!.userAttrs[name]).toBe(name);
            return Object.keys(t!.params);
          },
        );
      }
      // A refused name left nothing behind: every stored study reads back under its own name.
      for (const s of await storage.listStudies())
        expect(await storage.getStudy(s.study.name)).toMatchObject({ id: s.study.id });
    } finally {
      await storage.close();
    }
  });

  it('objective and intermediate values: -0, extremes and subnormals exactly; NaN and ±Infinity as intermediate values', async () => {
    const storage = await open();
    try {
      const study = await createStudy({
        quiet: true,
        storage,
        studyName: 'numbers',
        sampler: new RandomSampler({ seed: 1 }),
      });
      for (const [label, v] of Object.entries(NUMBERS)) {
        let id = -1;
        await exactly(
          `objective value ${label}`,
          backend,
          { values: [v], intermediate: { 0: v } },
          async () => {
            const trial = await study.ask();
            id = trial.id;
            await trial.report(v, 0);
            await study.tell(trial, v);
          },
          async () => {
            const t = await storage.getTrial(id);
            return { values: t.values, intermediate: t.intermediateValues };
          },
        );
      }
      for (const [label, v] of Object.entries(SPECIAL)) {
        let id = -1;
        await exactly(
          `intermediate ${label}, objective ${label}`,
          backend,
          { intermediate: { 0: v }, state: 'fail' },
          async () => {
            const trial = await study.ask();
            id = trial.id;
            await trial.report(v, 0);
            await study.tell(trial, v); // not a valid objective value: the trial fails with the reason
          },
          async () => {
            const t = await storage.getTrial(id);
            expect(t.failReason).toMatch(/values must be finite numbers/);
            return { intermediate: t.intermediateValues, state: t.state };
          },
        );
      }
      // -0 is stored as 0 on every storage (JSON has no -0), so all three answer alike.
      const zero = await study.ask();
      await zero.report(-0, 0);
      const told = await study.tell(zero, -0);
      for (const t of [told, await storage.getTrial(zero.id)])
        expect([Object.is(t.values![0], 0), Object.is(t.intermediateValues[0], 0)]).toEqual([true, true]);
      (outcomes[backend] ??= {})['objective and intermediate -0'] = 'stored as 0';
      // A step far beyond any epoch count, and the largest safe one.
      let id = -1;
      await exactly(
        'step 2^53-1',
        backend,
        { [Number.MAX_SAFE_INTEGER]: 1 },
        async () => {
          const trial = await study.ask();
          id = trial.id;
          await trial.report(1, Number.MAX_SAFE_INTEGER);
          await study.tell(trial, 1);
        },
        async () => (await storage.getTrial(id)).intermediateValues,
      );
    } finally {
      await storage.close();
    }
  });

  it('attributes: deeply nested JSON, long and non-ASCII strings, numbers at the edges', async () => {
    const storage = await open();
    try {
      const study = await createStudy({
        quiet: true,
        storage,
        studyName: 'attrs',
        sampler: new RandomSampler({ seed: 1 }),
      });
      const values: Record<string, JsonValue> = {
        'nested 100': nested(100),
        'nested 1,000': nested(1000),
        'nested 5,000': nested(5000),
        'string 1 MB': 'é'.repeat(500_000),
        'non-ASCII': { 名前: ['☃', '🎛️'], ключ: 'значение' },
        'html and sql': { '<b>': "'; DROP TABLE x; --" },
        numbers: [Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 60, 0.1 + 0.2],
        'NUL in a string': 'a\u0000b',
      };
      for (const [label, value] of Object.entries(values)) {
        const trial = await study.ask();
        await exactly(
          `user attribute: ${label}`,
          backend,
          value,
          () => trial.setUserAttr('a', value),
          async () => (await storage.getTrial(trial.id)).userAttrs.a as JsonValue,
        );
        await study.tell(trial, 1).catch((error: unknown) => {
          // A refused attribute fails the trial with the reason stored; nothing else is written.
          if (!(error instanceof TunekitError)) throw error;
        });
        const record = await storage.getTrial(trial.id);
        expect(['complete', 'fail']).toContain(record.state);
        if (record.state === 'fail') expect(record.failReason).toMatch(/could not store/);
      }
      await exactly(
        'study attribute: nested 5,000',
        backend,
        nested(5000),
        () => study.setUserAttr('deep', nested(5000)),
        async () => (await study.userAttrs()).deep as JsonValue,
      );
    } finally {
      await storage.close();
    }
  });
});
