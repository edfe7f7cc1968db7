// Every fenced code block in README.md and docs/*.md runs as written, checked as a reader would use it.
// The rules, so a new block is checked by default:
// - ```ts is a complete program in a project that installed tunekit (node_modules/tunekit is this built
//   checkout): all blocks are type-checked together (strict, NodeNext), then each runs with tsx; a block
//   that only declares types is type-checked only. A block that writes a database runs twice (a reader runs
//   an example again). $DATABASE_URL is a throwaway database on the local PostgreSQL server.
// - ```yaml is a complete tunekit config: it must parse and validate (parseConfig).
// - ```sh: every `tunekit` / `npx tunekit` / `npm run tunekit --` command runs with the built CLI and must
//   exit 0 (or the code its comment states, `# exits 2`); any other command, and tunekit commands that
//   cannot run here, must be listed in NOT_RUN below with the reason.
// - A block with no language is a transcript: `$ tunekit ...` lines, each followed by what it prints
//   (stdout, then stderr); `...` on a line stands for any lines, `<name>` for any text within a line.
//   An output ending in `[code]` means the exit code of that error code. Examples of output that is not a
//   transcript (a log line, a grammar) are fenced ```text and not checked.
// Blocks of one page run in order in one fresh directory (an ES-module project with tunekit installed and
// a copy of examples/), so a later block may use what an earlier one created, as a reader would.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { parseConfig, parseConfigText } from '../src/config/index.js';
import type { ErrorCode } from '../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../src/storage/postgres/testing/database.js';
import {
  matchesTranscript,
  readBlocks,
  shellCommands,
  transcriptSteps,
  type CodeBlock,
} from './docs-blocks.js';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

/** Commands of ```sh blocks that this test does not run, and why. Everything else runs. */
const NOT_RUN: { pattern: RegExp; reason: string }[] = [
  { pattern: /^npm install\b/, reason: 'installs packages; this test runs in the installed checkout' },
  { pattern: /^npm test\b/, reason: 'the whole suite, of which this test is a part' },
  {
    pattern: /^npm run test:reliability/,
    reason: 'the reliability suites restart PostgreSQL and load the machine',
  },
  {
    pattern: /^npm run demo\b/,
    reason: 'tunes on every core; test/cli.test.ts and bench:demo run it',
  },
  { pattern: /^tunekit dashboard\b(?!.*--help)/, reason: 'serves until stopped; test/dashboard-cli.test.ts' },
  {
    pattern: /^tunekit mcp\b(?!.*--help)/,
    reason: 'serves an agent until stopped; test/mcp.test.ts drives it',
  },
  {
    pattern: /^kubectl\b/,
    reason:
      'needs a Kubernetes cluster; test/kubernetes.test.ts validates the manifest and runs its commands',
  },
  {
    pattern: /postgres:\/\/(?:[^@/\s]*@)?(?!127\.0\.0\.1|localhost)/,
    reason: 'a PostgreSQL server on another host',
  },
];

const RUN_TIMEOUT_MS = 240_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd, env: { ...childEnv(), ...env }, timeout: RUN_TIMEOUT_MS, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.TUNEKIT_STORAGE; // the docs' commands name their storage, or mean the default
  delete env.FORCE_COLOR;
  return env;
}

const describeRun = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

function blockFile(block: CodeBlock): string {
  return `${block.page.replace(/[/.]/g, '_')}_L${block.line}.ts`;
}

/** Whether a TypeScript block only declares types: it compiles to nothing. */
function typeOnly(text: string): boolean {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.ESNext, removeComments: true },
  }).outputText;
  return js.replace(/export \{\};?/g, '').trim() === '';
}

const blocks = readBlocks(root);
const pages = [...new Set(blocks.map((b) => b.page))];

/** The consumer's project: every ```ts block as a file, tunekit and @types resolved through node_modules. */
const project = mkdtempSync(join(tmpdir(), 'tunekit-docs-project-'));
let typeErrors: Map<string, string[]>;
let database: TestDatabase | undefined;
const env: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'tunekit'));
  symlinkSync(join(root, 'node_modules', '@types'), join(project, 'node_modules', '@types'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        moduleDetection: 'force', // each block is its own module, as its own file would be
      },
      include: ['*.ts'],
    }),
  );
  for (const block of blocks.filter((b) => b.lang === 'ts'))
    writeFileSync(join(project, blockFile(block)), block.text);
  typeErrors = typeCheck();
  database = await createTestDatabase('tunekit_docs');
  env.DATABASE_URL = database.url;
}, 120_000);

afterAll(async () => {
  await database?.drop();
  rmSync(project, { recursive: true, force: true });
});

/** Each block's type errors, syntactic and semantic (tsc alone stops at the first file's syntax error). */
function typeCheck(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(project, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const program = ts.createProgram(config.fileNames, config.options);
  const errors = new Map<string, string[]>();
  const global = [...config.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0)
    errors.set(
      '(project)',
      global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    );
  for (const file of config.fileNames) {
    const source = program.getSourceFile(file)!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    errors.set(
      file.split('/').at(-1)!,
      found.map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
        return `line ${line} of the block: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return errors;
}

async function checkTs(block: CodeBlock, dir: string): Promise<void> {
  const errors = typeErrors;
  expect(errors.get('(project)') ?? [], 'the docs project does not type-check').toEqual([]);
  expect(errors.get(blockFile(block)) ?? [], 'type errors').toEqual([]);
  if (typeOnly(block.text)) return;
  const times = /sqlite:|postgres:|DATABASE_URL|storage:/.test(block.text) ? 2 : 1;
  for (let i = 1; i <= times; i++) {
    const r = await run(tsx, [join(project, blockFile(block))], dir, env);
    expect(r.code, `run ${i} of ${times}: ${describeRun(r)}`).toBe(0);
  }
}

function checkYaml(block: CodeBlock): void {
  parseConfig(parseConfigText(block.text, `${block.page}:${block.line}.yaml`));
}

async function checkSh(block: CodeBlock, dir: string): Promise<void> {
  const commands = shellCommands(block.text);
  expect(commands.length, 'a ```sh block with no command').toBeGreaterThan(0);
  for (const command of commands) {
    const asTyped = command.tunekitArgs ? `tunekit ${command.tunekitArgs.join(' ')}` : command.text;
    if (NOT_RUN.some((n) => n.pattern.test(asTyped))) continue;
    if (!command.tunekitArgs)
      throw new Error(`"${command.text}": not a tunekit command; run it here or list it in NOT_RUN with why`);
    const r = await run(bin, command.tunekitArgs, dir, env);
    expect(r.code, `${command.text}\n${describeRun(r)}`).toBe(command.exit);
  }
}

async function checkTranscript(block: CodeBlock, dir: string): Promise<void> {
  for (const step of transcriptSteps(block.text)) {
    const [first, ...rest] = shellCommands(step.command);
    if (!first?.tunekitArgs || rest.length > 0)
      throw new Error(`"${step.command}": a transcript runs one tunekit command`);
    const r = await run(bin, first.tunekitArgs, dir, env);
    const output = r.stdout + r.stderr;
    expect(
      matchesTranscript(step.expected, output),
      `$ ${step.command}\nexpected:\n${step.expected}\ngot:\n${output}`,
    ).toBe(true);
    const code = /\[([a-z_]+)\]\s*$/.exec(step.expected)?.[1];
    expect(r.code, `$ ${step.command}: exit code`).toBe(code ? EXIT.forCode(code as ErrorCode) : 0);
  }
}

describe.each(pages)('code blocks of %s', (page) => {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-docs-run-'));
  beforeAll(() => {
    // A reader's project: tunekit installed, ES modules, and the repository's examples at hand.
    cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'tunekit'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const block of blocks.filter((b) => b.page === page)) {
    const name = `${page}:${block.line} (${block.lang || 'transcript'})`;
    it(name, { timeout: 2 * RUN_TIMEOUT_MS + 120_000 }, async () => {
      if (block.lang === 'ts') await checkTs(block, dir);
      else if (block.lang === 'yaml') checkYaml(block);
      else if (block.lang === 'sh') await checkSh(block, dir);
      else if (block.lang === '') await checkTranscript(block, dir);
      else if (block.lang !== 'text')
        throw new Error(
          `no rule for \`\`\`${block.lang} blocks: add one to test/docs.test.ts, or fence it \`\`\`text`,
        );
    });
  }
});
