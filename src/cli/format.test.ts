import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressLine } from './format.js';

describe('ProgressLine', () => {
  afterEach(() => vi.restoreAllMocks());

  const capture = () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  };

  it('writes a log line above the bar on a terminal: clear, line, bar again', () => {
    const written = capture();
    const line = new ProgressLine(true);
    line.update(1, 4, 'best 0.5');
    line.log('[tunekit warn] Trial 1 failed: boom');
    line.end();
    expect(written).toEqual([
      `\r[${'#'.repeat(6).padEnd(24, '.')}] 1/4 best 0.5\x1b[K`,
      '\r\x1b[K',
      '[tunekit warn] Trial 1 failed: boom\n',
      `[${'#'.repeat(6).padEnd(24, '.')}] 1/4 best 0.5`,
      '\n',
    ]);
  });

  it('writes only the log lines elsewhere', () => {
    const written = capture();
    const line = new ProgressLine(false);
    line.update(1, 4, '');
    line.log('a failure');
    line.end();
    expect(written).toEqual(['a failure\n']);
  });
});
