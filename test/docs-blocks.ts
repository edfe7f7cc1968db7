// The fenced code blocks of the README and docs/*.md, read as test/docs.test.ts checks them: extraction,
// the shell commands a block runs, and the comparison of a transcript with what the command printed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  /** The page, relative to the repository root (README.md, docs/cli.md). */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string ('ts', 'yaml', 'sh', 'text', or '' for a transcript). */
  readonly lang: string;
  readonly text: string;
}

export function docPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function extractBlocks(page: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let open: { line: number; lang: string; fence: string; indent: number; body: string[] } | undefined;
  lines.forEach((raw, i) => {
    const fence = /^( *)(`{3,}|~{3,})\s*([^`\s]*)/.exec(raw);
    if (!open) {
      // As in CommonMark, a backtick fence's info string holds no backtick (```` ```ts ```` is inline code).
      const inline = fence?.[2]!.startsWith('`') && raw.slice(fence[0].length).includes('`');
      if (fence && !inline)
        open = { line: i + 1, lang: fence[3]!, fence: fence[2]!, indent: fence[1]!.length, body: [] };
      return;
    }
    if (fence && fence[2]!.startsWith(open.fence) && fence[3] === '') {
      blocks.push({ page, line: open.line, lang: open.lang, text: open.body.join('\n') + '\n' });
      open = undefined;
      return;
    }
    open.body.push(raw.slice(Math.min(open.indent, raw.length - raw.trimStart().length)));
  });
  if (open) throw new Error(`${page}:${open.line}: a code fence is never closed`);
  return blocks;
}

export function readBlocks(root: string): CodeBlock[] {
  return docPages(root).flatMap((page) => extractBlocks(page, readFileSync(join(root, page), 'utf8')));
}

/** One command of a ```sh block: the words after the tunekit launcher, or the whole line for other tools. */
export interface ShellCommand {
  readonly text: string;
  /** The CLI's arguments when the command runs tunekit (`tunekit`, `npx tunekit`, `npm run tunekit --`). */
  readonly tunekitArgs?: string[];
  /** The exit code the block's comment states (`# exits 2`), else 0. */
  readonly exit: number;
}

const LAUNCHERS = [/^tunekit(?:\s|$)/, /^npx tunekit(?:\s|$)/, /^npm run tunekit --(?:\s|$)/];

export function shellCommands(text: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const raw of text.split('\n')) {
    const [code, comment = ''] = splitComment(raw);
    if (code.trim() === '') continue;
    const exit = Number(/\bexits? (\d+)/.exec(comment)?.[1] ?? 0);
    for (const part of code.split('&&').map((s) => s.trim())) {
      const launcher = LAUNCHERS.find((l) => l.test(part));
      const tunekitArgs = launcher ? shellWords(part.replace(launcher, '')) : undefined;
      commands.push({ text: part, exit, ...(tunekitArgs ? { tunekitArgs } : {}) });
    }
  }
  return commands;
}

/** A line's code and its trailing `# comment`, a `#` inside quotes not counting. */
function splitComment(line: string): [string, string?] {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return [line.slice(0, i), line.slice(i + 1)];
  }
  return [line];
}

/** Splits a command line into words as sh would for plain and quoted words (no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** A transcript (a block without a language): `$ command` lines, each followed by what it prints. */
export interface TranscriptStep {
  readonly command: string;
  readonly expected: string;
}

export function transcriptSteps(text: string): TranscriptStep[] {
  const steps: { command: string; expected: string[] }[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2).trim(), expected: [] });
    else if (steps.length === 0) throw new Error(`a transcript starts with "$ command", not "${line}"`);
    else steps.at(-1)!.expected.push(line);
  }
  return steps.map((s) => ({ command: s.command, expected: s.expected.join('\n') }));
}

/**
 * Whether `actual` reads as the transcript's `expected` text: trailing spaces and blank lines aside, line
 * by line, where a line `...` stands for any number of lines and `<placeholder>` for any text within a line
 * (a timing, a timestamped name, a number that varies).
 */
export function matchesTranscript(expected: string, actual: string): boolean {
  const tidy = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  const pattern = tidy(expected)
    .split('\n')
    .map((line) =>
      line.trim() === '...'
        ? '(?:[^\\n]*\\n)*?'
        : line
            .split(/<[a-z][a-z0-9 _-]*>/)
            .map(escapeRegExp)
            .join('[^\\n]+?') + '\\n',
    )
    .join('');
  return new RegExp(`^${pattern}$`).test(tidy(actual) + '\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
