// The docs-run test's reading of blocks: fences, shell commands and transcript matching.
import { describe, expect, it } from 'vitest';
import { extractBlocks, matchesTranscript, shellCommands, transcriptSteps } from './docs-blocks.js';

describe('docs blocks', () => {
  it('extracts fenced blocks with their language and opening line, longer fences enclosing shorter', () => {
    const md = 'text\n```ts\nconst a = 1;\n```\n\n````md\n```sh\nx\n```\n````\n```\n$ tunekit x\nout\n```\n';
    expect(extractBlocks('p.md', md)).toEqual([
      { page: 'p.md', line: 2, lang: 'ts', text: 'const a = 1;\n' },
      { page: 'p.md', line: 6, lang: 'md', text: '```sh\nx\n```\n' },
      { page: 'p.md', line: 11, lang: '', text: '$ tunekit x\nout\n' },
    ]);
    expect(() => extractBlocks('p.md', '```ts\nx\n')).toThrow(/p.md:1: a code fence is never closed/);
  });

  it('reads tunekit commands behind every launcher, comments and stated exit codes', () => {
    const text = [
      'npm install && npm run tunekit -- studies   # two commands',
      'npx tunekit tune "my file.yaml" --seed 1   # exits 2',
      '# a comment line',
      'tunekit enqueue s --params \'{"x": 1}\'',
    ].join('\n');
    expect(shellCommands(text)).toEqual([
      { text: 'npm install', exit: 0 },
      { text: 'npm run tunekit -- studies', exit: 0, tunekitArgs: ['studies'] },
      {
        text: 'npx tunekit tune "my file.yaml" --seed 1',
        exit: 2,
        tunekitArgs: ['tune', 'my file.yaml', '--seed', '1'],
      },
      {
        text: 'tunekit enqueue s --params \'{"x": 1}\'',
        exit: 0,
        tunekitArgs: ['enqueue', 's', '--params', '{"x": 1}'],
      },
    ]);
  });

  it('splits a transcript into commands and their output, and refuses output before any command', () => {
    expect(transcriptSteps('$ tunekit a\none\ntwo\n$ tunekit b\n')).toEqual([
      { command: 'tunekit a', expected: 'one\ntwo' },
      { command: 'tunekit b', expected: '' },
    ]);
    expect(() => transcriptSteps('output\n$ tunekit a\n')).toThrow(/starts with "\$ command"/);
  });

  it('matches output line by line, with ... for any lines and <name> for any text in a line', () => {
    expect(matchesTranscript('a\nb', 'a  \nb\n\n')).toBe(true);
    expect(matchesTranscript('a\nb', 'a\nc')).toBe(false);
    expect(matchesTranscript('a\nb', 'a\nb\nc')).toBe(false);
    expect(matchesTranscript('a\n...\nz', 'a\nb\nc\nz')).toBe(true);
    expect(matchesTranscript('a\n...\nz', 'a\nz')).toBe(true);
    expect(matchesTranscript('took <time> (study demo-<stamp>)', 'took 1.2 s (study demo-20261203)')).toBe(
      true,
    );
    expect(matchesTranscript('value 0.5 (x)', 'value 0.6 (x)')).toBe(false);
    expect(matchesTranscript('a.b', 'axb')).toBe(false);
  });
});
