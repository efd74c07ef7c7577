// Reads a StatsBomb Open Data match from disk and checks it before anything is
// produced: an events file, a lineups file and, where given, the matches file
// that states home and away. Any file that is unreadable, not JSON or not of
// the open-data shape is refused with its path and what is wrong with it.
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from '@inplay/config';
import { statsBombTeams, type SbEvent, type SbLineup, type SbMatch, type StatsBombTeams } from '@inplay/domain';

/** The demo match shipped with the repository (data/statsbomb, open-data layout). */
export const DEMO_STATSBOMB_DIR = fileURLToPath(new URL('../../../data/statsbomb/', import.meta.url));
export const DEMO_STATSBOMB_MATCH = '15986';
/** Problems listed per refused file before "and N more". */
export const MAX_LISTED_FILE_PROBLEMS = 5;

export interface StatsBombSource {
  eventsFile: string;
  lineupsFile: string;
  /** A matches file (`matches/<competition>/<season>.json`) with this match's entry. */
  matchesFile?: string;
  /** StatsBomb's match id; default: from the matches entry, else the events file's name. */
  providerMatchId?: string;
}

export interface StatsBombMatchFiles {
  providerMatchId: string;
  events: SbEvent[];
  lineups: SbLineup[];
  match?: SbMatch;
  teams: StatsBombTeams;
}

export class StatsBombFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`StatsBomb file ${file}: ${problem}`);
  }
}

/** The files of match `providerMatchId` in an open-data folder (events/, lineups/, matches/<competition>/<season>.json). */
export async function statsBombSourceInDir(dir: string, providerMatchId: string): Promise<StatsBombSource> {
  if (!/^\d+$/.test(providerMatchId)) throw new Error(`--match must be a StatsBomb match id (digits), got ${JSON.stringify(providerMatchId)}`);
  if (!existsSync(dir)) throw new Error(`StatsBomb folder ${dir} does not exist`);
  const matchesFile = await findMatchesFile(join(dir, 'matches'), Number(providerMatchId));
  return {
    eventsFile: join(dir, 'events', `${providerMatchId}.json`),
    lineupsFile: join(dir, 'lineups', `${providerMatchId}.json`),
    ...(matchesFile ? { matchesFile } : {}),
    providerMatchId,
  };
}

export const DEMO_STATSBOMB_SOURCE: StatsBombSource = {
  eventsFile: join(DEMO_STATSBOMB_DIR, 'events', `${DEMO_STATSBOMB_MATCH}.json`),
  lineupsFile: join(DEMO_STATSBOMB_DIR, 'lineups', `${DEMO_STATSBOMB_MATCH}.json`),
  providerMatchId: DEMO_STATSBOMB_MATCH,
};

/** Reads and checks the three files; throws StatsBombFileError naming the file at fault. */
export async function loadStatsBombMatch(source: StatsBombSource): Promise<StatsBombMatchFiles> {
  const [events, lineups, matches] = await Promise.all([
    readChecked(source.eventsFile, eventsShape) as Promise<SbEvent[]>,
    readChecked(source.lineupsFile, lineupsShape) as Promise<SbLineup[]>,
    source.matchesFile ? (readChecked(source.matchesFile, matchesShape) as Promise<SbMatch[]>) : Promise.resolve(undefined),
  ]);
  const providerMatchId = source.providerMatchId ?? matchIdFromFileName(source.eventsFile);
  let match: SbMatch | undefined;
  if (source.matchesFile && matches) {
    match = matches.find((m) => String(m.match_id) === providerMatchId) ?? (matches.length === 1 && source.providerMatchId === undefined ? matches[0] : undefined);
    if (!match) throw new StatsBombFileError(source.matchesFile, `has no entry for match ${providerMatchId}`);
  }
  const teams = statsBombTeams(events, match);
  if (!teams.ok) throw new StatsBombFileError(match && source.matchesFile ? source.matchesFile : source.eventsFile, teams.reason);
  const { homeTeamId, awayTeamId } = teams.teams;
  const lineupTeams = lineups.map((l) => String(l.team_id)).sort();
  if (lineupTeams.join() !== [homeTeamId, awayTeamId].sort().join()) {
    throw new StatsBombFileError(source.lineupsFile, `lists teams ${lineupTeams.join(', ') || 'none'}, but the match is ${homeTeamId} v ${awayTeamId}`);
  }
  const strangers = new Set(events.flatMap((e) => (e.team && String(e.team.id) !== homeTeamId && String(e.team.id) !== awayTeamId ? [e.team.id] : [])));
  if (strangers.size > 0) throw new StatsBombFileError(source.eventsFile, `has events of team ${[...strangers].join(', ')}, which plays in neither side of ${homeTeamId} v ${awayTeamId}`);
  return { providerMatchId: match ? String(match.match_id) : providerMatchId, events, lineups, ...(match ? { match } : {}), teams: teams.teams };
}

/** "3788741" from ".../events/3788741.json" or "statsbomb_3788741_event.json"; else the name itself. */
function matchIdFromFileName(file: string): string {
  const name = basename(file, '.json');
  return /\d+/.exec(name)?.[0] ?? name.replace(/[^A-Za-z0-9_-]/g, '-');
}

async function findMatchesFile(matchesDir: string, matchId: number): Promise<string | undefined> {
  if (!existsSync(matchesDir)) return undefined;
  for (const competition of await readdir(matchesDir, { withFileTypes: true })) {
    if (!competition.isDirectory()) continue;
    for (const season of await readdir(join(matchesDir, competition.name))) {
      if (!season.endsWith('.json')) continue;
      const file = join(matchesDir, competition.name, season);
      // A cheap text test first: most seasons do not hold the match.
      if (!(await readFile(file, 'utf8')).includes(String(matchId))) continue;
      const entries = await readChecked(file, matchesShape) as SbMatch[];
      if (entries.some((m) => m.match_id === matchId)) return file;
    }
  }
  return undefined;
}

async function readChecked(file: string, shape: z.ZodType): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StatsBombFileError(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StatsBombFileError(file, `is not JSON (${(err as Error).message})`);
  }
  const parsed = shape.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${whereIn(i.path)}: ${i.message.replace(/^Invalid input: /, '')}`);
  const listed = problems.slice(0, MAX_LISTED_FILE_PROBLEMS).join('; ');
  const more = problems.length > MAX_LISTED_FILE_PROBLEMS ? `; and ${problems.length - MAX_LISTED_FILE_PROBLEMS} more` : '';
  throw new StatsBombFileError(file, `is not a StatsBomb ${shapeName.get(shape) ?? 'data'} file: ${listed}${more}`);
}

/** "item 12 timestamp" for [12, 'timestamp']: items counted from 0, as in the file. */
function whereIn(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the whole file';
  const [first, ...rest] = path;
  return typeof first === 'number' ? `item ${first}${rest.length ? ` ${rest.join('.')}` : ''}` : path.map(String).join('.');
}

const ref = z.object({ id: z.number().int(), name: z.string() });
const eventsShape = z.array(z.looseObject({
  id: z.string().min(1),
  index: z.number().int(),
  period: z.number().int().min(1).max(5),
  timestamp: z.string().regex(/^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/, 'expected "HH:MM:SS.mmm"'),
  minute: z.number().int().min(0),
  second: z.number().int().min(0),
  type: ref,
  team: ref.optional(),
  player: ref.optional(),
  position: ref.optional(),
  tactics: z.looseObject({ lineup: z.array(z.looseObject({ player: ref, position: ref })).optional() }).optional(),
})).min(1, 'has no events');
const lineupsShape = z.array(z.looseObject({
  team_id: z.number().int(),
  team_name: z.string().min(1),
  lineup: z.array(z.looseObject({
    player_id: z.number().int(),
    player_name: z.string().min(1),
    player_nickname: z.string().nullable().optional(),
    jersey_number: z.number().int().nullable().optional(),
    positions: z.array(z.looseObject({ position: z.string(), start_reason: z.string().optional() })).optional(),
  })),
})).length(2, 'must list exactly two teams');
const matchesShape = z.array(z.looseObject({
  match_id: z.number().int(),
  home_team: z.looseObject({ home_team_id: z.number().int(), home_team_name: z.string() }),
  away_team: z.looseObject({ away_team_id: z.number().int(), away_team_name: z.string() }),
  home_score: z.number().int().nullable().optional(),
  away_score: z.number().int().nullable().optional(),
}));
const shapeName = new Map<z.ZodType, string>([[eventsShape, 'events'], [lineupsShape, 'lineups'], [matchesShape, 'matches']]);
