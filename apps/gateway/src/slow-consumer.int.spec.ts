// The slow-consumer policy on real sockets: a client that stops reading is
// moved to conflated snapshots and then closed with a reconnect-range code,
// while a fast client on the same players receives every tick promptly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PriceTick } from '@inplay/contracts';
import { eventually } from '@inplay/testing';
import { CLOSE, shouldReconnect } from './protocol/codes';
import { tick } from '../test/fanout.fixtures';
import { gatewayHarness, range, seqsOf, type GatewayHarness, type TestGateway } from '../test/harness';
import type { TestWsClient } from '../test/ws-client';

const PLAYERS = Array.from({ length: 10 }, (_, i) => `s${i}`);
/** One round is about 1.4 MB per subscriber; a paused reader's kernel buffers took about 4 MB on loopback here. */
const TICKS_PER_ROUND = 1_000;
const MAX_ROUNDS = 12;
/** How long the policy gets to act after a round (the grace period of gw-slow-mode is 1 s). */
const ACT_WITHIN_MS = 1_500;
/** A fast client must have the last tick within this long after it was produced. */
const PROMPT_MS = 10_000;

let h: GatewayHarness;
let softThenGrace: TestGateway;
let hardOnly: TestGateway;
let patient: TestGateway;

beforeAll(async () => {
  h = await gatewayHarness({ database: false });
  [softThenGrace, hardOnly, patient] = await Promise.all([
    h.start({ serverId: 'gw-slow-mode', limits: { softBackpressureBytes: 64 * 1024, hardBackpressureBytes: 8 * 1024 * 1024, slowConsumerGraceMs: 1_000, slowSnapshotIntervalMs: 100, backpressureSweepMs: 50 } }),
    h.start({ serverId: 'gw-hard-only', limits: { softBackpressureBytes: 256 * 1024, hardBackpressureBytes: 256 * 1024, backpressureSweepMs: 50 } }),
    h.start({ serverId: 'gw-patient', limits: { softBackpressureBytes: 64 * 1024, hardBackpressureBytes: 8 * 1024 * 1024, slowConsumerGraceMs: 60_000, slowSnapshotIntervalMs: 100, backpressureSweepMs: 50 } }),
  ]);
});
afterAll(() => h.close());

async function subscribed(gateway: TestGateway): Promise<TestWsClient> {
  const client = await gateway.connect();
  client.sendJson({ op: 'subscribe', players: PLAYERS });
  await client.waitFor('snapshots', () => client.ofType('snapshot').length === PLAYERS.length);
  return client;
}

function interleavedTicks(fromSeq: number, toSeq: number): PriceTick[] {
  const out: PriceTick[] = [];
  for (let seq = fromSeq; seq <= toSeq; seq++) for (const player of PLAYERS) out.push(tick(player, seq));
  return out;
}

/**
 * A client following docs/protocol.md: a snapshot sets the seq it holds; a
 * tick with seq <= held is stale; a tick with prevSeq > held is a gap. Returns
 * the final seq per player and every gap seen.
 */
function followStream(client: TestWsClient): { held: Map<string, number>; gaps: string[] } {
  const held = new Map<string, number>();
  const gaps: string[] = [];
  for (const m of client.messages) {
    const player = String(m['player']);
    const seq = Number(m['seq']);
    if (m['type'] === 'snapshot') held.set(player, Math.max(held.get(player) ?? 0, seq));
    if (m['type'] !== 'tick' || seq <= (held.get(player) ?? 0)) continue;
    if (Number(m['prevSeq']) > (held.get(player) ?? 0)) gaps.push(`${player}: held ${held.get(player)}, got ${seq} after ${m['prevSeq']}`);
    held.set(player, seq);
  }
  return { held, gaps };
}

/**
 * Produces rounds of ticks until `done` holds (the kernel socket buffers of a
 * paused reader hold several MB, how many depends on TCP autotuning), waiting
 * each round until `fast` clients have it all. Returns the last seq produced.
 */
async function produceUntil(done: () => boolean, fast: TestWsClient[], fromSeq: number): Promise<number> {
  let last = fromSeq - 1;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await h.sendTicks(interleavedTicks(last + 1, last + TICKS_PER_ROUND));
    last += TICKS_PER_ROUND;
    const producedAtMs = Date.now();
    for (const client of fast) await client.waitFor(`every tick to ${last}`, () => PLAYERS.every((p) => seqsOf(client, p).at(-1) === last), PROMPT_MS);
    expect(Date.now() - producedAtMs).toBeLessThan(PROMPT_MS);
    if (await eventually('the slow-consumer policy to act', done, ACT_WITHIN_MS).then(() => true, () => false)) return last;
  }
  throw new Error(`the slow-consumer policy did not act after ${MAX_ROUNDS} rounds of ${TICKS_PER_ROUND} ticks per player`);
}

describe('a client that stops reading', () => {
  it('is conflated then closed (reconnect range) while fast clients on the same players get every tick promptly', async () => {
    const [fastA, slowA, fastB, slowB] = await Promise.all([subscribed(softThenGrace), subscribed(softThenGrace), subscribed(hardOnly), subscribed(hardOnly)]);
    slowA.pause();
    slowB.pause();

    const last = await produceUntil(() => softThenGrace.status().connections === 1 && hardOnly.status().connections === 1, [fastA, fastB], 1);
    for (const fast of [fastA, fastB]) {
      for (const player of PLAYERS) expect(seqsOf(fast, player)).toEqual(range(1, last));
      expect(fast.closeFrame).toBeNull();
    }

    // The gateways have given up on both slow sockets; now they read what was queued for them, up to the close frame.
    slowA.resume();
    slowB.resume();
    const closeA = await slowA.waitForClose();
    expect(closeA).toEqual({ code: CLOSE.SLOW_CONSUMER, reason: 'too slow for too long: reconnect and resume' });
    expect(shouldReconnect(closeA.code)).toBe(true);
    expect(followStream(slowA).gaps).toEqual([]);
    const lastTickIndex = slowA.messages.findLastIndex((m) => m['type'] === 'tick');
    const conflated = slowA.messages.slice(lastTickIndex + 1).filter((m) => m['type'] === 'snapshot');
    expect(conflated.length).toBeGreaterThan(0);
    expect(conflated.every((m) => m['conflated'] === true)).toBe(true);
    expect(seqsOf(slowA, 's0').length).toBeLessThan(last);

    const closeB = await slowB.waitForClose();
    expect(closeB).toEqual({ code: CLOSE.BACKPRESSURE_LIMIT, reason: 'too far behind: reconnect and resume' });
    expect(shouldReconnect(closeB.code)).toBe(true);
    expect(followStream(slowB).gaps).toEqual([]);

    const metrics = await (await fetch(softThenGrace.internalUrl('/metrics'))).text();
    expect(metrics).toMatch(/gateway_backpressure_closes_total\{code="4002"[^}]*\} 1/);
  });

  it('resumes on reconnect from the last seq it holds', async () => {
    const client = await softThenGrace.connect();
    const prices = (await (await fetch(softThenGrace.httpUrl('/prices'))).json()) as { prices: { player: string; seq: number }[] };
    const latest = prices.prices.find((p) => p.player === 's0')?.seq ?? 0;
    client.sendJson({ op: 'resume', players: PLAYERS.map((player) => ({ player, fromSeq: latest - 3 })) });
    await client.waitFor('replays', () => PLAYERS.every((p) => seqsOf(client, p).at(-1) === latest));
    for (const player of PLAYERS) expect(seqsOf(client, player)).toEqual(range(latest - 2, latest));
  });

  it('goes back to live ticks, resuming from its conflated snapshots, once it reads again', async () => {
    const [fast, recovering] = await Promise.all([subscribed(patient), subscribed(patient)]);
    recovering.pause();
    const from = Number(fast.ofType('snapshot')[0]?.['seq']) + 1;
    const slowAt = await produceUntil(() => patient.status().slowConsumers === 1, [fast], from);
    // Prices keep moving while it is slow: it is sent conflated snapshots instead of ticks.
    const snapshotsSent = async () => (await patient.metrics.messagesSent.get()).values.find((v) => v.labels['type'] === 'snapshot')?.value ?? 0;
    const before = await snapshotsSent();
    const last = slowAt + 10;
    await h.sendTicks(interleavedTicks(slowAt + 1, last));
    await fast.waitFor('the ticks sent while the other is slow', () => PLAYERS.every((p) => seqsOf(fast, p).at(-1) === last));
    await eventually('a round of conflated snapshots', async () => (await snapshotsSent()) > before);
    expect(patient.status().slowConsumers).toBe(1);

    recovering.resume();
    await eventually('the socket back to live', () => patient.status().slowConsumers === 0);
    await recovering.waitFor('the latest price of every player', () => PLAYERS.every((p) => followStream(recovering).held.get(p) === last));
    expect(recovering.ofType('snapshot').some((m) => m['conflated'] === true)).toBe(true);
    await h.sendTicks(interleavedTicks(last + 1, last + 1));
    await recovering.waitFor('the next live tick', () => PLAYERS.every((p) => seqsOf(recovering, p).at(-1) === last + 1));
    expect(followStream(recovering).gaps).toEqual([]);
    expect(recovering.closeFrame).toBeNull();
  });
});
