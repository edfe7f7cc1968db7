// The dashboard page: a hash router over three views (study list, study, trial). It reads from the live
// API, or, inside a static report, from the answers embedded in the file.
import { paths } from '../paths.js';
import { HttpSource, ReportSource } from './data.js';
import type { ReportData, Source } from './data.js';
import { clear, h } from './dom.js';
import { comparePage } from './pages/compare.js';
import { listPage } from './pages/list.js';
import { studyPage } from './pages/study.js';
import { trialPage } from './pages/trial.js';
import { hashParts } from './url.js';

const embedded = document.getElementById('tunekit-report');
const src: Source = embedded
  ? new ReportSource(JSON.parse(embedded.textContent ?? '{}') as ReportData)
  : new HttpSource();
const report = embedded ? (JSON.parse(embedded.textContent ?? '{}') as ReportData) : null;
const root = document.getElementById('app') as HTMLElement;
let cleanup: () => void = () => undefined;
let allowWrites = false;
let routed: string | null = null;

function route(): void {
  // A hash change that only rewrote the query (a section link) is not a new page.
  const { path, query } = hashParts();
  const page = path[0] === 'compare' ? `compare?${query.toString()}` : path.join('/');
  if (page === routed) return;
  routed = page;
  cleanup();
  window.scrollTo(0, 0);
  const parts = hashParts().path;
  if (parts[0] === 'study' && parts[1] !== undefined) {
    const name = decodeURIComponent(parts[1]);
    document.title = `${name} · tunekit`;
    cleanup =
      parts[2] === 'trial' && parts[3] !== undefined
        ? trialPage(root, src, name, Number(parts[3]), allowWrites)
        : studyPage(root, src, name, allowWrites);
  } else if (parts[0] === 'compare' && !report) {
    document.title = 'compare · tunekit';
    cleanup = comparePage(root, src, hashParts().query.getAll('study'));
  } else if (report) {
    location.hash = `#/study/${encodeURIComponent(report.study)}`;
  } else {
    document.title = 'tunekit dashboard';
    cleanup = listPage(root, src);
  }
}

async function start(): Promise<void> {
  const nav = document.getElementById('top-nav');
  if (nav && report)
    clear(
      nav,
      h('span', { class: 'muted' }, `static report · ${new Date(report.generatedAt).toLocaleString()}`),
    );
  try {
    allowWrites = (await src.get<{ allowWrites: boolean }>(paths.health())).allowWrites;
  } catch {
    allowWrites = false;
  }
  if (nav && src.live)
    nav.append(
      h(
        'span',
        { class: allowWrites ? 'chip state-pruned' : 'chip' },
        allowWrites ? 'writes allowed' : 'read-only',
      ),
    );
  window.addEventListener('hashchange', route);
  route();
}

void start();
