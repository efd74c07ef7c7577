// Schema evolution rules, checked with avsc's resolver on real Avro schemas.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, parseCompatibilityLevel, type PreviousVersion } from './compatibility';

const record = (fields: unknown[]): string => JSON.stringify({ type: 'record', name: 'Trade', namespace: 'inplay', fields });
const id = { name: 'id', type: 'string' };
const v1 = record([id]);
const withDefault = record([id, { name: 'qty', type: 'int', default: 0 }]);
const withoutDefault = record([id, { name: 'qty', type: 'int' }]);
const history = (...schemas: string[]): PreviousVersion[] => schemas.map((schema, index) => ({ version: index + 1, schema }));

describe('checkCompatibility', () => {
  it('accepts adding a field with a default under BACKWARD', () => {
    expect(checkCompatibility('BACKWARD', withDefault, history(v1))).toEqual({ compatible: true, messages: [] });
  });

  it('rejects adding a field without a default under BACKWARD and says which field', () => {
    const verdict = checkCompatibility('BACKWARD', withoutDefault, history(v1));
    expect(verdict.compatible).toBe(false);
    expect(verdict.messages.join()).toMatch(/qty/);
    expect(verdict.messages.join()).toMatch(/version 1/);
  });

  it('accepts removing a field under BACKWARD', () => {
    expect(checkCompatibility('BACKWARD', v1, history(withoutDefault)).compatible).toBe(true);
  });

  it('rejects removing a field without a default under FORWARD, because the old reader needs it', () => {
    expect(checkCompatibility('FORWARD', v1, history(withoutDefault)).compatible).toBe(false);
  });

  it('accepts removing a field that had a default under FORWARD and FULL', () => {
    expect(checkCompatibility('FORWARD', v1, history(withDefault)).compatible).toBe(true);
    expect(checkCompatibility('FULL', v1, history(withDefault)).compatible).toBe(true);
  });

  it('rejects changing a field from string to int in either direction', () => {
    const asInt = record([{ name: 'id', type: 'int' }]);
    expect(checkCompatibility('BACKWARD', asInt, history(v1)).compatible).toBe(false);
    expect(checkCompatibility('FORWARD', asInt, history(v1)).compatible).toBe(false);
  });

  it('accepts adding an enum symbol under BACKWARD but not under FORWARD', () => {
    const side = (symbols: string[]): string => JSON.stringify({ type: 'enum', name: 'Side', symbols });
    expect(checkCompatibility('BACKWARD', side(['BUY', 'SELL', 'HOLD']), history(side(['BUY', 'SELL']))).compatible).toBe(true);
    expect(checkCompatibility('FORWARD', side(['BUY', 'SELL', 'HOLD']), history(side(['BUY', 'SELL']))).compatible).toBe(false);
  });

  it('accepts anything under NONE', () => {
    expect(checkCompatibility('NONE', JSON.stringify('int'), history(v1)).compatible).toBe(true);
  });

  it('lets a non-transitive level ignore an old version that a transitive level rejects', () => {
    const asLong = record([{ name: 'id', type: 'long' }]);
    const asString = record([{ name: 'id', type: 'string' }]);
    // History: long, then string (allowed under NONE at the time); the candidate can read only the latest.
    const previous = history(asLong, asString);
    const candidate = record([{ name: 'id', type: 'string' }, { name: 'note', type: 'string', default: '' }]);
    expect(checkCompatibility('BACKWARD', candidate, previous).compatible).toBe(true);
    const transitive = checkCompatibility('BACKWARD_TRANSITIVE', candidate, previous);
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toHaveLength(1);
    expect(transitive.messages[0]).toMatch(/version 1/);
  });

  it('accepts any first version, whatever the level', () => {
    expect(checkCompatibility('FULL_TRANSITIVE', withoutDefault, []).compatible).toBe(true);
  });
});

describe('parseCompatibilityLevel', () => {
  it('reads levels case-insensitively and refuses unknown ones', () => {
    expect(parseCompatibilityLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel('SIDEWAYS')).toBeUndefined();
    expect(parseCompatibilityLevel(3)).toBeUndefined();
  });
});
