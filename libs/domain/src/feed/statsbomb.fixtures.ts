// The recorded match in ../shared/data/statsbomb (Data: StatsBomb Open Data),
// loaded as JSON modules so specs need no file system access.
import type { SbEvent, SbLineup } from './statsbomb-types';

const DATA_DIR = new URL('../../../../../shared/data/statsbomb/', import.meta.url);

export const STATSBOMB_MATCH_ID = '15986';

export async function loadStatsBombMatch(): Promise<{ events: SbEvent[]; lineups: SbLineup[] }> {
  const load = async (file: string): Promise<unknown> => (await import(new URL(file, DATA_DIR).href, { with: { type: 'json' } })).default;
  const [events, lineups] = await Promise.all([load(`${STATSBOMB_MATCH_ID}_events.json`), load(`${STATSBOMB_MATCH_ID}_lineups.json`)]);
  return { events: events as SbEvent[], lineups: lineups as SbLineup[] };
}
