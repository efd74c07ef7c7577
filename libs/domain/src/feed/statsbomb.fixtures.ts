// The demo match shipped in the repository's data/statsbomb (Data: StatsBomb
// Open Data), loaded as JSON modules so specs need no file system access.
import { statsBombTeams, type StatsBombTeams } from './statsbomb-teams';
import type { SbEvent, SbLineup } from './statsbomb-types';

const DATA_DIR = new URL('../../../../data/statsbomb/', import.meta.url);

export const STATSBOMB_MATCH_ID = '15986';

export async function loadStatsBombMatch(): Promise<{ events: SbEvent[]; lineups: SbLineup[]; teams: StatsBombTeams }> {
  const load = async (file: string): Promise<unknown> => (await import(new URL(file, DATA_DIR).href, { with: { type: 'json' } })).default;
  const [events, lineups] = await Promise.all([load(`events/${STATSBOMB_MATCH_ID}.json`), load(`lineups/${STATSBOMB_MATCH_ID}.json`)]) as [SbEvent[], SbLineup[]];
  const teams = statsBombTeams(events);
  if (!teams.ok) throw new Error(`demo match: ${teams.reason}`);
  return { events, lineups, teams: teams.teams };
}
