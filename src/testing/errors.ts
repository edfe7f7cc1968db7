// Test helper: the TunekitError a call throws, so a test can check its code and message.
import { expect } from 'vitest';
import { TunekitError } from '../errors.js';

export function caught(fn: () => unknown): TunekitError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TunekitError);
    return error as TunekitError;
  }
  throw new Error('expected an error');
}
