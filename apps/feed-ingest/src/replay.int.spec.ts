import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@inplay/db';
import { mapStatsBombEvents, rosterFromLineups } from '@inplay/domain';
import { jumpingClock } from './clock';
import { feedTestEnv, type FeedTestEnv } from '../test/feed.fixtures';
import { registerMatch } from './match-registry';
import { createFeedOutbox } from './outbox';
import { replayStatsBombMatch } from './replay';
import { DEMO_STATSBOMB_SOURCE, loadStatsBombMatch } from './statsbomb-files';

const KICK_OFF_AT = Date.UTC(2026, 0, 10, 18, 30);
const MESSI = '5503';
const STUANI = '6351';
const PIQUE = '5213';

let t: FeedTestEnv;
let expectedEvents: number;

beforeAll(async () => {
  t = await feedTestEnv();
  const raw = await loadStatsBombMatch(DEMO_STATSBOMB_SOURCE);
  expectedEvents = mapStatsBombEvents(raw.events, { matchId: 'x', kickOffAt: 0, teams: raw.teams }).events.length;
});
afterAll(async () => t?.close());

const fastReplay = (extra: { matchId?: string; clockStart?: number } = {}) =>
  replayStatsBombMatch({ adapters: t.adapters, speed: 1000, lagMs: 0, lagJitterMs: 0, clock: jumpingClock(extra.clockStart ?? KICK_OFF_AT), ...(extra.matchId ? { matchId: extra.matchId } : {}) }).done;

describe('StatsBomb replay', () => {
  it('registers the match and its players, then produces every mapped event with the four goals in order', async () => {
    const summary = await fastReplay();
    expect(summary.matchId).toBe('statsbomb-15986-202601101830');
    expect(summary.produced).toBe(expectedEvents);
    expect(summary.producedByType['GOAL']).toBe(4);
    expect(summary.ignoredProviderTypes['Pass']).toBeGreaterThan(500);
    expect(await t.rowCount('matches', 'match_id = $1', [summary.matchId])).toBe(1);
    expect(await t.rowCount('players', 'match_id = $1', [summary.matchId])).toBeGreaterThanOrEqual(36);
    expect(await t.rowCount('feed_events', "match_id = $1 AND status = 'sent'", [summary.matchId])).toBe(expectedEvents);

    const records = await t.readMatchEvents(expectedEvents);
    expect(records).toHaveLength(expectedEvents);
    const events = records.map((r) => r.value);
    expect(records.every((r) => r.key === summary.matchId)).toBe(true);
    const goals = events.filter((e) => e.type === 'GOAL');
    expect(goals.map((g) => [g.playerId, `${g.homeScore}-${g.awayScore}`])).toEqual([[MESSI, '1-0'], [STUANI, '1-1'], [STUANI, '1-2'], [PIQUE, '2-2']]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(expectedEvents);
    expect(goals[0]?.eventId).toMatch(/^statsbomb:statsbomb-15986-202601101830:[0-9a-f-]+$/);
    for (let i = 1; i < events.length; i++) expect(events[i]!.ingestedAt).toBeGreaterThanOrEqual(events[i - 1]!.ingestedAt);
    // 90+ minutes of match at speed 1000 take a few seconds of (jumped) wall time.
    const last = events[events.length - 1]!;
    expect(last.type).toBe('FULL_TIME');
    expect(last.occurredAt - KICK_OFF_AT).toBeLessThan(7_000);
  });

  it('produces nothing new when the same match instance is replayed again', async () => {
    const before = await t.recordCount();
    const summary = await fastReplay({ clockStart: KICK_OFF_AT + 3_600_000, matchId: 'statsbomb-15986-202601101830' });
    expect([summary.produced, summary.duplicates]).toEqual([0, expectedEvents]);
    expect(await t.recordCount()).toBe(before);
  });

  it('resends an event left pending by a crash between record and produce, and produces the rest once', async () => {
    const matchId = 'statsbomb-15986-crashed';
    const raw = await loadStatsBombMatch(DEMO_STATSBOMB_SOURCE);
    await registerMatch(t.adapters.pool, rosterFromLineups(raw.lineups, raw.events, { matchId, teams: raw.teams }), { provider: 'statsbomb', kickOffAt: KICK_OFF_AT });
    const kickOff = mapStatsBombEvents(raw.events, { matchId, kickOffAt: KICK_OFF_AT, teams: raw.teams }).events[0]!;
    const pending = { ...kickOff, eventId: `statsbomb:${matchId}:${kickOff.providerEventId}`, ingestedAt: KICK_OFF_AT };
    await createFeedOutbox(t.adapters.pool, t.adapters.sender, t.adapters.metrics).record(t.adapters.pool, [pending]);

    const before = await t.recordCount();
    const summary = await fastReplay({ matchId });
    expect([summary.resentPending, summary.produced, summary.duplicates]).toEqual([1, expectedEvents - 1, 1]);
    expect(await t.recordCount()).toBe(before + expectedEvents);
    expect(await t.rowCount('feed_events', "match_id = $1 AND status = 'pending'", [matchId])).toBe(0);
  });

  it('keeps a player\'s initial price when he moves to a new match', async () => {
    // feed-ingest's own role may not reprice a player (its GRANT leaves initial_price_cents out): the owner sets it.
    await expect(t.adapters.pool.query('UPDATE players SET initial_price_cents = 4242 WHERE player_id = $1', [MESSI])).rejects.toMatchObject({ code: '42501' });
    const owner = createPool(t.env.databaseUrl, { max: 1 });
    await owner.query('UPDATE players SET initial_price_cents = 4242 WHERE player_id = $1', [MESSI]).finally(() => owner.end());
    const summary = await fastReplay({ matchId: 'statsbomb-15986-next', clockStart: KICK_OFF_AT + 86_400_000 });
    const { rows } = await t.adapters.pool.query('SELECT match_id, initial_price_cents FROM players WHERE player_id = $1', [MESSI]);
    expect(rows).toEqual([{ match_id: summary.matchId, initial_price_cents: '4242' }]);
  });
});
