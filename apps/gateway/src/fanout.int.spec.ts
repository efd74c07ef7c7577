// Prices on real Kafka through two gateway instances: snapshot then gap-free
// ticks, resume after a dropped connection (replay or gap + snapshot), the
// same sequence from either instance, HTTP reads, and graceful shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@inplay/db';
import { CLOSE, PROTOCOL_VERSION } from './protocol/codes';
import { latest, ticks } from '../test/fanout.fixtures';
import { gatewayAt, gatewayHarness, range, seqsOf, type GatewayHarness, type TestGateway } from '../test/harness';
import type { TestWsClient } from '../test/ws-client';

const RING = 16;
let h: GatewayHarness;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  h = await gatewayHarness();
  // History before the gateways start: price.latest says p1 is at seq 10, price.ticks holds 1..10;
  // p0 has ticks only (the gateway learns it from the start-up rewind).
  await h.sendTicks([...ticks('p1', 1, 10), ...ticks('p0', 1, 10)]);
  await h.sendLatest([latest('p1', 10), latest('p2', 3)]);
  [a, b] = await Promise.all([
    h.start({ serverId: 'gw-a', limits: { ringBufferTicksPerPlayer: RING } }),
    h.start({ serverId: 'gw-b', limits: { ringBufferTicksPerPlayer: RING } }),
  ]);
});
afterAll(() => h.close());

describe('price fan-out on real Kafka', () => {
  it('greets with the protocol version, server id and limits', async () => {
    const client = await a.connect();
    const hello = await client.waitForMessage('hello', (m) => m['type'] === 'hello');
    expect(hello).toMatchObject({ protocol: PROTOCOL_VERSION, serverId: 'gw-a', userId: null, limits: { maxSubscriptionsPerConnection: 100, conflateMs: 0 } });
  });

  it('sends the bootstrapped snapshot on subscribe, then every tick in seq order', async () => {
    const client = await a.connect();
    client.sendJson({ op: 'subscribe', players: ['p1', 'p2', 'p-unknown'] });
    const snapshot = await client.waitForMessage('p1 snapshot', (m) => m['type'] === 'snapshot' && m['player'] === 'p1');
    expect(snapshot).toMatchObject({ seq: 10, price: 1_010, lockedUntil: null });
    expect(await client.waitForMessage('p2 snapshot', (m) => m['type'] === 'snapshot' && m['player'] === 'p2')).toMatchObject({ seq: 3 });
    expect(await client.waitForMessage('unknown snapshot', (m) => m['player'] === 'p-unknown')).toMatchObject({ type: 'snapshot', price: null, seq: 0 });

    await h.sendTicks(ticks('p1', 11, 60));
    await client.waitFor('ticks up to 60', () => seqsOf(client, 'p1').at(-1) === 60);
    expect(seqsOf(client, 'p1')).toEqual(range(11, 60));
    const tickMessages = client.messages.filter((m) => m['type'] === 'tick');
    expect(tickMessages.every((m) => m['prevSeq'] === Number(m['seq']) - 1 && m['conflated'] === undefined)).toBe(true);
    expect(tickMessages[0]).toMatchObject({ player: 'p1', seq: 11, prevSeq: 10, price: 1_011, prevPrice: 1_010, cause: 'DRIFT' });
  });

  it('replays what a client missed while disconnected, from the ring buffer, without loss', async () => {
    const first = await a.connect();
    first.sendJson({ op: 'subscribe', players: ['p3'] });
    await first.waitForMessage('snapshot', (m) => m['type'] === 'snapshot');
    await h.sendTicks(ticks('p3', 1, 5));
    await first.waitFor('seq 5', () => seqsOf(first, 'p3').at(-1) === 5);
    first.destroy();

    await h.sendTicks(ticks('p3', 6, 12));
    await gatewayAt(a, 'p3', 12);
    const second = await a.connect();
    second.sendJson({ op: 'resume', player: 'p3', fromSeq: 5 });
    await second.waitFor('replay to 12', () => seqsOf(second, 'p3').at(-1) === 12);
    expect(second.messages.filter((m) => m['type'] === 'tick').every((m) => m['replay'] === true)).toBe(true);
    await h.sendTicks(ticks('p3', 13, 15));
    await second.waitFor('live to 15', () => seqsOf(second, 'p3').at(-1) === 15);
    expect([...seqsOf(first, 'p3'), ...seqsOf(second, 'p3')]).toEqual(range(1, 15));
    expect(second.ofType('snapshot')).toEqual([]);
  });

  it('fills its ring from the tick history at start, so a resume right after start replays', async () => {
    const client = await b.connect();
    client.sendJson({ op: 'resume', players: [{ player: 'p0', fromSeq: 4 }] });
    await client.waitFor('replay 5..10', () => seqsOf(client, 'p0').at(-1) === 10);
    expect(seqsOf(client, 'p0')).toEqual(range(5, 10));
    expect(client.ofType('tick').every((m) => m['replay'] === true)).toBe(true);
  });

  it('sends a gap snapshot when the ring buffer has moved past the resume point', async () => {
    const client = await a.connect();
    client.sendJson({ op: 'subscribe', players: ['p4'] });
    await h.sendTicks(ticks('p4', 1, 2));
    await client.waitFor('seq 2', () => seqsOf(client, 'p4').at(-1) === 2);
    client.destroy();
    await h.sendTicks(ticks('p4', 3, 2 + RING + 10));
    const last = 2 + RING + 10;
    await gatewayAt(a, 'p4', last);
    const again = await a.connect();
    again.sendJson({ op: 'resume', player: 'p4', fromSeq: 2 });
    const gap = await again.waitForMessage('gap snapshot', (m) => m['type'] === 'snapshot' && m['player'] === 'p4');
    expect(gap).toMatchObject({ gap: true, seq: last, price: 1_000 + last });
    expect(seqsOf(again, 'p4')).toEqual([]);
  });

  it('delivers the same sequence of messages from two gateway instances', async () => {
    const [onA, onB] = await Promise.all([a.connect(), b.connect()]);
    for (const client of [onA, onB]) client.sendJson({ op: 'subscribe', players: ['p5'] });
    await Promise.all([onA, onB].map((c) => c.waitForMessage('snapshot', (m) => m['type'] === 'snapshot')));
    await h.sendTicks(ticks('p5', 1, 40));
    await Promise.all([onA, onB].map((c) => c.waitFor('seq 40', () => seqsOf(c, 'p5').at(-1) === 40)));
    const stream = (c: TestWsClient) => c.messages.filter((m) => m['type'] === 'tick' || m['type'] === 'snapshot');
    expect(stream(onA)).toEqual(stream(onB));
    expect(seqsOf(onA, 'p5')).toEqual(range(1, 40));
  });
});

describe('HTTP on the same port', () => {
  it('answers /health and /prices from memory', async () => {
    const health = await fetch(a.httpUrl('/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', serverId: 'gw-a' });
    const prices = (await (await fetch(b.httpUrl('/prices'))).json()) as { prices: { player: string; seq: number; price: number }[] };
    expect(prices.prices.find((p) => p.player === 'p2')).toMatchObject({ seq: 3, price: 1_003 });
  });

  it('serves the players table joined with the latest prices', async () => {
    const pool = createPool(h.env.databaseUrl);
    try {
      await pool.query(`INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at) VALUES ('m1', 'statsbomb', 't1', 'Barcelona', 't2', 'Girona', now())`);
      await pool.query(`INSERT INTO players (player_id, match_id, name, team_id, team_name, position, jersey, initial_price_cents) VALUES
        ('p2', 'm1', 'Pedri', 't1', 'Barcelona', 'MID', 8, 900), ('p9', 'm1', 'Dovbyk', 't2', 'Girona', 'FWD', 9, 1200)`);
    } finally {
      await pool.end();
    }
    const res = await fetch(a.httpUrl('/players?matchId=m1'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { players: Record<string, unknown>[] };
    expect(body.players).toEqual([
      { playerId: 'p2', matchId: 'm1', name: 'Pedri', teamId: 't1', teamName: 'Barcelona', position: 'MID', jersey: 8, initialPriceCents: 900, priceCents: 1_003, seq: 3, lockedUntil: null },
      { playerId: 'p9', matchId: 'm1', name: 'Dovbyk', teamId: 't2', teamName: 'Girona', position: 'FWD', jersey: 9, initialPriceCents: 1_200, priceCents: 1_200 },
    ]);
  });

  it('compresses a large answer for a client that accepts it, and only for one', async () => {
    const plain = await fetch(a.httpUrl('/openapi.yaml'), { headers: { 'accept-encoding': 'identity' } });
    const br = await fetch(a.httpUrl('/openapi.yaml'), { headers: { 'accept-encoding': 'gzip, br' } });
    const gzip = await fetch(a.httpUrl('/openapi.yaml'), { headers: { 'accept-encoding': 'gzip' } });
    expect([plain.headers.get('content-encoding'), br.headers.get('content-encoding'), gzip.headers.get('content-encoding')]).toEqual([null, 'br', 'gzip']);
    expect(br.headers.get('vary')).toBe('accept-encoding');
    const text = await plain.text();
    expect(text).toContain('openapi:');
    expect(await br.text()).toBe(text);
    expect(await gzip.text()).toBe(text);
  });

  it('exposes Prometheus metrics on the internal port, including the tick lag histogram', async () => {
    const text = await (await fetch(a.internalUrl('/metrics'))).text();
    expect(text).toContain('gateway_connections');
    expect(text).toMatch(/gateway_messages_sent_total\{type="tick"[^}]*\} \d+/);
    expect(text).toMatch(/gateway_tick_lag_ms_count\{[^}]*\} [1-9]/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(a.httpUrl('/nope'));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('graceful shutdown', () => {
  it('closes every socket with "going away, reconnect", stops listening and resolves', async () => {
    const c = await h.start({ serverId: 'gw-c' });
    const client = await c.connect();
    await client.waitForMessage('hello', (m) => m['type'] === 'hello');
    await c.stop();
    expect(await client.waitForClose()).toEqual({ code: CLOSE.SERVER_GOING_AWAY, reason: 'server going away: reconnect and resume' });
    await expect(fetch(c.httpUrl('/health'))).rejects.toThrow();
  });
});
