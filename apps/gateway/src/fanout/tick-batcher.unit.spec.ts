import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickBatcher } from './tick-batcher';

type Sent = { target: string; frame: string; messages: number };

function setup(flushIntervalMs = 50) {
  const sent: Sent[] = [];
  const batcher = new TickBatcher<string>(flushIntervalMs, (target, frame, messages) => sent.push({ target, frame, messages }));
  return { sent, batcher };
}

const tick = (player: string, seq: number): string => JSON.stringify({ type: 'tick', player, seq, prevSeq: seq - 1 });
/** The messages of a frame, in order: a batch's list or the single message. */
const messagesOf = (frame: string): { player: string; seq: number }[] => {
  const parsed = JSON.parse(frame) as { type: string; messages?: { player: string; seq: number }[]; player: string; seq: number };
  return (parsed.type === 'batch' ? parsed.messages ?? [] : [parsed]).map((m) => ({ player: m.player, seq: m.seq }));
};

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('tick batcher', () => {
  it('sends each target one frame per flush interval with its topics\' messages in publish order', () => {
    const { sent, batcher } = setup(50);
    batcher.subscribe('a', 'price/p1');
    batcher.subscribe('a', 'price/p2');
    batcher.subscribe('b', 'price/p2');
    batcher.publish('price/p1', tick('p1', 1));
    batcher.publish('price/p2', tick('p2', 7));
    batcher.publish('price/p1', tick('p1', 2));
    batcher.publish('price/p2', tick('p2', 8));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(sent.map((s) => s.target).sort()).toEqual(['a', 'b']);
    const a = sent.find((s) => s.target === 'a') as Sent;
    expect(a.frame.startsWith('{"type":"batch","messages":[')).toBe(true);
    expect(a.messages).toBe(4);
    const ofA = messagesOf(a.frame);
    expect(ofA.filter((m) => m.player === 'p1').map((m) => m.seq)).toEqual([1, 2]);
    expect(ofA.filter((m) => m.player === 'p2').map((m) => m.seq)).toEqual([7, 8]);
    expect(messagesOf((sent.find((s) => s.target === 'b') as Sent).frame)).toEqual([{ player: 'p2', seq: 7 }, { player: 'p2', seq: 8 }]);
  });

  it('sends a lone message as itself, not as a batch', () => {
    const { sent, batcher } = setup(10);
    batcher.subscribe('a', 'price/p1');
    batcher.publish('price/p1', tick('p1', 3));
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([{ target: 'a', frame: tick('p1', 3), messages: 1 }]);
  });

  it('does not queue messages of a topic nobody subscribes to', () => {
    const { sent, batcher } = setup(10);
    expect(batcher.publish('price/p1', tick('p1', 1))).toBe(0);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([]);
  });

  it('skips, for a target that joined since the last flush, what was already waiting (its snapshot covers it)', () => {
    const { sent, batcher } = setup(10);
    batcher.subscribe('a', 'price/p1');
    batcher.publish('price/p1', tick('p1', 1));
    batcher.publish('price/p1', tick('p1', 2));
    batcher.subscribe('b', 'price/p1');
    batcher.publish('price/p1', tick('p1', 3));
    vi.advanceTimersByTime(10);
    expect(messagesOf((sent.find((s) => s.target === 'a') as Sent).frame).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(messagesOf((sent.find((s) => s.target === 'b') as Sent).frame).map((m) => m.seq)).toEqual([3]);
    // The skip lasts one flush only.
    batcher.publish('price/p1', tick('p1', 4));
    vi.advanceTimersByTime(10);
    expect(sent.slice(2).map((s) => [s.target, messagesOf(s.frame).map((m) => m.seq)])).toEqual([['a', [4]], ['b', [4]]]);
  });

  it('sends nothing more to a target that unsubscribed before the flush', () => {
    const { sent, batcher } = setup(10);
    batcher.subscribe('a', 'price/p1');
    batcher.publish('price/p1', tick('p1', 1));
    batcher.unsubscribe('a', 'price/p1');
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([]);
    expect(batcher.subscriberCount('price/p1')).toBe(0);
  });

  it('with a 0 ms interval sends at the end of the event-loop turn', async () => {
    vi.useRealTimers();
    const { sent, batcher } = setup(0);
    batcher.subscribe('a', 'price/p1');
    batcher.publish('price/p1', tick('p1', 1));
    batcher.publish('price/p1', tick('p1', 2));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.messages)).toEqual([2]);
  });

  it('refuses a negative or fractional interval', () => {
    expect(() => setup(-1)).toThrow(/flushIntervalMs/);
    expect(() => setup(2.5)).toThrow(/flushIntervalMs/);
  });
});
