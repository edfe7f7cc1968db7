// The log line's numbers: six significant digits, in exponent form where plain digits would run long.
import { describe, expect, it } from 'vitest';
import { trialRecord } from '../testing/records.js';
import { trialFinished } from './logger.js';

describe('trialFinished', () => {
  it('writes values as Optuna users read them', () => {
    const line = (value: number) =>
      trialFinished('s', ['minimize'], trialRecord({ number: 3, values: [value] }), null).message;
    expect(line(0.93)).toBe('Trial 3 finished with value 0.93');
    expect(line(123.456789)).toBe('Trial 3 finished with value 123.457');
    expect(line(0.00000403908)).toBe('Trial 3 finished with value 4.03908e-6');
    expect(line(-2.5e12)).toBe('Trial 3 finished with value -2.5e12');
    expect(line(0)).toBe('Trial 3 finished with value 0');
  });
});
