// Conflation at the source: at most one published message per player per
// conflateMs, always carrying the latest tick. Every socket on a player's
// topic receives the same stream, so throttling the publish conflates for all
// of them at the cost of one timestamp per player — no per-socket state.
// Pure: the caller passes the time.

export class PublishThrottle {
  private readonly lastPublishAtMs = new Map<string, number>();
  private readonly pending = new Set<string>();

  constructor(readonly conflateMs: number) {
    if (!Number.isInteger(conflateMs) || conflateMs < 0) throw new Error(`conflateMs must be an integer >= 0, got ${conflateMs}`);
  }

  /** A new latest tick for `player`: publish it now, or later (deferred) as part of the latest. */
  offer(player: string, nowMs: number): 'publish' | 'deferred' {
    if (this.conflateMs === 0) return 'publish';
    const last = this.lastPublishAtMs.get(player);
    if (last === undefined || nowMs - last >= this.conflateMs) {
      this.lastPublishAtMs.set(player, nowMs);
      this.pending.delete(player);
      return 'publish';
    }
    this.pending.add(player);
    return 'deferred';
  }

  /** Players whose deferred latest tick is due; they count as published now. */
  takeDue(nowMs: number): string[] {
    const due: string[] = [];
    for (const player of this.pending) {
      const last = this.lastPublishAtMs.get(player) ?? Number.NEGATIVE_INFINITY;
      if (nowMs - last >= this.conflateMs) {
        due.push(player);
        this.lastPublishAtMs.set(player, nowMs);
      }
    }
    for (const player of due) this.pending.delete(player);
    return due;
  }

  /** When the earliest deferred tick falls due, or undefined when none waits. */
  nextDueAtMs(): number | undefined {
    let next: number | undefined;
    for (const player of this.pending) {
      const due = (this.lastPublishAtMs.get(player) ?? 0) + this.conflateMs;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
