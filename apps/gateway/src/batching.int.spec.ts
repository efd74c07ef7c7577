// Batched tick frames on real Kafka through a real gateway: one frame carries
// several ticks, a player's ticks never reorder within or across frames, and a
// client resuming from any seq inside a batch gets exactly the ticks after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticks } from '../test/fanout.fixtures';
import { gatewayAt, gatewayHarness, range, seqsOf, type GatewayHarness, type TestGateway } from '../test/harness';

/** Long enough that one flush gathers a produced burst of ticks into one frame. */
const FLUSH_INTERVAL_MS = 200;
let h: GatewayHarness;
let gw: TestGateway;

beforeAll(async () => {
  h = await gatewayHarness();
  gw = await h.start({ serverId: 'gw-batch', limits: { flushIntervalMs: FLUSH_INTERVAL_MS, ringBufferTicksPerPlayer: 256 } });
});
afterAll(() => h.close());

type Message = Record<string, unknown>;
const batches = (frames: Message[]): Message[][] => frames.filter((f) => f['type'] === 'batch').map((f) => f['messages'] as Message[]);

describe('batched tick frames', () => {
  it("sends several ticks per frame and never reorders a player's ticks, within or across frames", async () => {
    const client = await gw.connect();
    client.sendJson({ op: 'subscribe', players: ['b1', 'b2'] });
    await client.waitFor('two snapshots', () => client.ofType('snapshot').length === 2);
    const interleaved = range(1, 60).flatMap((seq) => [...ticks('b1', seq, seq), ...ticks('b2', seq, seq)]);
    await h.sendTicks(interleaved);
    await client.waitFor('both players at 60', () => (seqsOf(client, 'b1').at(-1) === 60 && seqsOf(client, 'b2').at(-1) === 60));

    const frames = batches(client.frames);
    expect(frames.length).toBeGreaterThan(0);
    expect(Math.max(...frames.map((f) => f.length))).toBeGreaterThan(2);
    // Fewer tick frames than ticks: the point of batching.
    const tickFrames = client.frames.filter((f) => f['type'] === 'tick' || f['type'] === 'batch').length;
    expect(tickFrames).toBeLessThan(120);
    for (const player of ['b1', 'b2']) {
      expect(seqsOf(client, player)).toEqual(range(1, 60));
      const mine = client.ofType('tick').filter((m) => m['player'] === player);
      expect(mine.every((m, i) => m['prevSeq'] === (i === 0 ? 0 : mine[i - 1]?.['seq']))).toBe(true);
      // Inside each frame too: the player's ticks in array order are consecutive.
      for (const frame of frames) {
        const seqs = frame.filter((m) => m['player'] === player).map((m) => Number(m['seq']));
        expect(seqs).toEqual(seqs.length ? range(seqs[0] as number, (seqs[0] as number) + seqs.length - 1) : []);
      }
    }
  });

  it('replays exactly the missing ticks to a client resuming from any seq inside a batch', async () => {
    const client = await gw.connect();
    client.sendJson({ op: 'subscribe', players: ['b3'] });
    await client.waitForMessage('snapshot', (m) => m['type'] === 'snapshot');
    await h.sendTicks(ticks('b3', 1, 30));
    await client.waitFor('seq 30', () => seqsOf(client, 'b3').at(-1) === 30);
    const batch = batches(client.frames).find((f) => f.filter((m) => m['player'] === 'b3').length >= 3);
    expect(batch, 'a batch of at least three b3 ticks').toBeDefined();
    const inBatch = (batch ?? []).map((m) => Number(m['seq']));
    await gatewayAt(gw, 'b3', 30);
    for (const fromSeq of inBatch) {
      const again = await gw.connect();
      again.sendJson({ op: 'resume', player: 'b3', fromSeq });
      if (fromSeq === 30) {
        // Nothing missing: no replay and no snapshot; a ping round trip proves the gateway answered everything before it.
        again.sendJson({ op: 'ping' });
        await again.waitForMessage('pong', (m) => m['type'] === 'pong');
        expect(seqsOf(again, 'b3')).toEqual([]);
      } else {
        await again.waitFor(`replay after ${fromSeq}`, () => seqsOf(again, 'b3').at(-1) === 30);
        expect(seqsOf(again, 'b3')).toEqual(range(fromSeq + 1, 30));
        expect(again.ofType('tick').every((m) => m['replay'] === true)).toBe(true);
      }
      expect(again.ofType('snapshot')).toEqual([]);
      again.destroy();
    }
  });
});
