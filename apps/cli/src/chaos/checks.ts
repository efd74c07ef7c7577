// What must hold after every chaos scenario (../DESIGN.md invariants), judged
// from Postgres (directly, not through the proxy the faults go through), the
// topics and what the clients saw: every accepted order has exactly one result
// and one effect, no key executed twice, the ledger balances, nobody below
// zero, the projection equal to the topics (the replay audit), every player's
// ticks gap-free, and WebSocket clients that never missed a tick silently.
import type { Pool } from '@inplay/db';
import type { TopicName } from '@inplay/contracts';
import { readTopic } from '@inplay/audit';
import { createKafka, createSerde, type Kafka, type Serde, type KafkaSecurity } from '@inplay/kafka';
import type { OrderOutcome, WatcherReport } from './load';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Every decoded value of a topic, from its start to the end it had when the read began. */
async function readAll<T>(kafka: Kafka, serde: Serde, topic: TopicName): Promise<T[]> {
  const values: T[] = [];
  await readTopic<T>({ kafka, serde, prefix: '', topic, onRecord: (value) => { values.push(value); } });
  return values;
}

/** Gaps in each player's tick seqs (duplicates, from at-least-once delivery, are not gaps). */
export function tickGaps(ticks: readonly { playerId: string; seq: number }[]): { players: number; ticks: number; gaps: string[] } {
  const byPlayer = new Map<string, Set<number>>();
  for (const t of ticks) {
    let seqs = byPlayer.get(t.playerId);
    if (!seqs) byPlayer.set(t.playerId, seqs = new Set());
    seqs.add(t.seq);
  }
  const gaps: string[] = [];
  for (const [player, seqs] of byPlayer) {
    const sorted = [...seqs].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) if (sorted[i]! !== sorted[i - 1]! + 1) gaps.push(`${player}: ${sorted[i - 1]} → ${sorted[i]}`);
    if (sorted[0] !== undefined && sorted[0] > 1) gaps.push(`${player}: starts at ${sorted[0]}`);
  }
  return { players: byPlayer.size, ticks: ticks.length, gaps };
}

export interface CheckInputs {
  pool: Pool;
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  outcomes: readonly OrderOutcome[];
  /** Orders the scenario wrote itself (not through the gateway), which must settle too. */
  extraOrderIds?: readonly string[];
  /** Records that went to dead.letter during the scenario. */
  deadLetters: number;
  watchers: WatcherReport;
  /** The replay audit's verdict (run by the caller). */
  audit: { equal: boolean; discrepancies: number; detail: string };
}

export interface CheckResult {
  checks: Check[];
  /** Accepted orders with no row or no result. */
  lost: number;
  /** Orders or keys with more than one effect: postings twice, two order ids or rows for a key, conflicting results. */
  duplicated: number;
}

export async function runChecks(i: CheckInputs): Promise<CheckResult> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string): void => { checks.push({ name, ok, detail }); };
  const accepted = i.outcomes.filter((o) => o.accepted && o.orderId);
  const acceptedIds = [...accepted.map((o) => o.orderId!), ...(i.extraOrderIds ?? [])];

  const { rows: settledRows } = await i.pool.query<{ order_id: string; status: string }>('SELECT order_id, status FROM orders WHERE order_id = ANY($1::text[])', [acceptedIds]);
  const settled = new Map(settledRows.map((r) => [r.order_id, r.status]));
  const missing = acceptedIds.filter((id) => !settled.has(id));
  add('every accepted order settled', missing.length === 0, `${acceptedIds.length - missing.length}/${acceptedIds.length} accepted orders have their row${missing.length ? `; missing ${missing.slice(0, 3).join(', ')}` : ''}`);

  const kafka = createKafka({ brokers: i.brokers, ...i.kafkaSecurity, clientId: 'inplay-chaos-checks' });
  const serde = createSerde(i.registryUrl, '');
  const results = await readAll<{ orderId: string; status: string }>(kafka, serde, 'order.results');
  const resultStatus = new Map<string, Set<string>>();
  for (const r of results) {
    let s = resultStatus.get(r.orderId);
    if (!s) resultStatus.set(r.orderId, s = new Set());
    s.add(r.status);
  }
  // A void follows a fill as a second result of its own; anything else twice, or a result unlike the row, is wrong.
  const noResult = acceptedIds.filter((id) => !resultStatus.has(id));
  const conflicting = acceptedIds.filter((id) => {
    const s = resultStatus.get(id);
    if (!s) return false;
    const final = settled.get(id);
    const statuses = [...s].filter((x) => x !== 'VOIDED');
    return statuses.length > 1 || (final !== undefined && final !== 'VOIDED' && !s.has(final));
  });
  add('nothing dead-lettered', i.deadLetters === 0, `${i.deadLetters} records went to dead.letter`);
  add('exactly one result per accepted order', noResult.length === 0 && conflicting.length === 0,
    `${acceptedIds.length - noResult.length}/${acceptedIds.length} on order.results; ${conflicting.length} with conflicting results${noResult.length ? `; none for ${noResult.slice(0, 3).join(', ')}` : ''}`);

  const { rows: doubled } = await i.pool.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT transaction_id, account FROM ledger_entries GROUP BY 1, 2 HAVING count(*) > 1) d');
  add('one effect per order (no posting twice)', Number(doubled[0]!.n) === 0, `${doubled[0]!.n} (transaction, account) pairs posted more than once`);

  const keysWithTwoIds = i.outcomes.filter((o) => o.orderIds.length > 1);
  const { rows: twice } = await i.pool.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT user_id, idempotency_key FROM orders GROUP BY 1, 2 HAVING count(*) > 1) d');
  add('no idempotency key executed twice', keysWithTwoIds.length === 0 && Number(twice[0]!.n) === 0,
    `${keysWithTwoIds.length} keys answered with two order ids; ${twice[0]!.n} keys with two rows`);

  const { rows: unbalanced } = await i.pool.query<{ n: string; total: string | null }>(
    'SELECT (SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries GROUP BY 1 HAVING sum(amount_cents) <> 0) u) AS n, (SELECT sum(amount_cents) FROM ledger_entries) AS total');
  add('the ledger balances', Number(unbalanced[0]!.n) === 0 && Number(unbalanced[0]!.total ?? 0) === 0, `${unbalanced[0]!.n} unbalanced transactions; sum of all postings ${unbalanced[0]!.total ?? 0}`);

  const { rows: negative } = await i.pool.query<{ cash: string; holdings: string }>(
    'SELECT (SELECT count(*) FROM accounts WHERE cash_cents < 0) AS cash, (SELECT count(*) FROM holdings WHERE quantity < 0) AS holdings');
  add('no cash or holding below zero', Number(negative[0]!.cash) === 0 && Number(negative[0]!.holdings) === 0, `${negative[0]!.cash} accounts, ${negative[0]!.holdings} holdings below zero`);

  add('the projection equals the topics (inplay replay)', i.audit.equal, i.audit.detail);

  const ticks = await readAll<{ playerId: string; seq: number }>(kafka, serde, 'price.ticks');
  const gaps = tickGaps(ticks);
  add('every player\'s ticks gap-free', gaps.gaps.length === 0, `${gaps.ticks} ticks of ${gaps.players} players; ${gaps.gaps.length} gaps${gaps.gaps.length ? ` (${gaps.gaps.slice(0, 3).join('; ')})` : ''}`);

  const lost = new Set([...missing, ...noResult]).size;
  const duplicated = Number(doubled[0]!.n) + keysWithTwoIds.length + Number(twice[0]!.n) + conflicting.length;
  add('clients resumed without a silent gap', i.watchers.silentGaps === 0,
    `${i.watchers.clients} clients, ${i.watchers.ticks} ticks, ${i.watchers.reconnects} reconnects, ${i.watchers.replayedTicks} replayed, ${i.watchers.announcedGaps} gaps announced, ${i.watchers.silentGaps} silent${i.watchers.examples.length ? ` (${i.watchers.examples.slice(0, 2).join('; ')})` : ''}`);
  return { checks, lost, duplicated };
}
