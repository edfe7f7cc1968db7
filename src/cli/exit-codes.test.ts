import { describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';

describe('EXIT.forCode', () => {
  it('sends input errors to 2, a missing study to 4, unreachable storage to 3, the rest to 1', () => {
    expect(EXIT.forCode('config_invalid')).toBe(2);
    expect(EXIT.forCode('invalid_argument')).toBe(2);
    expect(EXIT.forCode('config_unreadable')).toBe(2);
    expect(EXIT.forCode('study_not_found')).toBe(4);
    expect(EXIT.forCode('storage_unreachable')).toBe(3);
    expect(EXIT.forCode('command_failed')).toBe(1);
    expect(EXIT.forCode('from_a_newer_version' as never)).toBe(1);
  });
});
