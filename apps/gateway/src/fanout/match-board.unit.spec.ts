import { describe, expect, it } from 'vitest';
import type { MatchEvent } from '@inplay/contracts';
import { MATCH_TOPIC, MatchBoard, RECENT_MATCH_EVENTS } from './match-board';

const event = (n: number, over: Partial<MatchEvent> = {}): MatchEvent => ({
  eventId: `e${n}`, provider: 'test', providerEventId: String(n), matchId: 'm1', type: 'SHOT_ON_TARGET', playerId: 'p1',
  relatedPlayerId: null, teamId: 't1', period: 1, matchClockMs: n * 1000, occurredAt: n, ingestedAt: n, homeScore: 0, awayScore: 0, attributes: {}, ...over,
});

describe('match board', () => {
  it('publishes each live event once and keeps the score and clock', () => {
    const published: string[] = [];
    const board = new MatchBoard((topic, m) => { expect(topic).toBe(MATCH_TOPIC); published.push(m); });
    board.onMatchEvent(event(1, { type: 'GOAL', homeScore: 1 }), true);
    board.onMatchEvent(event(1, { type: 'GOAL', homeScore: 1 }), true);
    board.onMatchEvent(event(2, { type: 'FULL_TIME', homeScore: 1 }), true);
    expect(published).toHaveLength(2);
    expect(JSON.parse(published[0] as string)).toMatchObject({ type: 'match.event', eventType: 'GOAL', homeScore: 1, playerId: 'p1' });
    expect(board.all()[0]).toMatchObject({ matchId: 'm1', homeScore: 1, finished: true, matchClockMs: 2000 });
  });

  it('does not publish while bootstrapping but remembers a bounded window of recent events', () => {
    const published: string[] = [];
    const board = new MatchBoard((_, m) => published.push(m));
    for (let n = 0; n < RECENT_MATCH_EVENTS + 10; n++) board.onMatchEvent(event(n), false);
    expect(published).toHaveLength(0);
    expect(board.all()[0]?.recent).toHaveLength(RECENT_MATCH_EVENTS);
    expect(board.all()[0]?.recent[0]?.eventId).toBe('e10');
  });
});
