// A bounded ring of the most recent items of one sequence (a player's ticks),
// always contiguous: seq n+1 follows n. A jump starts the ring over, so "the
// ring holds a..b" always means every seq from a to b is there.

export interface Sequenced { seq: number }

export class SeqRing<T extends Sequenced> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Seq of the oldest item held, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.count === 0 ? undefined : this.at(0).seq;
  }

  get lastSeq(): number | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1).seq;
  }

  /**
   * Appends an item. Returns 'appended', 'duplicate' (seq already passed:
   * ignored) or 'restarted' (seq jumped: the ring now holds only this item).
   */
  push(item: T): 'appended' | 'duplicate' | 'restarted' {
    const last = this.lastSeq;
    if (last !== undefined && item.seq <= last) return 'duplicate';
    if (last !== undefined && item.seq !== last + 1) {
      this.items.fill(undefined);
      this.start = 0;
      this.count = 0;
      this.append(item);
      return 'restarted';
    }
    this.append(item);
    return 'appended';
  }

  /** Items with seq > fromSeq, oldest first, or null when the ring no longer holds fromSeq + 1. */
  after(fromSeq: number): T[] | null {
    const first = this.firstSeq;
    const last = this.lastSeq;
    if (first === undefined || last === undefined) return null;
    if (fromSeq >= last) return [];
    if (fromSeq + 1 < first) return null;
    const out: T[] = [];
    for (let i = fromSeq + 1 - first; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  private append(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count += 1;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  private at(index: number): T {
    const item = this.items[(this.start + index) % this.capacity];
    if (item === undefined) throw new Error(`ring index ${index} empty: size ${this.count}`);
    return item;
  }
}
