// Bench child: appends PriceTick records to the bench's price.ticks at a set
// rate, round-robin over the players (tick i is player i mod P at seq
// floor(i/P)+1, so each player ticks every P/R seconds and seq is +1 per
// player), and tells the driver each batch's LogAppendTime per partition so
// the load generators can compute append -> receipt for every message.
// argv: brokers registryUrl prefix players
import { kafkaSecurityOf } from '@inplay/config';
import type { PriceTick } from '@inplay/contracts';
import { TOPICS } from '@inplay/contracts';
import { createKafka, createProducer, createSerde, recordSender, type OutgoingRecord } from '@inplay/kafka';
import { parentChannel } from './children';
import type { ProducerIn, ProducerOut } from './messages';
import { playerId, tickOf } from './fanout-plan';

/** Largest batch (records) per produce request when catching up. */
const MAX_BATCH_TICKS = 1_000;
/** How often the loop looks for due ticks: batches of about R * this / 1000. */
const PRODUCE_INTERVAL_MS = 5;
const BASE_PRICE_CENTS = 1_000;

const [brokersArg, registryUrl, prefix, playersArg] = process.argv.slice(2);
if (!brokersArg || !registryUrl || prefix === undefined || !playersArg) throw new Error('usage: producer-process <brokers> <registryUrl> <prefix> <players>');
const players = Number(playersArg);
const partitions = TOPICS.find((t) => t.name === 'price.ticks')?.partitions ?? 1;
const kafka = createKafka({ brokers: brokersArg.split(','), ...kafkaSecurityOf(process.env), clientId: `${prefix}bench-producer` });
const producer = createProducer(kafka);
const records = recordSender(producer, createSerde(registryUrl, prefix), prefix);

let nextIndex = 0;
let running: { ticksPerSec: number; startedAtMs: number; startIndex: number } | null = null;
let loop: Promise<void> = Promise.resolve();
let sendErrors = 0;
let lastError: string | undefined;

const send = parentChannel<ProducerIn, ProducerOut>((message) => {
  if (message.type === 'start') {
    running = { ticksPerSec: message.ticksPerSec, startedAtMs: Date.now(), startIndex: nextIndex };
    loop = produceWhileRunning();
  } else if (message.type === 'stop') {
    const produced = running ? nextIndex - running.startIndex : 0;
    running = null;
    void loop.then(() => send({ type: 'stopped', produced, sendErrors, ...(lastError ? { lastError } : {}) }));
  }
});

function priceOf(player: number, seq: number): number {
  return BASE_PRICE_CENTS + ((player * 7 + seq * 13) % 200);
}

function tickRecord(index: number, nowMs: number): OutgoingRecord<'price.ticks'> {
  const { player, seq } = tickOf(index, players);
  const value: PriceTick = {
    playerId: playerId(player), matchId: null, seq, priceCents: priceOf(player, seq), previousPriceCents: priceOf(player, seq - 1),
    cause: 'DRIFT', causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: nowMs,
  };
  // The partition is explicit so the response's per-partition append time maps back to each tick.
  return { key: value.playerId, value, partition: player % partitions };
}

/** Sends what is due by the clock (so a slow send is caught up, never silently skipped), one request at a time. */
async function produceWhileRunning(): Promise<void> {
  while (running) {
    const run = running;
    const dueIndex = run.startIndex + Math.floor(((Date.now() - run.startedAtMs) * run.ticksPerSec) / 1000);
    const count = Math.min(MAX_BATCH_TICKS, dueIndex - nextIndex);
    if (count <= 0) {
      await new Promise((r) => setTimeout(r, PRODUCE_INTERVAL_MS));
      continue;
    }
    const from = nextIndex;
    const nowMs = Date.now();
    const batch = Array.from({ length: count }, (_, i) => tickRecord(from + i, nowMs));
    try {
      const metadata = await records.send('price.ticks', batch);
      nextIndex = from + count;
      const appendMs = Array.from({ length: partitions }, () => -1);
      for (const m of metadata) appendMs[m.partition] = Number(m.logAppendTime ?? -1);
      send({ type: 'appended', from, count, partitions, appendMs });
    } catch (err) {
      sendErrors += 1;
      lastError = (err as Error).message;
    }
  }
}

await producer.connect();
send({ type: 'ready' });
