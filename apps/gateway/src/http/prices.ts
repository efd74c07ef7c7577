// GET /prices (every latest price this gateway holds) and GET /players (the
// players table joined with the in-memory latest prices; ?matchId= filters).
// The table changes only between matches, so rows are cached briefly: a page
// load by many fans costs one query per playersCacheMs.
import type { Pool } from '@inplay/db';
import { policyForMatch } from '@inplay/domain';
import type { RouteModule } from './routes';
import { errorAnswer, serveAsync, writeAnswer } from './respond';

interface PlayerRow {
  player_id: string;
  match_id: string;
  name: string;
  team_id: string;
  team_name: string;
  position: string | null;
  jersey: number | null;
  initial_price_cents: string;
}

const MATCH_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export const registerPriceRoutes: RouteModule = (app, deps) => {
  const { book, config, logger, now } = deps;
  const players = cachedPlayers(deps.pool, config.limits.playersCacheMs, config.limits.maxPlayersPerResponse, now);

  app.get('/prices', (res, req) => {
    const prices = [...book.states()].map((s) => ({ player: s.player, price: s.priceCents, seq: s.seq, lockedUntil: s.lockedUntil, updatedAt: s.updatedAt }));
    writeAnswer(res, { status: 200, body: { serverId: config.serverId, prices } }, req.getHeader('accept-encoding'));
  });

  // Live state of each match this gateway has seen, with team names from the matches table.
  app.get('/matches', (res, req) => {
    const live = deps.matches.all();
    const acceptEncoding = req.getHeader('accept-encoding');
    serveAsync(res, async () => {
      const { rows } = await deps.pool.query<{ match_id: string; home_team: string; away_team: string; kick_off_at: Date }>(
        'SELECT match_id, home_team, away_team, kick_off_at FROM matches WHERE match_id = ANY($1)', [live.map((m) => m.matchId)]);
      const teams = new Map(rows.map((r) => [r.match_id, r]));
      return { status: 200, body: { matches: live.map((m) => ({
        ...m, home: teams.get(m.matchId)?.home_team ?? null, away: teams.get(m.matchId)?.away_team ?? null,
        kickOffAt: teams.get(m.matchId)?.kick_off_at.getTime() ?? null,
        // The page shows lock countdowns only where the trade lock is the policy (other policies never refuse for a lock).
        fairnessPolicy: policyForMatch(deps.fairness, m.matchId).policy,
      })) } };
    }, (err) => logger.error({ err }, 'GET /matches failed'), acceptEncoding);
  });

  app.get('/players', (res, req) => {
    const matchId = req.getQuery('matchId') as string | undefined;
    if (matchId && !MATCH_ID.test(matchId)) {
      writeAnswer(res, errorAnswer(400, 'BAD_MATCH_ID', 'matchId is 1-64 of A-Z a-z 0-9 _ . : -'));
      return;
    }
    const acceptEncoding = req.getHeader('accept-encoding');
    serveAsync(res, async () => {
      const { rows, truncated } = await players();
      const body = rows
        .filter((r) => !matchId || r.match_id === matchId)
        .map((r) => {
          const latest = book.state(r.player_id);
          return {
            playerId: r.player_id, matchId: r.match_id, name: r.name, teamId: r.team_id, teamName: r.team_name, position: r.position, jersey: r.jersey,
            initialPriceCents: Number(r.initial_price_cents),
            // Without a tick yet, the price is the initial one and there is no seq to resume from.
            priceCents: latest?.priceCents ?? Number(r.initial_price_cents),
            ...(latest ? { seq: latest.seq, lockedUntil: latest.lockedUntil } : {}),
          };
        });
      return { status: 200, body: { players: body, truncated } };
    }, (err) => logger.error({ err }, 'GET /players failed'), acceptEncoding);
  });
};

function cachedPlayers(pool: Pool, cacheMs: number, maxRows: number, now: () => number): () => Promise<{ rows: PlayerRow[]; truncated: boolean }> {
  let cached: { atMs: number; value: Promise<{ rows: PlayerRow[]; truncated: boolean }> } | undefined;
  return () => {
    if (cached && now() - cached.atMs < cacheMs) return cached.value;
    const value = pool
      .query<PlayerRow>('SELECT player_id, match_id, name, team_id, team_name, position, jersey, initial_price_cents FROM players ORDER BY match_id, team_name, name LIMIT $1', [maxRows + 1])
      .then((r) => ({ rows: r.rows.slice(0, maxRows), truncated: r.rows.length > maxRows }));
    cached = { atMs: now(), value };
    value.catch(() => { if (cached?.value === value) cached = undefined; });
    return value;
  };
}
