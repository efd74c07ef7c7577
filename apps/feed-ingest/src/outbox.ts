// Outbox for match.events: every event is first recorded in feed_events
// (event_id PK, 'pending'); a conflict means it was seen before and is
// skipped. Then it is produced with the idempotent producer (acks -1) and
// marked 'sent'. A crash between produce and mark leaves it 'pending' and it
// is sent again on the next start: at-least-once, so a record can appear
// twice on the topic and consumers dedupe by eventId (pricing does).
import type { MatchEvent } from '@inplay/contracts';
import type { Pool, PoolClient } from '@inplay/db';
import type { RecordSender } from '@inplay/kafka';
import type { FeedMetrics } from './metrics';

/** Events per INSERT / produce request. */
export const OUTBOX_BATCH_MAX = 500;

export type FeedSource = 'replay' | 'synthetic' | 'webhook' | 'resend';

export interface PublishResult {
  produced: MatchEvent[];
  duplicates: number;
}

export interface FeedOutbox {
  /** Records the events as pending; returns those not seen before. Use inside a caller's transaction. */
  record(db: Pool | PoolClient, events: readonly MatchEvent[]): Promise<MatchEvent[]>;
  /** Produces already recorded events and marks them sent. */
  send(events: readonly MatchEvent[], source: FeedSource): Promise<void>;
  /** record + send, batch by batch. */
  publish(events: readonly MatchEvent[], source: FeedSource): Promise<PublishResult>;
  /** Sends rows left pending (by a crash or a failed produce), oldest first; returns how many. */
  resendPending(options?: { matchId?: string; olderThanMs?: number }): Promise<number>;
}

export function createFeedOutbox(pool: Pool, sender: RecordSender, metrics: FeedMetrics): FeedOutbox {
  const outbox: FeedOutbox = {
    async record(db, events) {
      if (events.length === 0) return [];
      const rows = events.map((e) => ({ event_id: e.eventId, match_id: e.matchId, payload: e }));
      const { rows: inserted } = await db.query<{ event_id: string }>(
        `INSERT INTO feed_events (event_id, match_id, status, payload)
         SELECT x.event_id, x.match_id, 'pending', x.payload FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, match_id text, payload jsonb)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [JSON.stringify(rows)],
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      // Same id twice in one batch: the first wins, as the INSERT decided.
      return events.filter((e) => fresh.delete(e.eventId));
    },

    async send(events, source) {
      if (events.length === 0) return;
      await sender.send('match.events', events.map((e) => ({ key: e.matchId, value: e })));
      await pool.query(`UPDATE feed_events SET status = 'sent' WHERE event_id = ANY($1::text[])`, [events.map((e) => e.eventId)]);
      for (const e of events) {
        metrics.eventsProduced.inc({ type: e.type, source });
        metrics.feedLagSeconds.observe({ source }, Math.max(0, e.ingestedAt - e.occurredAt) / 1_000);
      }
    },

    async publish(events, source) {
      const produced: MatchEvent[] = [];
      for (let i = 0; i < events.length; i += OUTBOX_BATCH_MAX) {
        const batch = events.slice(i, i + OUTBOX_BATCH_MAX);
        const fresh = await outbox.record(pool, batch);
        await outbox.send(fresh, source);
        produced.push(...fresh);
      }
      const duplicates = events.length - produced.length;
      if (duplicates > 0) metrics.duplicatesSkipped.inc({ source }, duplicates);
      return { produced, duplicates };
    },

    async resendPending(options = {}) {
      let total = 0;
      for (;;) {
        const { rows } = await pool.query<{ payload: MatchEvent }>(
          `SELECT payload FROM feed_events
            WHERE status = 'pending' AND ($1::text IS NULL OR match_id = $1) AND received_at <= now() - make_interval(secs => $2::double precision / 1000)
            ORDER BY received_at, (payload ->> 'ingestedAt')::bigint LIMIT $3`,
          [options.matchId ?? null, options.olderThanMs ?? 0, OUTBOX_BATCH_MAX],
        );
        if (rows.length === 0) return total;
        await outbox.send(rows.map((r) => r.payload), 'resend');
        total += rows.length;
      }
    },
  };
  return outbox;
}
