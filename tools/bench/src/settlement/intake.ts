// The benchmark's order intake process: the gateway's real POST /orders
// (createOrderIntake + registerOrderRoutes on uWS), without the fan-out, and
// with the per-user rate limit lifted (the bench measures settlement, not
// the limiter). Prints {"listening": port} once it accepts connections.
// BENCH_INTAKE_SEND=coalesced tries a proposed change (see coalescingSender)
// without touching the gateway; the default is the intake as shipped.
import uWS from 'uWebSockets.js';
import { infraHints, infraShape, loadConfig, port, postgresUrl, z } from '@inplay/config';
import type { OutgoingRecord, RecordSender } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { createOrderIntake, registerOrderRoutes } from '@inplay/gateway';

/** No bench user reaches this; the limiter still runs its bookkeeping on every request. */
const BENCH_RATE_LIMIT = { ordersPerSecond: 1_000_000, burstOrders: 1_000_000 };

const config = loadConfig({ ...infraShape, DATABASE_URL: postgresUrl, JWT_SECRET: z.string().min(32), BENCH_INTAKE_PORT: port.optional(), BENCH_INTAKE_SEND: z.enum(['as-shipped', 'coalesced']).default('as-shipped') }, process.env, infraHints);
const logger = createLogger('bench-intake', config.LOG_LEVEL);
const intake = await createOrderIntake({
  brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL, databaseUrl: config.DATABASE_URL, jwtSecret: config.JWT_SECRET,
  topicPrefix: config.TOPIC_PREFIX, rateLimit: BENCH_RATE_LIMIT, logger,
});
const deps = config.BENCH_INTAKE_SEND === 'coalesced' ? { ...intake.deps, sender: coalescingSender(intake.deps.sender) } : intake.deps;
const app = registerOrderRoutes(uWS.App(), deps);
const socket = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
  app.listen('127.0.0.1', config.BENCH_INTAKE_PORT ?? 0, (s) => (s ? resolve(s) : reject(new Error('bench intake: listen failed')))));
console.log(JSON.stringify({ listening: uWS.us_socket_local_port(socket) }));
process.once('SIGTERM', () => {
  uWS.us_listen_socket_close(socket);
  intake.close().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'bench intake did not stop cleanly'); process.exit(1); });
});

/** Orders per produce request of the coalescing sender. */
const MAX_COALESCED_ORDERS = 1_000;

/**
 * kafkajs' idempotent producer sends one request per broker at a time (a
 * mutex in its eosManager), so one send per HTTP request caps intake at about
 * 1 / produce round trip. This sender lets orders that arrive while a request
 * is in flight wait and go together in the next one; each caller is still
 * answered only once its own order is acknowledged by all in-sync replicas.
 */
function coalescingSender(sender: RecordSender): RecordSender {
  type Waiting = { records: OutgoingRecord<'orders'>[]; done: (err?: Error) => void };
  let queue: Waiting[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      let count = 0;
      const batch = queue.filter((w) => (count += w.records.length) <= MAX_COALESCED_ORDERS || w === queue[0]);
      queue = queue.slice(batch.length);
      try {
        await sender.send('orders', batch.flatMap((w) => w.records));
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.done(err as Error);
      }
    }
    flushing = false;
  };
  return {
    ...sender,
    send(topic, records, via) {
      if (topic !== 'orders' || via) return sender.send(topic, records, via);
      return new Promise((resolve, reject) => {
        queue.push({ records: records as OutgoingRecord<'orders'>[], done: (err) => (err ? reject(err) : resolve([])) });
        if (!flushing) void flush();
      });
    },
  };
}
