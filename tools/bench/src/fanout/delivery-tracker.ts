// What a load generator learns from the messages it receives, without
// allocating per message: ticks counted inside the measurement window, their
// latency (client receipt - broker LogAppendTime, matched by (player, seq)
// through the append times the producer reports), and per subscription
// whether seqs skipped (lost or conflated) or repeated. A tick can reach a
// client before its append time reaches the generator: it waits in a bounded
// pending queue and is matched when the time arrives.
import { LatencyHistogram } from './histogram';
import { tickIndex } from './fanout-plan';
import type { AppendedBatch } from './messages';

/** Append times kept for the last this many ticks (2^18: over two minutes at 2,000 ticks/s). */
export const APPEND_RING_TICKS = 1 << 18;
/** Ticks waiting for their append time; past this they count as unmatched. */
export const PENDING_CAPACITY = 1 << 19;

export class DeliveryTracker {
  readonly latency = new LatencyHistogram();
  ticks = 0;
  seqGaps = 0;
  seqRepeats = 0;
  unmatched = 0;
  private readonly appendIndex = new Float64Array(APPEND_RING_TICKS).fill(-1);
  private readonly appendMs = new Float64Array(APPEND_RING_TICKS);
  private readonly pendingIndex = new Float64Array(PENDING_CAPACITY);
  private readonly pendingAtMs = new Float64Array(PENDING_CAPACITY);
  private pending = 0;
  /** Per connection slot and subscription, the last seq seen (-1: none yet). */
  private readonly lastSeq: Int32Array;
  private windowStartMs = Number.POSITIVE_INFINITY;
  private windowEndMs = Number.NEGATIVE_INFINITY;

  constructor(readonly connections: number, readonly subs: number, readonly players: number) {
    this.lastSeq = new Int32Array(connections * subs).fill(-1);
  }

  setWindow(startMs: number, endMs: number): void {
    this.windowStartMs = startMs;
    this.windowEndMs = endMs;
  }

  inWindow(atMs: number): boolean {
    return atMs >= this.windowStartMs && atMs < this.windowEndMs;
  }

  /** A snapshot for connection slot `local` whose first player is `firstPlayer`: the seq it holds from now on. */
  snapshot(local: number, firstPlayer: number, player: number, seq: number): void {
    const k = this.slot(local, firstPlayer, player);
    if (k >= 0 && seq > (this.lastSeq[k] as number)) this.lastSeq[k] = seq;
  }

  tick(local: number, firstPlayer: number, player: number, seq: number, atMs: number): void {
    const k = this.slot(local, firstPlayer, player);
    if (k >= 0) {
      const last = this.lastSeq[k] as number;
      if (last >= 0 && seq > last + 1) this.seqGaps += seq - last - 1;
      else if (last >= 0 && seq <= last) this.seqRepeats += 1;
      if (seq > last) this.lastSeq[k] = seq;
    }
    if (!this.inWindow(atMs)) return;
    this.ticks += 1;
    const index = tickIndex(player, seq, this.players);
    const ring = index % APPEND_RING_TICKS;
    if (this.appendIndex[ring] === index) this.latency.record((atMs - (this.appendMs[ring] as number)) * 1000);
    else if (this.pending < PENDING_CAPACITY) {
      this.pendingIndex[this.pending] = index;
      this.pendingAtMs[this.pending] = atMs;
      this.pending += 1;
    } else this.unmatched += 1;
  }

  appended(batch: AppendedBatch): void {
    for (let i = 0; i < batch.count; i++) {
      const index = batch.from + i;
      const appendMs = batch.appendMs[(index % this.players) % batch.partitions] ?? -1;
      if (appendMs < 0) continue;
      const ring = index % APPEND_RING_TICKS;
      this.appendIndex[ring] = index;
      this.appendMs[ring] = appendMs;
    }
    this.matchPending();
  }

  /** Matches what can be matched; with `final`, what is left counts as unmatched. */
  matchPending(final = false): void {
    let kept = 0;
    for (let i = 0; i < this.pending; i++) {
      const index = this.pendingIndex[i] as number;
      const ring = index % APPEND_RING_TICKS;
      if (this.appendIndex[ring] === index) this.latency.record(((this.pendingAtMs[i] as number) - (this.appendMs[ring] as number)) * 1000);
      else {
        this.pendingIndex[kept] = index;
        this.pendingAtMs[kept] = this.pendingAtMs[i] as number;
        kept += 1;
      }
    }
    this.pending = kept;
    if (final) {
      this.unmatched += kept;
      this.pending = 0;
    }
  }

  private slot(local: number, firstPlayer: number, player: number): number {
    const offset = (player - firstPlayer + this.players) % this.players;
    return offset < this.subs ? local * this.subs + offset : -1;
  }
}
