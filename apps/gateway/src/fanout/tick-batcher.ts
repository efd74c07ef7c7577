// One WebSocket frame per connection per flush interval instead of one per
// tick: a socket costs the gateway (and the client) per frame far more than
// per byte, so the ticks a connection is due in a flush interval go out
// together. Each tick is serialised once (by the caller) and each topic's
// pending ticks are joined once per flush; a connection's frame is only the
// concatenation of its topics' shared strings. Order is kept: a topic's ticks
// are appended in publish order and a frame lists them in that order.
// Pure apart from the timer: delivery is the caller's (`deliver`).

import { batchMessage } from '../protocol/server-messages';

interface Outgoing { parts: string[]; count: number }

export interface FlushStats { frames: number; messages: number }

export class TickBatcher<T> {
  private readonly subscribers = new Map<string, Set<T>>();
  /** Per topic, the messages published since the last flush, in order. */
  private pending = new Map<string, string[]>();
  /**
   * A target that joined a topic since the last flush already holds what was pending
   * on it then (its snapshot or replay covers it): that many of the topic's pending
   * messages are skipped for it.
   */
  private skips = new Map<T, Map<string, number>>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  /**
   * @param flushIntervalMs the longest a published message waits for its frame (0: the end of the current event-loop turn)
   * @param deliver sends one frame to one target (a single message goes as itself, several as a batch)
   */
  constructor(
    readonly flushIntervalMs: number,
    private readonly deliver: (target: T, frame: string, messages: number) => void,
    private readonly onFlush: (stats: FlushStats) => void = () => undefined,
  ) {
    if (!Number.isInteger(flushIntervalMs) || flushIntervalMs < 0) throw new Error(`flushIntervalMs must be an integer >= 0, got ${flushIntervalMs}`);
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
  }

  /** `target` receives the topic's messages published from now on. */
  subscribe(target: T, topic: string): void {
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(target);
    const waiting = this.pending.get(topic)?.length ?? 0;
    let skips = this.skips.get(target);
    if (waiting > 0) {
      if (!skips) this.skips.set(target, (skips = new Map()));
      skips.set(topic, waiting);
    } else skips?.delete(topic);
  }

  unsubscribe(target: T, topic: string): void {
    const set = this.subscribers.get(topic);
    if (!set) return;
    set.delete(target);
    if (set.size === 0) this.subscribers.delete(topic);
    this.skips.get(target)?.delete(topic);
  }

  /** Queues a message (serialised once) for every subscriber of the topic; returns how many there are. */
  publish(topic: string, message: string): number {
    const subscribers = this.subscribers.get(topic)?.size ?? 0;
    if (subscribers === 0) return 0;
    const list = this.pending.get(topic);
    if (list) list.push(message);
    else this.pending.set(topic, [message]);
    this.arm();
    return subscribers;
  }

  /** Sends every target its pending messages as one frame. */
  flush(): FlushStats {
    this.timer = undefined;
    const pending = this.pending;
    const skips = this.skips;
    this.pending = new Map();
    this.skips = new Map();
    const out = new Map<T, Outgoing>();
    let messages = 0;
    for (const [topic, list] of pending) {
      const set = this.subscribers.get(topic);
      if (!set) continue;
      const shared = list.join(',');
      for (const target of set) {
        const skip = skips.get(target)?.get(topic) ?? 0;
        if (skip >= list.length) continue;
        const part = skip === 0 ? shared : list.slice(skip).join(',');
        const count = list.length - skip;
        const o = out.get(target);
        if (o) { o.parts.push(part); o.count += count; } else out.set(target, { parts: [part], count });
        messages += count;
      }
    }
    for (const [target, o] of out) {
      this.deliver(target, o.count === 1 ? (o.parts[0] as string) : batchMessage(o.parts), o.count);
    }
    const stats = { frames: out.size, messages };
    this.onFlush(stats);
    return stats;
  }

  stop(): void {
    if (this.timer) { clearTimeout(this.timer as NodeJS.Timeout); clearImmediate(this.timer as NodeJS.Immediate); }
    this.timer = undefined;
    this.pending = new Map();
    this.skips = new Map();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = this.flushIntervalMs === 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), this.flushIntervalMs);
  }
}
