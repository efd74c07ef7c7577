// Helpers of pricing's integration specs: write a roster the way feed-ingest
// does, and collect what pricing publishes (read-committed, from the start).
import type { PriceTick } from '@inplay/contracts';
import { createPool } from '@inplay/db';
import type { Roster } from '@inplay/domain';
import type { Kafka, Serde } from '@inplay/kafka';

export async function insertRoster(databaseUrl: string, roster: Roster, kickOffAt = Date.now()): Promise<void> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    await writeRoster(pool, roster, kickOffAt);
  } finally {
    await pool.end();
  }
}

export interface Collected<T> {
  values: T[];
  stop(): Promise<void>;
}

/** Every committed record of a topic, in arrival order, decoded. */
export async function collect<T>(kafka: Kafka, serde: Serde, topic: string, groupId: string): Promise<Collected<T>> {
  const values: T[] = [];
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) if (message.value) values.push(await serde.decode<T>(message.value));
    },
  });
  return { values, stop: () => consumer.disconnect() };
}

export function ticksByPlayer(ticks: readonly PriceTick[]): Map<string, PriceTick[]> {
  const byPlayer = new Map<string, PriceTick[]>();
  for (const tick of ticks) byPlayer.set(tick.playerId, [...(byPlayer.get(tick.playerId) ?? []), tick]);
  return byPlayer;
}

/** Seqs 1..n in order with no gap and no repeat, for every player. Returns the players that break it. */
export function playersWithSeqGaps(ticks: readonly PriceTick[]): string[] {
  return [...ticksByPlayer(ticks)].filter(([, list]) => list.some((t, i) => t.seq !== i + 1)).map(([playerId]) => playerId);
}

/** Writes a roster as feed-ingest registers one (matches + players): the tables pricing reads its rosters from. */
async function writeRoster(pool: ReturnType<typeof createPool>, roster: Roster, kickOffAt: number): Promise<void> {
  const team = (teamId: string) => roster.players.find((p) => p.teamId === teamId)?.teamName ?? teamId;
  await pool.query(
    `INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
     VALUES ($1, 'inplay', $2, $3, $4, $5, to_timestamp($6 / 1000.0))`,
    [roster.matchId, roster.homeTeamId, team(roster.homeTeamId), roster.awayTeamId, team(roster.awayTeamId), kickOffAt],
  );
  const columns = ['player_id', 'match_id', 'name', 'team_id', 'team_name', 'position', 'jersey', 'initial_price_cents'];
  const values = roster.players.flatMap((p) => [p.playerId, roster.matchId, p.name, p.teamId, p.teamName, p.position, p.jersey, p.initialPriceCents]);
  const rows = roster.players.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`);
  await pool.query(`INSERT INTO players (${columns.join(', ')}) VALUES ${rows.join(', ')}`, values);
}
