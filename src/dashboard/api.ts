// The dashboard's JSON API: one small function per route, each reading the storage through the trial cache
// and returning plain data from src/analysis. The page draws what these return and computes nothing.
import {
  TunekitError,
  advice,
  contains,
  importance,
  interactions,
  isTunekitError,
  requestStop,
  stopRequests,
  summarizeStudy,
  contourPlot,
  edfPlot,
  historyPlot,
  intermediatePlot,
  paramAxes,
  parallelPlot,
  paretoPlot,
  hypervolumePlot,
  rankPlot,
  slicePlots,
  stagesOf,
  timelinePlot,
  trialTable,
} from '../index.js';
import type { Distribution, ParamValue, StudyInfo, StudyStorage, TrialRecord } from '../index.js';
import { listArtifacts, readArtifact } from './artifacts.js';
import type { TrialCache } from './cache.js';
import { STUDY_NOTE_KEY, markedTrials, studyMarks } from './notes.js';
import { intQuery, objectBody, requiredQuery, tableQuery } from './query.js';

export interface ApiContext {
  readonly storage: StudyStorage;
  readonly cache: TrialCache;
  readonly allowWrites: boolean;
  /** Where trial artifacts are kept (see artifacts.ts); null when the dashboard was given none. */
  readonly artifactsDir?: string | null;
}

/** A route's answer that is a file to download rather than JSON. */
export interface FileAnswer {
  readonly kind: 'file';
  readonly name: string;
  readonly body: Buffer;
}

export interface ApiRequest {
  /** Path segments named in the route, URI-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export type Handler = (ctx: ApiContext, req: ApiRequest) => Promise<unknown>;

// Importance refits a forest; on a live study, reuse an answer this recent rather than refit per trial.
const IMPORTANCE_MAX_AGE_MS = 15_000;

async function study(ctx: ApiContext, req: ApiRequest): Promise<StudyInfo> {
  return ctx.storage.getStudy(req.params.study as string);
}

function objective(info: StudyInfo, req: ApiRequest): number {
  return intQuery(req.query, 'objective', 0, [0, info.directions.length - 1]);
}

function trialByNumber(trials: readonly TrialRecord[], info: StudyInfo, raw: string): TrialRecord {
  const number = Number(raw);
  const trial = Number.isInteger(number) ? trials[number] : undefined;
  if (!trial || trial.number !== number)
    throw new TunekitError(
      'trial_not_found',
      `study "${info.name}" has no trial number ${JSON.stringify(raw)}`,
    );
  return trial;
}

/** Runs a computation that may legitimately have no answer yet (too few trials) and says why instead. */
function attempt<T>(compute: () => T): { result: T } | { error: { code: string; message: string } } {
  try {
    return { result: compute() };
  } catch (error) {
    if (isTunekitError(error)) return { error: { code: error.code, message: error.message } };
    throw error;
  }
}

export const health: Handler = async (ctx) => ({ ok: true, allowWrites: ctx.allowWrites });

/** Points in a study list's sparkline: the best value so far, evenly spaced over the complete trials. */
const SPARKLINE_POINTS = 40;

export const listStudies: Handler = async (ctx) => {
  const studies = await ctx.storage.listStudies();
  return {
    studies: await Promise.all(
      studies.map(async (s) => ({
        name: s.study.name,
        directions: s.study.directions,
        createdAt: s.study.createdAt,
        trialCounts: s.trialCounts,
        bestValue: s.bestValue,
        lastActivityAt: s.lastActivityAt,
        // Through the trial cache, so a list refresh reads only the unfinished tail of each study.
        sparkline: await ctx.cache.memo(s.study, 'sparkline', (trials) => {
          const best = historyPlot(trials, s.study.directions, 0).best;
          if (best.length <= SPARKLINE_POINTS) return best;
          return Array.from(
            { length: SPARKLINE_POINTS },
            (_, k) => best[Math.round((k * (best.length - 1)) / (SPARKLINE_POINTS - 1))] as number,
          );
        }),
      })),
    ),
  };
};

export const getStudy: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const { revision } = await ctx.cache.load(info);
  const { summary, params, hasIntermediate } = await ctx.cache.memo(info, 'study', (trials) => ({
    summary: summarizeStudy(info, trials),
    params: paramAxes(trials),
    hasIntermediate: trials.some((t) => Object.keys(t.intermediateValues).length > 0),
  }));
  return {
    name: info.name,
    directions: info.directions,
    userAttrs: info.userAttrs,
    createdAt: info.createdAt,
    trialCounts: summary.trialCounts,
    bestValue: summary.bestValue,
    lastActivityAt: summary.lastActivityAt,
    params,
    hasIntermediate,
    notes: info.notes,
    marks: studyMarks(info.notes),
    testEvaluations: info.testEvaluations,
    stopRequests: stopRequests(info),
    stage: info.stage,
    reproducible: info.reproducible,
    // Derived from the other studies' links, so a stage shows on its parent as soon as it starts.
    stages: stagesOf(await ctx.storage.listStudies(), info.name),
    revision,
  };
};

export const revision: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return { revision: (await ctx.cache.load(info)).revision };
};

export const trials: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const { trials: all } = await ctx.cache.load(info);
  const mark = req.query.get('mark');
  if (!mark) return trialTable(all, tableQuery(req.query));
  const marked = markedTrials(info.notes, mark);
  // `total` stays the study's count, so "3 of 40 trials match" reads the same with a mark as with a filter.
  return {
    ...trialTable(
      all.filter((t) => marked.has(t.number)),
      tableQuery(req.query),
    ),
    total: all.length,
  };
};

export const trial: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const { trials: all } = await ctx.cache.load(info);
  const record = trialByNumber(all, info, req.params.number as string);
  return {
    trial: record,
    directions: info.directions,
    note: info.notes[record.number] ?? null,
    testEvaluations: info.testEvaluations.filter((e) => e.trial === record.number),
  };
};

export const history: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const k = objective(info, req);
  return ctx.cache.memo(info, `history:${k}`, (t) => historyPlot(t, info.directions, k));
};

export const intermediate: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return ctx.cache.memo(info, 'intermediate', (t) => intermediatePlot(t, info.directions[0] ?? 'minimize'));
};

export const parallel: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return ctx.cache.memo(info, 'parallel', (t) => parallelPlot(t, info.directions));
};

export const slice: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const k = objective(info, req);
  return {
    plots: await ctx.cache.memo(info, `slice:${k}`, (t) => slicePlots(t, info.directions, { objective: k })),
  };
};

export const contour: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const [x, y] = [requiredQuery(req.query, 'x'), requiredQuery(req.query, 'y')];
  const k = objective(info, req);
  const resolution = intQuery(req.query, 'resolution', 40, [2, 100]);
  return ctx.cache.memo(info, `contour:${k}:${resolution}:${JSON.stringify([x, y])}`, (t) =>
    contourPlot(t, info.directions, x, y, { objective: k, resolution }),
  );
};

export const rank: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const [x, y] = [requiredQuery(req.query, 'x'), requiredQuery(req.query, 'y')];
  const k = objective(info, req);
  return ctx.cache.memo(info, `rank:${k}:${JSON.stringify([x, y])}`, (t) =>
    rankPlot(t, info.directions, x, y, { objective: k }),
  );
};

export const hypervolume: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return ctx.cache.memo(info, 'hypervolume', (t) => hypervolumePlot(t, info.directions));
};

export const pareto: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  if (info.directions.length < 2)
    throw new TunekitError(
      'invalid_argument',
      `study "${info.name}" has one objective; a Pareto front needs two or more`,
    );
  return ctx.cache.memo(info, 'pareto', (t) => paretoPlot(t, info.directions));
};

export const timeline: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return ctx.cache.memo(info, 'timeline', (t) => timelinePlot(t));
};

export const edf: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const k = objective(info, req);
  return ctx.cache.memo(info, `edf:${k}`, (t) => edfPlot(t, info.directions, { objective: k }));
};

export const analysis: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const k = objective(info, req);
  const direction = info.directions[k] ?? 'minimize';
  return ctx.cache.memo(
    info,
    `analysis:${k}`,
    (all) => {
      const target = (t: TrialRecord) => t.values?.[k] as number;
      // The library's defaults (IMPORTANCE_DEFAULTS), as `tunekit importance` and the demo use: one answer.
      const imp = attempt(() => importance(all, { direction, target }));
      return {
        objective: k,
        importance: imp,
        interactions: attempt(() => interactions(all, { target })),
        advice: attempt(() =>
          advice(all, { direction, target, ...('result' in imp ? { importance: imp.result } : {}) }),
        ),
      };
    },
    IMPORTANCE_MAX_AGE_MS,
  );
};

export const artifacts: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const record = trialByNumber((await ctx.cache.load(info)).trials, info, req.params.number as string);
  if (!ctx.artifactsDir) return { folder: null, artifacts: [] };
  return {
    folder: ctx.artifactsDir,
    artifacts: await listArtifacts(ctx.artifactsDir, info.name, record.number),
  };
};

export const artifact: Handler = async (ctx, req): Promise<FileAnswer> => {
  const info = await study(ctx, req);
  const record = trialByNumber((await ctx.cache.load(info)).trials, info, req.params.number as string);
  if (!ctx.artifactsDir)
    throw new TunekitError(
      'not_found',
      'this dashboard has no artifacts folder (serveDashboard artifacts option)',
    );
  const name = req.params.name as string;
  return { kind: 'file', name, body: await readArtifact(ctx.artifactsDir, info.name, record.number, name) };
};

// Writes: only reachable when the server was started with allowWrites (the server checks before calling).

export const setNote: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const { trials: all } = await ctx.cache.load(info);
  const record = trialByNumber(all, info, req.params.number as string);
  const note = objectBody(req.body, 'note').note;
  if (typeof note !== 'string' || note.length > 10_000)
    throw new TunekitError('invalid_argument', 'note must be a string of at most 10,000 characters');
  // Finished trials are immutable, so notes live on the study, keyed by trial number.
  await ctx.storage.writeStudy(info.id, { notes: { [record.number]: note } });
  return { ok: true, note };
};

/** The study's own note, in markdown, stored in its notes under STUDY_NOTE_KEY. */
export const setStudyNote: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const note = objectBody(req.body, 'note').note;
  if (typeof note !== 'string' || note.length > 100_000)
    throw new TunekitError('invalid_argument', 'note must be a string of at most 100,000 characters');
  await ctx.storage.writeStudy(info.id, { notes: { [STUDY_NOTE_KEY]: note } });
  return { ok: true, note };
};

export const enqueue: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  const params = objectBody(objectBody(req.body, 'enqueue').params ?? null, 'enqueue params');
  const { trials: all } = await ctx.cache.load(info);
  const known = new Map<string, Distribution>();
  for (const t of all) for (const [name, d] of Object.entries(t.distributions)) known.set(name, d);
  for (const [name, value] of Object.entries(params)) {
    const d = known.get(name);
    if (!d)
      throw new TunekitError(
        'invalid_argument',
        `study "${info.name}" has no parameter ${JSON.stringify(name)}`,
        { param: name },
      );
    if (!contains(d, value))
      throw new TunekitError(
        'fixed_param_out_of_range',
        `${JSON.stringify(value)} is not a valid value of ${JSON.stringify(name)}`,
        { param: name },
      );
  }
  await ctx.storage.enqueueTrials(info.id, [
    { fixedParams: params as Record<string, ParamValue>, userAttrs: { enqueued_by: 'dashboard' } },
  ]);
  return { ok: true, params };
};

export const stop: Handler = async (ctx, req) => {
  const info = await study(ctx, req);
  return { ok: true, stopRequests: await requestStop(ctx.storage, info.name) };
};
