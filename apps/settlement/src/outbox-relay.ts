// The outbox relay: publishes the rows settlement wrote with its effects
// (order.results keyed by userId, trades keyed by playerId) and marks them
// sent. At least once: a crash between send and mark re-sends, and readers
// dedupe by orderId / tradeId. Rows are claimed with SKIP LOCKED so several
// settlement processes can relay side by side. A Postgres, Kafka or registry
// restart is ridden out (ride-out.ts); only what retrying cannot fix is fatal.
import { inTransaction, type Pool } from '@inplay/db';
import type { Producer, Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import { rideOut, type RideOutLimits, type RideOutOptions } from './ride-out';

/** Rows published per round trip. */
export const OUTBOX_BATCH_ROWS = 1_000;
/** How long an idle relay waits before looking again when nobody wakes it. */
export const OUTBOX_IDLE_POLL_MS = 250;

export interface OutboxRelay {
  /** Tells the relay new rows were committed. */
  wake(): void;
  stop(): Promise<void>;
}

export async function relayOnce(pool: Pool, producer: Producer, serde: Serde, schemaTopicOf: (topic: string) => 'order.results' | 'trades', batchRows = OUTBOX_BATCH_ROWS): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ outbox_id: string; topic: string; record_key: string; payload: unknown }>(
      `SELECT outbox_id, topic, record_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY outbox_id LIMIT $1 FOR UPDATE SKIP LOCKED`, [batchRows]);
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const row of rows) {
      const value = await serde.encode(schemaTopicOf(row.topic), row.payload as never);
      let messages = byTopic.get(row.topic);
      if (!messages) byTopic.set(row.topic, messages = []);
      messages.push({ key: row.record_key, value });
    }
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    await client.query('UPDATE outbox SET sent_at = now() WHERE outbox_id = ANY($1::bigint[])', [rows.map((r) => r.outbox_id)]);
    return rows.length;
  });
}

export interface OutboxRelayOptions {
  pool: Pool;
  producer: Producer;
  serde: Serde;
  prefix: string;
  logger: Logger;
  /** Called with what could not be ridden out (settlement: onFatal). */
  onError: (err: Error) => void;
  /** Called before each retry of a round trip that met a dependency away (metrics). */
  onRetry?: RideOutOptions['onRetry'];
  rideOutLimits?: RideOutLimits;
  /** Rows per round trip (default OUTBOX_BATCH_ROWS). */
  batchRows?: number;
  /** Called with the number of rows of each published round trip. */
  onRelayed?: (rows: number) => void;
}

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, producer, serde, prefix } = options;
  const schemaTopicOf = (topic: string) => {
    const bare = topic.slice(prefix.length);
    if (bare !== 'order.results' && bare !== 'trades') throw new Error(`outbox row for unexpected topic ${topic}`);
    return bare;
  };
  let running = true;
  let wakeUp: () => void = () => undefined;
  const stopping = new AbortController();
  const ride: RideOutOptions = {
    worker: 'outbox-relay', logger: options.logger, signal: stopping.signal,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}), ...(options.rideOutLimits ? { limits: options.rideOutLimits } : {}),
  };
  const loop = (async () => {
    while (running) {
      const sent = await rideOut(() => relayOnce(pool, producer, serde, schemaTopicOf, options.batchRows ?? OUTBOX_BATCH_ROWS), ride);
      if (sent > 0) {
        options.onRelayed?.(sent);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, OUTBOX_IDLE_POLL_MS);
        wakeUp = () => { clearTimeout(timer); resolve(); };
      });
    }
  })().catch((err: Error) => {
    if (running) options.onError(err);
  });
  return {
    wake: () => wakeUp(),
    async stop() {
      running = false;
      stopping.abort();
      wakeUp();
      await loop;
    },
  };
}
