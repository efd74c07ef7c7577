// COPY's text format as the rebuilt database is written with it: nulls as \N,
// backslash, tab and line breaks escaped, everything else as it is.
import { describe, expect, it } from 'vitest';
import { copyField, copyTimes } from './fresh-db';

describe('copyField', () => {
  it('writes null as \\N and numbers as digits', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(-1234)).toBe('-1234');
  });

  it('escapes backslash, tab, newline and carriage return, and leaves other text alone', () => {
    expect(copyField('u1')).toBe('u1');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('{"userId":"é"}')).toBe('{"userId":"é"}');
    expect(copyField('\\N')).toBe('\\\\N');
  });
});

describe('copyTimes', () => {
  it('writes what toISOString writes, across seconds and back again', () => {
    const copyTime = copyTimes();
    for (const ms of [0, 1, 999, 1_795_550_400_123, 1_795_550_400_999, 1_795_550_401_000, 1_795_550_400_005, 86_400_000 * 366 + 7]) {
      expect(copyTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
