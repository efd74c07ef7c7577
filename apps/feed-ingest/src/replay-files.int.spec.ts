// Any StatsBomb Open Data match replays from its files: home and away from the
// data that states them (never the lineups file's order), players with no
// recorded position kept unknown, and bad files refused with their path before
// anything is written or produced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SbEvent, SbLineup, SbMatch } from '@inplay/domain';
import { jumpingClock } from './clock';
import { feedTestEnv, type FeedTestEnv } from '../test/feed.fixtures';
import { replayStatsBombMatch } from './replay';
import { statsBombSourceInDir, type StatsBombSource } from './statsbomb-files';

const KICK_OFF_AT = Date.UTC(2026, 5, 11, 19, 0);
const HOME = { id: 909, name: 'Turkey' };
const AWAY = { id: 914, name: 'Italy' };

let index = 0;
function sb(type: string, period: number, minute: number, fields: Partial<SbEvent> = {}): SbEvent {
  index += 1;
  const mm = String(minute - (period - 1) * 45).padStart(2, '0');
  return { id: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`, index, period, timestamp: `00:${mm}:00.000`, minute, second: 0, type: { id: 0, name: type }, ...fields };
}
const player = (id: number) => ({ id, name: `Player ${id}` });
const xi = (team: typeof HOME, keeper: number, striker: number): SbEvent => sb('Starting XI', 1, 0, {
  team, tactics: { lineup: [{ player: player(keeper), position: { id: 1, name: 'Goalkeeper' } }, { player: player(striker), position: { id: 23, name: 'Center Forward' } }] },
});

/** A match shaped like StatsBomb's Turkey 0-3 Italy (Euro 2020): an own goal, two goals, lineups listing the away team first. */
const events: SbEvent[] = [
  xi(HOME, 1, 2), xi(AWAY, 11, 12),
  sb('Half Start', 1, 0, { team: HOME }), sb('Half Start', 1, 0, { team: AWAY }),
  sb('Half End', 1, 45, { team: HOME }), sb('Half End', 1, 45, { team: AWAY }),
  sb('Half Start', 2, 45, { team: HOME }), sb('Half Start', 2, 45, { team: AWAY }),
  sb('Own Goal Against', 2, 53, { team: HOME, player: player(2) }), sb('Own Goal For', 2, 53, { team: AWAY }),
  sb('Shot', 2, 66, { team: AWAY, player: player(12), shot: { outcome: { id: 97, name: 'Goal' } } }),
  sb('Shot', 2, 79, { team: AWAY, player: player(12), shot: { outcome: { id: 97, name: 'Goal' } } }),
  sb('Half End', 2, 90, { team: HOME }), sb('Half End', 2, 90, { team: AWAY }),
];
const lineups: SbLineup[] = [
  { team_id: AWAY.id, team_name: AWAY.name, lineup: [{ player_id: 11, player_name: 'Keeper Eleven' }, { player_id: 12, player_name: 'Striker Twelve' }, { player_id: 13, player_name: 'Unused Sub', positions: [] }] },
  { team_id: HOME.id, team_name: HOME.name, lineup: [{ player_id: 1, player_name: 'Keeper One' }, { player_id: 2, player_name: 'Striker Two' }] },
];
const matchEntry: SbMatch = { match_id: 3788741, home_team: { home_team_id: HOME.id, home_team_name: HOME.name }, away_team: { away_team_id: AWAY.id, away_team_name: AWAY.name }, home_score: 0, away_score: 3 };

let t: FeedTestEnv;
let dir: string;
const write = (name: string, content: unknown): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const replay = (source: StatsBombSource, matchId: string) =>
  replayStatsBombMatch({ adapters: t.adapters, source, matchId, speed: 1000, lagMs: 0, lagJitterMs: 0, clock: jumpingClock(KICK_OFF_AT) }).done;

beforeAll(async () => {
  t = await feedTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'statsbomb-'));
});
afterAll(async () => t?.close());

describe('replay of a StatsBomb match from its files', () => {
  it('takes home and away from the Starting XI order when the lineups list the away team first', async () => {
    const source = { eventsFile: write('flat/3788741_events.json', events), lineupsFile: write('flat/3788741_lineups.json', lineups) };
    const summary = await replay(source, 'files-away-first');
    const { rows } = await t.adapters.pool.query('SELECT home_team_id, home_team, away_team_id, away_team FROM matches WHERE match_id = $1', ['files-away-first']);
    expect(rows).toEqual([{ home_team_id: '909', home_team: 'Turkey', away_team_id: '914', away_team: 'Italy' }]);
    const produced = (await t.readMatchEvents(summary.produced)).map((r) => r.value).filter((e) => e.matchId === 'files-away-first');
    const last = produced.at(-1);
    expect([last?.type, last?.homeScore, last?.awayScore]).toEqual(['FULL_TIME', 0, 3]);
    expect(produced.filter((e) => e.type === 'OWN_GOAL').map((e) => [e.teamId, e.homeScore, e.awayScore])).toEqual([['909', 0, 1]]);
  });

  it('keeps an unused substitute\'s position unknown and prices him by the documented rule', async () => {
    const { rows } = await t.adapters.pool.query('SELECT position, initial_price_cents FROM players WHERE player_id = $1', ['13']);
    expect(rows).toEqual([{ position: null, initial_price_cents: '900' }]);
  });

  it('finds the files and the matches entry in an open-data folder and takes home and away from the matches file', async () => {
    const swapped = [events[1]!, events[0]!, ...events.slice(2)]; // the matches file wins over the event order
    write('open-data/events/3788741.json', swapped);
    write('open-data/lineups/3788741.json', lineups);
    write('open-data/matches/55/43.json', [{ ...matchEntry, match_id: 1 }, matchEntry]);
    const source = await statsBombSourceInDir(join(dir, 'open-data'), '3788741');
    expect(source.matchesFile).toBe(join(dir, 'open-data/matches/55/43.json'));
    await replay(source, 'files-open-data');
    const { rows } = await t.adapters.pool.query('SELECT home_team, away_team FROM matches WHERE match_id = $1', ['files-open-data']);
    expect(rows).toEqual([{ home_team: 'Turkey', away_team: 'Italy' }]);
  });

  it.each([
    ['not JSON', () => ({ eventsFile: write('bad/a.json', '[{"id": '), lineupsFile: write('bad/l.json', lineups) }), /bad\/a\.json: is not JSON/],
    ['a missing file', () => ({ eventsFile: join(dir, 'bad/none.json'), lineupsFile: write('bad/l.json', lineups) }), /bad\/none\.json: no such file/],
    ['an event without a timestamp', () => ({ eventsFile: write('bad/b.json', [events[0], { ...events[2], timestamp: undefined }]), lineupsFile: write('bad/l.json', lineups) }), /bad\/b\.json: is not a StatsBomb events file: item 1 timestamp: expected string/],
    ['a lineups file of one team', () => ({ eventsFile: write('bad/c.json', events), lineupsFile: write('bad/l1.json', [lineups[0]]) }), /bad\/l1\.json: is not a StatsBomb lineups file: .*exactly two teams/],
    ['lineups of another match', () => ({ eventsFile: write('bad/d.json', events), lineupsFile: write('bad/l2.json', [lineups[0], { ...lineups[1], team_id: 1 }]) }), /bad\/l2\.json: lists teams 1, 914, but the match is 909 v 914/],
    ['events with no Starting XI and no matches file', () => ({ eventsFile: write('bad/e.json', events.slice(2)), lineupsFile: write('bad/l.json', lineups) }), /bad\/e\.json: the events carry 0 Starting XI events/],
    ['a matches file without the match', () => ({ eventsFile: write('bad/f.json', events), lineupsFile: write('bad/l.json', lineups), matchesFile: write('bad/m.json', [{ ...matchEntry, match_id: 1 }]), providerMatchId: '3788741' }), /bad\/m\.json: has no entry for match 3788741/],
  ])('refuses %s, naming the file, and writes and produces nothing', async (_what, source, message) => {
    const records = await t.recordCount();
    const matchId = `files-bad-${index++}`;
    await expect(replay(source(), matchId)).rejects.toThrow(message);
    expect(await t.rowCount('matches', 'match_id = $1', [matchId])).toBe(0);
    expect(await t.rowCount('feed_events', 'match_id = $1', [matchId])).toBe(0);
    expect(await t.recordCount()).toBe(records);
  });

  it('a good pair of files is accepted by the same checks (positive control)', async () => {
    const matchId = `files-good-${index++}`;
    const summary = await replay({ eventsFile: write('good/e.json', events), lineupsFile: write('good/l.json', lineups) }, matchId);
    expect(summary.produced).toBeGreaterThan(0);
    expect(await t.rowCount('matches', 'match_id = $1', [matchId])).toBe(1);
  });
});
