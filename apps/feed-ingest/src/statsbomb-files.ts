// Reads a recorded StatsBomb Open Data match (events + lineups JSON) from disk.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SbEvent, SbLineup } from '@inplay/domain';

/** The shared data beside the repo: <repo>/../shared/data/statsbomb. */
export const DEFAULT_STATSBOMB_DIR = fileURLToPath(new URL('../../../../shared/data/statsbomb/', import.meta.url));
export const DEFAULT_STATSBOMB_MATCH = '15986';

export async function loadStatsBombFiles(dataDir: string, providerMatchId: string): Promise<{ events: SbEvent[]; lineups: SbLineup[] }> {
  const read = async (file: string): Promise<unknown> => {
    const path = join(dataDir, file);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (err) {
      throw new Error(`cannot read StatsBomb file ${path}: ${(err as Error).message}`);
    }
  };
  const [events, lineups] = await Promise.all([read(`${providerMatchId}_events.json`), read(`${providerMatchId}_lineups.json`)]);
  if (!Array.isArray(events) || !Array.isArray(lineups)) throw new Error(`StatsBomb files of match ${providerMatchId} in ${dataDir} are not JSON arrays`);
  return { events: events as SbEvent[], lineups: lineups as SbLineup[] };
}
