// The storage benchmarks' workers: `workers` processes of test/fixtures/storage-worker.ts splitting `trials`
// trials of the bench workload (3 params, 2 intermediate values, trivial objective) on one study.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'storage-worker.ts');

/**
 * Starts the workers and resolves once every one has connected (the first creates the study, the others
 * load it). `go` releases them all at once and resolves when the last is done.
 */
export async function startWorkers(
  storage: string,
  study: string,
  workers: number,
  trials: number,
): Promise<{ go(): Promise<void> }> {
  const children = Array.from({ length: workers }, (_, i) => {
    const args = { storage, study, mode: 'random', nTrials: trials / workers, waitForGo: true, seed: i };
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const next = (kind: string): Promise<void> =>
      new Promise((resolve, reject) => {
        lines.on('line', (line) => (JSON.parse(line) as { event: string }).event === kind && resolve());
        child.on('exit', (code) => reject(new Error(`worker exited with ${code} before "${kind}"`)));
      });
    return { child, ready: next('ready'), done: next('done') };
  });
  await Promise.all(children.map((c) => c.ready));
  return {
    go: async () => {
      for (const c of children) c.child.stdin!.write('go\n');
      await Promise.all(children.map((c) => c.done));
    },
  };
}
