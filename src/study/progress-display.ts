// Shows a study's progress while it runs, polled from storage so it counts every worker: on a terminal a
// status line redrawn in place with log lines written above it; elsewhere one line per finished trial.
// The default logger writes through `writeAboveProgress`, so a log line never splices into the bar.
import { formatFinished, formatProgress } from './progress.js';
import type { ProgressSnapshot, ProgressWatch } from './progress.js';

/**
 * `bar`: the status line (a terminal), with finished trials' lines above it when `trialLines`;
 * `lines`: one line per finished trial with the study's counts, for logs and pipes;
 * `failures`: only failed trials' lines (the CLI's --quiet: a failure is never silent).
 */
export type ProgressMode = 'bar' | 'lines' | 'failures';

export interface ProgressOutput {
  write(text: string): void;
  /** The terminal's width: a bar longer than a line would wrap and could not be redrawn in place. */
  readonly columns?: number;
}

const POLL_MS = 500;
let active: ProgressDisplay | null = null;

/** stderr where there is one (Node), else nothing: a browser page has no terminal to draw on. */
export function stderrOutput(): (ProgressOutput & { isTTY: boolean }) | null {
  type Stderr = { isTTY?: boolean; columns?: number; write(s: string): unknown };
  const stderr = (globalThis as { process?: { stderr?: Stderr } }).process?.stderr;
  if (!stderr) return null;
  return {
    write: (text) => void stderr.write(text),
    isTTY: Boolean(stderr.isTTY),
    get columns() {
      return stderr.columns;
    },
  };
}

/** Writes a line on stderr, above the progress bar if one is drawn (the default logger's output). */
export function writeAboveProgress(line: string): void {
  if (active) active.log(line);
  else console.error(line);
}

export class ProgressDisplay {
  private shown = '';
  private timer: ReturnType<typeof setInterval> | null = null;
  private reading: Promise<void> | null = null;
  private last: ProgressSnapshot | null = null;

  constructor(
    private readonly watch: ProgressWatch,
    private readonly mode: ProgressMode,
    private readonly out: ProgressOutput,
    private readonly options: { trialLines?: boolean; intervalMs?: number } = {},
  ) {}

  /** Starts polling; the bar (if any) takes over the default logger's lines until `stop`. */
  start(): this {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the one display that owns the terminal
    if (this.mode === 'bar') active = this;
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs ?? POLL_MS);
    (this.timer as { unref?: () => void }).unref?.();
    void this.refresh();
    return this;
  }

  /** Reads storage now (one read at a time) and prints what changed. */
  refresh(): Promise<void> {
    this.reading ??= this.draw().finally(() => (this.reading = null));
    return this.reading;
  }

  /** A line above the bar (or just a line, off a terminal). */
  log(line: string): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.out.write(`${line}\n`);
    if (this.shown) this.out.write(this.shown);
  }

  /** The last read, the bar ended with a newline, polling stopped; returns the final snapshot. */
  async stop(): Promise<ProgressSnapshot | null> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
    await this.refresh();
    if (this.shown) this.out.write('\n');
    this.shown = '';
    if (active === this) active = null;
    return this.last;
  }

  private async draw(): Promise<void> {
    let read;
    try {
      read = await this.watch.read();
    } catch {
      return; // storage trouble is the study's to report (it waits and logs); the display just skips a beat
    }
    const { snapshot, finished } = read;
    this.last = snapshot;
    const lines = finished
      .filter((t) =>
        this.mode === 'failures' ? t.state === 'fail' : this.mode === 'lines' || this.options.trialLines,
      )
      .map((t) =>
        this.mode === 'lines' ? `${formatFinished(t)} · ${formatProgress(snapshot)}` : formatFinished(t),
      );
    // The bar is cleared once, the new lines written, and the bar drawn again with the new counts.
    if (this.shown) this.out.write('\r\x1b[K');
    for (const line of lines) this.out.write(`${line}\n`);
    if (this.mode !== 'bar') return;
    const line = formatProgress(snapshot, { bar: true });
    const width = this.out.columns;
    this.shown = width && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
    this.out.write(this.shown);
  }
}
