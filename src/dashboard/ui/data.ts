// Where the page gets its data: the dashboard's HTTP API, or the answers a static report carries inline
// (the same paths, precomputed; the trials table is filtered in the page with the library's own code).
import { trialTable } from '../../analysis/plots/index.js';
import type { TrialRecord } from '../../index.js';
import { markedTrials } from '../notes.js';
import { tableQuery } from '../query.js';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Source {
  /** True for a live dashboard (poll for changes, allow writes); false for a static report. */
  readonly live: boolean;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

export class HttpSource implements Source {
  readonly live = true;

  async get<T>(path: string): Promise<T> {
    return this.request<T>(path, { headers: { accept: 'application/json' } });
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    const res = await fetch(path, { ...init, credentials: 'same-origin' });
    const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!res.ok)
      throw new ApiError(data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? res.statusText);
    return data as T;
  }
}

export interface ReportData {
  readonly study: string;
  readonly generatedAt: number;
  readonly responses: Record<string, unknown>;
  readonly trials: TrialRecord[];
}

export class ReportSource implements Source {
  readonly live = false;

  constructor(private readonly data: ReportData) {}

  async get<T>(path: string): Promise<T> {
    if (path in this.data.responses) return this.data.responses[path] as T;
    const url = new URL(path, 'http://report.invalid');
    const [, , , , kind, number] = url.pathname.split('/');
    if (kind === 'trials' && number === undefined) {
      const mark = url.searchParams.get('mark');
      const notes = (
        this.data.responses[`/api/studies/${encodeURIComponent(this.data.study)}`] as {
          notes: Record<number, string>;
        }
      ).notes;
      const marked = mark ? markedTrials(notes, mark) : null;
      const rows = marked ? this.data.trials.filter((t) => marked.has(t.number)) : this.data.trials;
      return { ...trialTable(rows, tableQuery(url.searchParams)), total: this.data.trials.length } as T;
    }
    if (kind === 'trials' && number !== undefined) {
      const trial = this.data.trials[Number(number)];
      if (!trial) throw new ApiError('trial_not_found', `no trial number ${number} in this report`);
      const study = this.data.responses[`/api/studies/${encodeURIComponent(this.data.study)}`] as {
        directions: string[];
        notes: Record<number, string>;
        testEvaluations: { trial?: number }[];
      };
      return {
        trial,
        directions: study.directions,
        note: study.notes[trial.number] ?? null,
        testEvaluations: study.testEvaluations.filter((e) => e?.trial === trial.number),
      } as T;
    }
    throw new ApiError(
      'not_in_report',
      'this view is not part of the static report; open the study in `tunekit dashboard`',
    );
  }

  async post<T>(): Promise<T> {
    throw new ApiError('read_only', 'a static report is read-only');
  }
}
