import { describe, expect, it } from 'vitest';
import type { PriceTick } from '@inplay/contracts';
import { batchMessage, tickMessage } from '@inplay/gateway';
import { OPCODE, clientFrame, readFrames, scanTick, scanTicks, scanned, upgradeResponseEnd, type FrameSink } from './client-frames';

function serverFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

const tick: PriceTick = { playerId: 'p417', matchId: null, seq: 90_211, priceCents: 1_234, previousPriceCents: 1_200, cause: 'DRIFT', causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: 1 };

describe('load generator frames', () => {
  it("reads every tick of the gateway's batch frame in order, and a lone tick, without parsing", () => {
    const seqs = [7, 8, 9];
    const text = batchMessage([tickMessage({ ...tick, seq: 7 }, { seq: 6, priceCents: 1 }), seqs.slice(1).map((seq) => tickMessage({ ...tick, playerId: 'p3', seq }, { seq: seq - 1, priceCents: 1 })).join(',')]);
    const buf = Buffer.from(`xx${text}yy`);
    const seen: [number, number][] = [];
    expect(scanTicks(buf, 2, buf.length - 2, (player, seq) => seen.push([player, seq]))).toBe(3);
    expect(seen).toEqual([[417, 7], [3, 8], [3, 9]]);
    const lone = Buffer.from(tickMessage(tick, { seq: 1, priceCents: 1 }));
    expect(scanTicks(lone, 0, lone.length, () => undefined)).toBe(1);
    const other = Buffer.from('{"type":"snapshot","player":"p1","price":1,"seq":3}');
    expect(scanTicks(other, 0, other.length, () => undefined)).toBe(-1);
    // A batch cut short (its end beyond `end`) is not read past the frame.
    expect(scanTicks(buf, 2, 40, () => undefined)).toBe(-1);
  });


  it("reads player and seq straight from the gateway's tick JSON", () => {
    const buf = Buffer.from(tickMessage(tick, { seq: 90_210, priceCents: 1_200 }));
    expect(scanTick(buf, 0, buf.length)).toBe(true);
    expect(scanned).toEqual({ player: 417, seq: 90_211 });
    const snapshot = Buffer.from('{"type":"snapshot","player":"p1","price":1,"seq":3}');
    expect(scanTick(snapshot, 0, snapshot.length)).toBe(false);
    const other = Buffer.from(tickMessage({ ...tick, playerId: 'messi' }, { seq: 1, priceCents: 1 }));
    expect(scanTick(other, 0, other.length)).toBe(false);
  });

  it('reads whole frames and leaves a frame cut between two reads for the next one', () => {
    const texts: string[] = [];
    const sink: FrameSink = { message: (b, s, e) => texts.push(b.toString('utf8', s, e)), control: () => undefined, unsupported: () => undefined };
    const long = 'x'.repeat(300);
    const stream = Buffer.concat([serverFrame('a'), serverFrame(long), serverFrame('b')]);
    const cut = 2 + 1 + 10;
    const consumed = readFrames(stream, 0, cut, sink);
    expect(texts).toEqual(['a']);
    expect(consumed).toBe(3);
    expect(readFrames(stream, consumed, stream.length, sink)).toBe(stream.length);
    expect(texts).toEqual(['a', long, 'b']);
  });

  it('masks client frames, with the 16-bit length past 125 bytes', () => {
    const small = clientFrame(OPCODE.text, Buffer.from('hi'));
    expect(small[1]).toBe(0x80 | 2);
    expect(Buffer.from([(small[6] as number) ^ (small[2] as number), (small[7] as number) ^ (small[3] as number)]).toString()).toBe('hi');
    const large = clientFrame(OPCODE.text, Buffer.alloc(200, 1));
    expect(large[1]).toBe(0x80 | 126);
    expect(large.readUInt16BE(2)).toBe(200);
  });

  it('finds the end of a 101 response and tells a refusal apart', () => {
    const ok = Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'), serverFrame('a')]);
    expect(upgradeResponseEnd(ok, ok.length)).toBe(ok.length - 3);
    expect(upgradeResponseEnd(ok, 20)).toBe(-1);
    const full = Buffer.from('HTTP/1.1 503 Service Unavailable\r\n\r\n{}');
    expect(upgradeResponseEnd(full, full.length)).toBe(-2);
  });
});
