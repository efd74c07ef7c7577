import { describe, expect, it } from 'vitest';
import { MatchEventTypeValues } from '@inplay/contracts';
import { MATCH_EVENT_TYPES, isMatchEventType } from './match-event';

describe('match event types', () => {
  it('lists exactly the MatchEventType symbols of schemas/match-event.avsc, in order', () => {
    expect([...MATCH_EVENT_TYPES]).toEqual([...MatchEventTypeValues]);
  });

  it('recognises a known type and refuses an unknown one', () => {
    expect(isMatchEventType('GOAL')).toBe(true);
    expect(isMatchEventType('CORNER')).toBe(false);
  });
});
