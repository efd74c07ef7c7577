// What a load generator learns from the messages it receives, without
// allocating per message. Due and delivered are counted over the same ticks:
// those the broker appended inside the measurement window. A tick counts as
// delivered once per subscription (a repeated seq never counts again) when
// it arrives by the window's end plus a grace; seqs a subscription skipped
// (conflated away by the gateway, or replaced by a snapshot) are counted
// apart; what is due and neither delivered nor skipped is censored: its
// latency is longer than the run could see. Only connections held from the
// window's start to the report count. Latency is client receipt - broker
// LogAppendTime, matched by (player, seq) through the append times the
// producer reports; a tick can arrive before its append time reaches the
// generator: it waits in a bounded pending queue and is matched then.
import { LatencyHistogram } from './histogram';
import { tickIndex } from './fanout-plan';
import type { AppendedBatch } from './messages';

/** Append times kept for the last this many ticks (2^18: over two minutes at 2,000 ticks/s). */
export const APPEND_RING_TICKS = 1 << 18;
/** Receipts waiting for their append time; past this they count as unmatched. */
export const PENDING_CAPACITY = 1 << 20;
/** Marks a pending entry that is a skipped seq, not a receipt. */
const SKIPPED = -1;

export interface DeliveryCounts {
  /** Ticks appended in the window x the held connections subscribed to their player. */
  due: number;
  /** Of those, received by the window's end + grace, each subscription and seq once. */
  delivered: number;
  /** Of those, skipped on purpose (a conflated tick or snapshot jumped over them). */
  conflatedAway: number;
  /** Due, neither delivered nor skipped by the deadline: latency censored (longer than the run saw). */
  censored: number;
}

export class DeliveryTracker {
  readonly latency = new LatencyHistogram();
  /** Over the whole run, every subscription: seqs jumped over, and seqs received again. */
  seqGaps = 0;
  seqRepeats = 0;
  unmatched = 0;
  private readonly appendIndex = new Float64Array(APPEND_RING_TICKS).fill(-1);
  private readonly appendMs = new Float64Array(APPEND_RING_TICKS);
  private readonly pendingIndex = new Float64Array(PENDING_CAPACITY);
  private readonly pendingAtMs = new Float64Array(PENDING_CAPACITY);
  private readonly pendingLocal = new Int32Array(PENDING_CAPACITY);
  private pending = 0;
  /** Per connection slot and subscription, the last seq seen (-1: none yet). */
  private readonly lastSeq: Int32Array;
  private readonly deliveredBy: Float64Array;
  private readonly skippedBy: Float64Array;
  /** Per player, ticks the broker appended inside the window. */
  private readonly dueTicks: Float64Array;
  private windowStartMs = Number.POSITIVE_INFINITY;
  private windowEndMs = Number.NEGATIVE_INFINITY;
  private deadlineMs = Number.NEGATIVE_INFINITY;

  constructor(readonly connections: number, readonly subs: number, readonly players: number) {
    this.lastSeq = new Int32Array(connections * subs).fill(-1);
    this.deliveredBy = new Float64Array(connections);
    this.skippedBy = new Float64Array(connections);
    this.dueTicks = new Float64Array(players);
  }

  /** Ticks appended in [startMs, endMs) are due; receipts count until endMs + graceMs. */
  setWindow(startMs: number, endMs: number, graceMs: number): void {
    this.windowStartMs = startMs;
    this.windowEndMs = endMs;
    this.deadlineMs = endMs + graceMs;
  }

  inWindow(atMs: number): boolean {
    return atMs >= this.windowStartMs && atMs < this.windowEndMs;
  }

  /** A snapshot for connection slot `local` whose first player is `firstPlayer`: the seq it holds from now on. */
  snapshot(local: number, firstPlayer: number, player: number, seq: number): void {
    const k = this.slot(local, firstPlayer, player);
    if (k < 0) return;
    const last = this.lastSeq[k] as number;
    if (seq <= last) return;
    if (last >= 0) this.skip(local, player, last + 1, seq + 1);
    this.lastSeq[k] = seq;
  }

  tick(local: number, firstPlayer: number, player: number, seq: number, atMs: number): void {
    const k = this.slot(local, firstPlayer, player);
    if (k < 0) return;
    const last = this.lastSeq[k] as number;
    if (seq <= last) { this.seqRepeats += 1; return; }
    if (last >= 0 && seq > last + 1) { this.seqGaps += seq - last - 1; this.skip(local, player, last + 1, seq); }
    this.lastSeq[k] = seq;
    // Appended before it arrived: a receipt before the window cannot be a tick appended in it.
    if (atMs < this.windowStartMs || atMs >= this.deadlineMs) return;
    this.settle(tickIndex(player, seq, this.players), atMs, local);
  }

  appended(batch: AppendedBatch): void {
    for (let i = 0; i < batch.count; i++) {
      const index = batch.from + i;
      const player = index % this.players;
      const appendMs = batch.appendMs[player % batch.partitions] ?? -1;
      if (appendMs < 0) continue;
      const ring = index % APPEND_RING_TICKS;
      this.appendIndex[ring] = index;
      this.appendMs[ring] = appendMs;
      if (appendMs >= this.windowStartMs && appendMs < this.windowEndMs) this.dueTicks[player] = (this.dueTicks[player] as number) + 1;
    }
    this.matchPending();
  }

  /** Matches what can be matched; with `final`, what is left counts as unmatched. */
  matchPending(final = false): void {
    let kept = 0;
    for (let i = 0; i < this.pending; i++) {
      const index = this.pendingIndex[i] as number;
      const ring = index % APPEND_RING_TICKS;
      if (this.appendIndex[ring] === index) this.count(index, this.pendingAtMs[i] as number, this.pendingLocal[i] as number);
      else {
        this.pendingIndex[kept] = index;
        this.pendingAtMs[kept] = this.pendingAtMs[i] as number;
        this.pendingLocal[kept] = this.pendingLocal[i] as number;
        kept += 1;
      }
    }
    this.pending = kept;
    if (final) {
      this.unmatched += kept;
      this.pending = 0;
    }
  }

  /**
   * Due, delivered, skipped and censored over the connections `held` says were
   * held throughout; each censored tick goes into the latency histogram as
   * longer than anything measured (a percentile that falls on it is unknown).
   */
  counts(held: (local: number) => boolean, playersOf: (local: number) => number[]): DeliveryCounts {
    this.matchPending(true);
    let due = 0;
    let delivered = 0;
    let conflatedAway = 0;
    for (let local = 0; local < this.connections; local++) {
      if (!held(local)) continue;
      for (const p of playersOf(local)) due += this.dueTicks[p] as number;
      delivered += this.deliveredBy[local] as number;
      conflatedAway += this.skippedBy[local] as number;
    }
    const censored = Math.max(0, due - delivered - conflatedAway);
    this.latency.recordCensored(censored);
    return { due, delivered, conflatedAway, censored };
  }

  /** Seqs [from, to) of a subscription were jumped over. */
  private skip(local: number, player: number, from: number, to: number): void {
    for (let seq = from; seq < to; seq++) this.settle(tickIndex(player, seq, this.players), SKIPPED, local);
  }

  private settle(index: number, atMs: number, local: number): void {
    const ring = index % APPEND_RING_TICKS;
    if (this.appendIndex[ring] === index) this.count(index, atMs, local);
    else if (this.pending < PENDING_CAPACITY) {
      this.pendingIndex[this.pending] = index;
      this.pendingAtMs[this.pending] = atMs;
      this.pendingLocal[this.pending] = local;
      this.pending += 1;
    } else this.unmatched += 1;
  }

  /** A receipt (or a skip) whose append time is known: counted when the tick was appended in the window. */
  private count(index: number, atMs: number, local: number): void {
    const appendMs = this.appendMs[index % APPEND_RING_TICKS] as number;
    if (appendMs < this.windowStartMs || appendMs >= this.windowEndMs) return;
    if (atMs === SKIPPED) { this.skippedBy[local] = (this.skippedBy[local] as number) + 1; return; }
    this.deliveredBy[local] = (this.deliveredBy[local] as number) + 1;
    this.latency.record((atMs - appendMs) * 1000);
  }

  private slot(local: number, firstPlayer: number, player: number): number {
    const offset = (player - firstPlayer + this.players) % this.players;
    return offset < this.subs ? local * this.subs + offset : -1;
  }
}
