// examples/kubernetes/tunekit-job.yaml without a cluster: (1) the manifest against the Kubernetes batch/v1
// Job schema kubernetes-models ships (its validator for types, formats and enums; its TypeScript types for
// unknown fields, which the API server refuses but the schema lets through), plus the Job rules the
// pattern needs; (2) the pods' exact commands, each pod its init container then its worker, run with the
// built CLI against a throwaway PostgreSQL database: together they run the study to its budget, exit 0,
// and a late pod finds nothing to do and exits 0 too. docs/distributed.md shows both files as they are.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { EXIT } from '../src/cli/exit-codes.js';
import { loadConfigFile } from '../src/config/index.js';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import { resolveStorage } from '../src/storage/resolve.js';
import { extractBlocks } from './docs-blocks.js';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const MANIFEST = 'examples/kubernetes/tunekit-job.yaml';
const STUDY_CONFIG = 'examples/kubernetes/study.yaml';
// The budget the pods run here: the example's 400 trials cut to a few per pod, everything else as written.
const TEST_TRIALS = 16;

type Manifest = Record<string, unknown>;
type Container = {
  name: string;
  command: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type JobSpec = {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  podFailurePolicy?: {
    rules: Array<{
      action: string;
      onExitCodes?: { containerName?: string; operator: string; values: number[] };
    }>;
  };
  template: {
    spec: {
      restartPolicy: string;
      initContainers?: Container[];
      containers: Container[];
      volumes?: Array<{ name: string; configMap?: { name: string } }>;
    };
  };
};

function readManifests(path: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(root, path), 'utf8'));
  if (!Array.isArray(docs)) throw new Error(`${path}: no YAML documents`);
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    expect(problems, path).toEqual([]);
  }
  return docs.map((doc) => doc.toJS() as Manifest);
}

const jobs = readManifests(MANIFEST);
const job = jobs[0]!;
const spec = job.spec as JobSpec;
const pod = spec.template.spec;
const containers = [...(pod.initContainers ?? []), ...pod.containers];

/** Type errors of `const manifest: IJob = <the manifest>`: TypeScript refuses a field the type lacks. */
function unknownFields(manifest: Manifest): string[] {
  const file = join(root, 'test', '__kubernetes_manifest__.ts'); // virtual, beside the real node_modules
  const text = `import type { IJob } from 'kubernetes-models/batch/v1';\nexport const manifest: IJob = ${JSON.stringify(manifest, null, 1)};\n`;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, language)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function schemaErrors(manifest: Manifest): string | null {
  try {
    new Job(manifest as ConstructorParameters<typeof Job>[0]).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe(MANIFEST, () => {
  it('is one batch/v1 Job the schema accepts, with no field the API does not know', () => {
    expect(jobs.map((m) => `${String(m.apiVersion)} ${String(m.kind)}`)).toEqual(['batch/v1 Job']);
    expect(schemaErrors(job)).toBeNull();
    expect(unknownFields(job)).toEqual([]);
  });

  it('would be refused with a misspelt field or a value of the wrong type (the checks above see them)', () => {
    const typo = structuredClone(job);
    (typo.spec as Record<string, unknown>).parallelizm = 4;
    expect(unknownFields(typo).join('\n')).toContain("'\"parallelizm\"' does not exist in type 'IJobSpec'");
    const wrong = structuredClone(job);
    (wrong.spec as JobSpec).template.spec.containers[0]!.resources!.requests!.cpu = 'one';
    expect(schemaErrors(wrong)).toContain('resources/requests/cpu must match format "quantity"');
  });

  it('is a work queue of N pods that ends when the study does: the rules the pattern needs', () => {
    expect(spec.parallelism).toBeGreaterThan(1);
    // No completions: the Job is complete once one pod has succeeded and all have ended.
    expect(spec.completions).toBeUndefined();
    expect(spec.backoffLimit).toBeGreaterThanOrEqual(spec.parallelism!);
    // podFailurePolicy needs restartPolicy Never (the API server refuses OnFailure with it).
    expect(pod.restartPolicy).toBe('Never');
    const failJob = spec.podFailurePolicy!.rules.filter((r) => r.action === 'FailJob');
    expect(failJob.map((r) => r.onExitCodes)).toEqual([
      { operator: 'In', values: [EXIT.usage, EXIT.studyNotFound] },
      { containerName: 'create', operator: 'In', values: [EXIT.forCode('duplicate_study')] },
    ]);
    expect(containers.map((c) => c.name)).toEqual(['create', 'worker']);
    for (const c of containers) {
      expect(c.command[0], c.name).toBe('tunekit');
      // The storage URL (with its password) comes from a Secret, never from the manifest.
      expect(c.env, c.name).toEqual([
        { name: 'TUNEKIT_STORAGE', valueFrom: { secretKeyRef: { name: 'tunekit-storage', key: 'url' } } },
      ]);
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
      expect(c.resources?.limits?.memory, c.name).toBe(c.resources?.requests?.memory);
    }
    // The ConfigMap holds examples/kubernetes/study.yaml under the name the create command reads.
    const header = readFileSync(join(root, MANIFEST), 'utf8');
    expect(header).toContain(`kubectl create configmap tunekit-study --from-file=study.yaml=${STUDY_CONFIG}`);
    expect(pod.volumes).toEqual([{ name: 'study', configMap: { name: 'tunekit-study' } }]);
    const study = loadConfigFile(join(root, STUDY_CONFIG)).study;
    expect(pod.containers[0]!.command).toContain(study.name);
    expect(study.trials).toBeGreaterThan(0); // the budget that ends the Job
    expect(study.retries).toBe(1);
  });
});

describe('the pods, run here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-kubernetes-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A container's command with its configMap volumes mounted under `dir`; the CLI's exit code and output. */
  function runContainer(
    c: Container,
    env: Record<string, string>,
  ): Promise<{ code: number; output: string }> {
    let argv = [...c.command.slice(1), ...(c.args ?? [])];
    for (const mount of c.volumeMounts ?? [])
      argv = argv.map((a) => a.replace(mount.mountPath, join(dir, mount.name)));
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...argv],
        { cwd: dir, env, timeout: 240_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? -1) : 0, output: `${c.name}: ${stdout}${stderr}` }),
      );
    });
  }

  /** One pod: its init containers in order, then (if they all exited 0) its worker. */
  async function runPod(env: Record<string, string>): Promise<Array<{ code: number; output: string }>> {
    const ran = [];
    for (const c of pod.initContainers ?? []) {
      ran.push(await runContainer(c, env));
      if (ran.at(-1)!.code !== 0) return ran;
    }
    for (const c of pod.containers) ran.push(await runContainer(c, env));
    return ran;
  }

  it(
    'run the study to its budget together and exit 0; a pod started afterwards exits 0 too',
    { timeout: 300_000 },
    async () => {
      database = await createTestDatabase('tunekit_kubernetes');
      // The ConfigMap, mounted: the example's config with its budget cut for this machine.
      const config = parseDocument(readFileSync(join(root, STUDY_CONFIG), 'utf8'));
      config.setIn(['study', 'trials'], TEST_TRIALS);
      mkdirSync(join(dir, 'study'));
      writeFileSync(join(dir, 'study', 'study.yaml'), config.toString());
      const env: Record<string, string> = { ...childEnv(), TUNEKIT_STORAGE: database.url };

      const pods = await Promise.all(Array.from({ length: spec.parallelism! }, () => runPod(env)));
      for (const containersRun of pods) for (const r of containersRun) expect(r.code, r.output).toBe(0);
      expect(pods.every((p) => p.length === containers.length)).toBe(true);

      const storage = await resolveStorage(database.url, { create: false });
      try {
        const info = await storage.getStudy(loadConfigFile(join(dir, 'study', 'study.yaml')).study.name);
        expect(info.config).not.toBeNull();
        const trials = await storage.getTrials(info.id);
        expect(trials).toHaveLength(TEST_TRIALS);
        // None is left running: a trial a worker gave up (a lost connection: see the outputs) is waited out by
        // the workers still there, failed after the grace period and retried (docs/distributed.md).
        const open = trials
          .filter((t) => t.state === 'running' || t.state === 'waiting')
          .map((t) => t.number);
        expect(
          open,
          pods
            .flat()
            .map((r) => r.output)
            .join('\n'),
        ).toEqual([]);
        expect(trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(0);
        // The Job starts no pod after a success, but a replaced one may still start late: nothing to do, exit 0.
        const late = await runPod(env);
        expect(late.map((r) => r.code)).toEqual([0, 0]);
        expect(await storage.getTrials(info.id)).toHaveLength(TEST_TRIALS);
      } finally {
        await storage.close();
      }
    },
  );
});

describe('docs/distributed.md', () => {
  it('shows the manifest and the study config exactly as the files hold them', () => {
    const page = 'docs/distributed.md';
    const blocks = extractBlocks(page, readFileSync(join(root, page), 'utf8'));
    for (const [path, lang] of [
      [MANIFEST, 'text'],
      [STUDY_CONFIG, 'yaml'],
    ] as const) {
      const text = readFileSync(join(root, path), 'utf8');
      expect(
        blocks.some((b) => b.lang === lang && b.text === text),
        `${page} has a \`\`\`${lang} block equal to ${path}`,
      ).toBe(true);
    }
  });
});

function childEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  delete env.TUNEKIT_STORAGE;
  return env;
}
