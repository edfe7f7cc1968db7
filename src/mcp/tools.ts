// The MCP server's tools, as plain data: a name, what it does, its input, whether it writes, and a run
// function that is a thin shell over the library (studies, ask/tell, analysis). The server only routes.
import { parseSpace, suggestSpace } from '../config/index.js';
import {
  TunekitError,
  bestOf,
  createStudy,
  loadStudy,
  paretoFront,
  studyAdvice,
  studyImportance,
  summarizeStudy,
} from '../index.js';
import type {
  Direction,
  ImportanceOptions,
  JsonValue,
  ParamValue,
  Study,
  StudyStorage,
  TellResult,
  TrialRecord,
} from '../index.js';
import type { InputSpec } from './input.js';

/** Where create_study keeps the space on the study, so ask can draw from it without the client resending it. */
export const SPACE_ATTR = 'tunekit:space';

export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly input: InputSpec;
  /** Changes the storage: offered only with --allow-writes. */
  readonly write: boolean;
  run(args: Record<string, unknown>, storage: StudyStorage): Promise<unknown>;
}

const STUDY = { type: 'string', description: "the study's name", required: true } as const;
const SPACE_HELP =
  'the search space: name → {"type": "float"|"int"|"categorical", "low", "high", "log", "step", "choices"}, e.g. {"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}';

/**
 * The study as a library user opens it. Heartbeats are off: a client holds an asked trial between calls,
 * and with them on the next ask would fail that trial as stale once the grace period passed.
 */
const open = (storage: StudyStorage, name: unknown): Promise<Study> =>
  loadStudy({ studyName: name as string, storage, heartbeatIntervalMs: 0, quiet: true, worker: 'mcp' });

/** The study's space: the one create_study stored, unless the call gives one. */
async function spaceOf(study: Study, given: unknown) {
  const raw = given ?? (await study.userAttrs())[SPACE_ATTR];
  if (raw === undefined)
    throw new TunekitError(
      'invalid_argument',
      `ask: study "${study.name}" has no stored space; pass "space" (${SPACE_HELP}) or create the study with create_study`,
      { field: 'space' },
    );
  return parseSpace(raw, 'space');
}

function trialSummary(t: TrialRecord) {
  return { number: t.number, state: t.state, values: t.values, params: t.params };
}

function analysisOptions(study: Study, objective: unknown, tool: string): ImportanceOptions {
  const directions = study.directions;
  if (objective === undefined) {
    if (directions.length > 1)
      throw new TunekitError(
        'invalid_argument',
        `${tool}: the study has ${directions.length} objectives; choose one with "objective": 0..${directions.length - 1}`,
        { field: 'objective' },
      );
    return {};
  }
  const index = objective as number;
  if (index >= directions.length)
    throw new TunekitError(
      'invalid_argument',
      `${tool}: "objective" must be in 0..${directions.length - 1}, got ${index}`,
      { field: 'objective' },
    );
  return { direction: directions[index]!, target: (t: TrialRecord) => t.values![index]! };
}

const OBJECTIVE = {
  type: 'integer',
  minimum: 0,
  description: 'the objective of a multi-objective study (0-based)',
} as const;

export const TOOLS: readonly Tool[] = [
  {
    name: 'list_studies',
    description: 'List the studies in the storage with their directions, trial counts and best value.',
    input: {},
    write: false,
    run: async (_args, storage) => ({
      studies: (await storage.listStudies()).map((s) => ({
        name: s.study.name,
        directions: s.study.directions,
        trialCounts: s.trialCounts,
        bestValue: s.bestValue,
        lastActivity: new Date(s.lastActivityAt).toISOString(),
      })),
    }),
  },
  {
    name: 'describe_study',
    description:
      'Describe one study: directions, reproducible mode (its lag, or null), trial counts, the best trial (or the Pareto front), the search space and the last trials.',
    input: {
      study: STUDY,
      last: {
        type: 'integer',
        minimum: 0,
        description: 'how many of the latest trials to include (default 5)',
      },
    },
    write: false,
    run: async ({ study: name, last = 5 }, storage) => {
      const info = await storage.getStudy(name as string);
      const trials = await storage.getTrials(info.id);
      const summary = summarizeStudy(info, trials);
      const single = info.directions.length === 1;
      const space: Record<string, unknown> = {};
      for (const t of trials) Object.assign(space, t.distributions);
      return {
        name: info.name,
        directions: info.directions,
        reproducible: info.reproducible,
        trialCounts: summary.trialCounts,
        ...(single
          ? { best: ((b) => b && trialSummary(b))(bestOf(trials, info.directions[0]!)) }
          : { paretoFront: paretoFront(trials, info.directions).map(trialSummary) }),
        space: info.userAttrs[SPACE_ATTR] ?? null,
        distributions: space,
        lastTrials: (last === 0 ? [] : trials.slice(-(last as number))).map(trialSummary),
      };
    },
  },
  {
    name: 'create_study',
    description:
      'Create a study from a search space; ask then draws from that space. Fails if the name is taken.',
    input: {
      study: STUDY,
      space: { type: 'object', description: SPACE_HELP, required: true },
      direction: { type: 'string', enum: ['minimize', 'maximize'], description: 'default minimize' },
      directions: {
        type: 'array',
        items: { type: 'string', enum: ['minimize', 'maximize'] },
        description: 'a multi-objective study: one of "minimize" / "maximize" per objective',
      },
    },
    write: true,
    run: async ({ study: name, space, direction, directions }, storage) => {
      parseSpace(space, 'space');
      const study = await createStudy({
        studyName: name as string,
        storage,
        direction: direction as Direction | undefined,
        directions: directions as Direction[] | undefined,
        quiet: true,
      });
      await study.setUserAttr(SPACE_ATTR, space as JsonValue);
      return { name: study.name, directions: study.directions, space };
    },
  },
  {
    name: 'ask',
    description:
      'Start a trial: returns its number and the parameters to evaluate; report the result with tell.',
    input: {
      study: STUDY,
      space: { type: 'object', description: `overrides the stored space; ${SPACE_HELP}` },
    },
    write: true,
    run: async ({ study: name, space }, storage) => {
      const study = await open(storage, name);
      const entries = await spaceOf(study, space);
      const trial = await study.ask();
      const params = suggestSpace(trial, entries);
      await trial.flush();
      return { number: trial.number, params };
    },
  },
  {
    name: 'tell',
    description:
      'Finish a trial started by ask with its value (or values), or as "pruned" or "fail". Give exactly one of value, values and state.',
    input: {
      study: STUDY,
      trial: { type: 'integer', minimum: 0, description: 'the number ask returned', required: true },
      value: { type: 'number', description: 'the objective value' },
      values: { type: 'array', items: { type: 'number' }, description: 'one value per objective' },
      state: { type: 'string', enum: ['pruned', 'fail'], description: 'finish without a value' },
    },
    write: true,
    run: async ({ study: name, trial, value, values, state }, storage) => {
      const given = Object.entries({ value, values, state }).filter(([, v]) => v !== undefined);
      if (given.length !== 1)
        throw new TunekitError(
          'invalid_argument',
          `tell: give exactly one of "value", "values" and "state", got ${given.length === 0 ? 'none' : given.map(([k]) => k).join(' and ')}`,
        );
      const study = await open(storage, name);
      const record = await study.tell(trial as number, given[0]![1] as TellResult, {
        ...(state === 'fail' ? { failReason: 'failed by the MCP client' } : {}),
      });
      return trialSummary(record);
    },
  },
  {
    name: 'enqueue',
    description:
      'Enqueue a configuration: the next trial anyone asks for uses exactly these parameter values.',
    input: {
      study: STUDY,
      params: { type: 'object', description: 'name → value, e.g. {"lr": 0.01, "units": 64}', required: true },
    },
    write: true,
    run: async ({ study: name, params }, storage) => {
      const study = await open(storage, name);
      await study.enqueueTrial(params as Record<string, ParamValue>);
      return { enqueued: params };
    },
  },
  {
    name: 'importance',
    description:
      'Which hyperparameters matter: importances normalised to sum to 1 (fANOVA, PED-ANOVA for large studies).',
    input: { study: STUDY, objective: OBJECTIVE },
    write: false,
    run: async ({ study: name, objective }, storage) => {
      const study = await open(storage, name);
      return studyImportance(study, analysisOptions(study, objective, 'importance'));
    },
  },
  {
    name: 'advice',
    description:
      'What to tune next: per parameter, whether it is negligible, where the best trials sit, and a narrowed range.',
    input: { study: STUDY, objective: OBJECTIVE },
    write: false,
    run: async ({ study: name, objective }, storage) => {
      const study = await open(storage, name);
      return studyAdvice(study, analysisOptions(study, objective, 'advice'));
    },
  },
  {
    name: 'export',
    description:
      'Every trial of a study as JSON records (params, values, intermediate values, states, times).',
    input: { study: STUDY },
    write: false,
    run: async ({ study: name }, storage) => {
      const info = await storage.getStudy(name as string);
      return { study: info, trials: await storage.getTrials(info.id) };
    },
  },
];
