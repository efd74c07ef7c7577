// The processor's two ways of making a folded batch durable (delivery.ts):
// transactional (ticks, latest, snapshots and offset in one transaction per
// batch) or idempotent (ticks and latest acknowledged per batch; snapshots of
// the players changed since and the offset they reflect every snapshot interval).
import type { PlayerPriceState } from '@inplay/domain';
import { batchingSender, createProducer, keyedPartitioner, type Kafka, type OutgoingRecord, type Producer, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { DeliveryTuning } from './delivery';
import type { FoldResult } from './fold';
import { encodeInChunks, priceOutputsOf, PRICING_BATCHING, type BatchOutputs } from './outputs';
import { toSnapshot } from './snapshot-codec';
import { commitBatchTransaction, createTransactionalProducer, type ConsumedBatch } from './transactional-batch';
import { isKafkaClientError } from './tuning';

export interface ProcessorOutput {
  /** On assignment, before the partitions' snapshots are read (transactional: fences the previous owner). */
  takeOver(partitions: readonly number[]): Promise<void>;
  /** Resolves once the batch's outputs are durable: the next batch may build on fold.players. */
  write(fold: FoldResult, consumed: ConsumedBatch): Promise<void>;
  /** Graceful stop, while the consumer can still commit: snapshots and commits what is pending. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

interface OutputContext {
  kafka: Kafka;
  serde: Serde;
  outputPrefix: string;
  groupId: string;
  delivery: DeliveryTuning;
  logger: Logger;
  clock: () => number;
  /** Commits `nextOffset` for a partition of pricing.commands (the consumer's group). */
  commitOffset: (partition: number, nextOffset: string) => Promise<void>;
  onFatal: (err: unknown) => void;
}

export function processorOutput(c: OutputContext): ProcessorOutput {
  return c.delivery.mode === 'transactional' ? transactionalOutput(c) : idempotentOutput(c);
}

function snapshotsOf(players: Iterable<[string, PlayerPriceState, number]>, partition: number): OutgoingRecord<'pricing.snapshots'>[] {
  return [...players].map(([playerId, state, offset]) => ({ key: playerId, partition, value: toSnapshot(state, partition, offset) }));
}

/** One transactional producer per partition (stable id: a restarted owner fences its zombie); one transaction per batch. */
function transactionalOutput(c: OutputContext): ProcessorOutput {
  const producers = new Map<number, Producer>();
  return {
    async takeOver(partitions) {
      for (const [partition, producer] of producers) {
        await producer.disconnect();
        producers.delete(partition);
      }
      // Connecting with the partition's transactional id fences the previous owner and aborts its open transaction.
      for (const partition of partitions) {
        const producer = createTransactionalProducer(c.kafka, `${c.groupId}-${partition}`);
        await producer.connect();
        producers.set(partition, producer);
      }
    },
    async write(fold, consumed) {
      const producer = producers.get(consumed.partition);
      if (!producer) throw new Error(`no transactional producer for ${consumed.topic}[${consumed.partition}]`);
      const touched = [...fold.touched].map(([playerId, t]): [string, PlayerPriceState, number] => [playerId, t.state, t.commandOffset]);
      const outputs: BatchOutputs = { ...priceOutputsOf(fold), 'pricing.snapshots': snapshotsOf(touched, consumed.partition) };
      await commitBatchTransaction(producer, c.serde, c.outputPrefix, outputs, consumed);
    },
    async drain() {},
    async close() {
      for (const producer of producers.values()) await producer.disconnect();
      producers.clear();
    },
  };
}

interface PartitionProgress {
  /** Players changed since the last snapshot, in their latest state. */
  dirty: Map<string, PlayerPriceState>;
  /** Last offset whose outputs are acknowledged; null before the first batch. */
  position: bigint | null;
  /** The offset last committed (the next one to read). */
  committed: bigint;
  commandsSinceSnapshot: number;
}

/**
 * No transactions: ticks and latest prices of a batch are acknowledged (acks -1)
 * before the next batch. Every snapshotIntervalMs, or after snapshotEveryCommands
 * commands of a partition, the players changed since are snapshotted at the
 * partition's position P (their state reflects every command up to P), then
 * P + 1 is committed. A crash replays at most what follows the last commit; the
 * fold skips what each restored snapshot already reflects, and the rest gives
 * the very same ticks again.
 */
function idempotentOutput(c: OutputContext): ProcessorOutput {
  const producer = createProducer(c.kafka, { createPartitioner: keyedPartitioner });
  const prices = batchingSender(producer, PRICING_BATCHING);
  const progress = new Map<number, PartitionProgress>();
  let connected: Promise<void> | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function snapshotPartition(partition: number, p: PartitionProgress): Promise<void> {
    if (p.position === null || (p.dirty.size === 0 && p.position + 1n <= p.committed)) return;
    const position = p.position;
    const dirty = p.dirty;
    p.dirty = new Map();
    p.commandsSinceSnapshot = 0;
    const snapshots = snapshotsOf([...dirty].map(([playerId, state]) => [playerId, state, Number(position)]), partition);
    for (const topicMessages of await encodeInChunks(c.serde, c.outputPrefix, { 'pricing.snapshots': snapshots }, { yieldToIo: true })) {
      await producer.sendBatch({ topicMessages, acks: -1 });
    }
    // Only once the snapshots are acknowledged: the committed offset never runs ahead of the state it resumes with.
    try {
      await c.commitOffset(partition, (position + 1n).toString());
      p.committed = position + 1n;
    } catch (err) {
      // The partition may have moved to another member: its next owner only replays a little more (deterministically).
      if (!isKafkaClientError(err)) throw err;
      c.logger.warn({ err, partition }, 'pricing processor could not commit its snapshot offset');
    }
  }

  function flush(partitions: Iterable<number>): Promise<void> {
    const due = [...partitions];
    flushing = flushing.then(async () => {
      for (const partition of due) {
        const p = progress.get(partition);
        if (p) await snapshotPartition(partition, p);
      }
    });
    return flushing;
  }

  function flushInBackground(partitions: Iterable<number>): void {
    flush(partitions).catch((err: unknown) => c.onFatal(err));
  }

  return {
    async takeOver(partitions) {
      connected ??= producer.connect();
      await connected;
      await flushing.catch(() => undefined); // a snapshot in flight lands before the new state is read
      progress.clear();
      for (const partition of partitions) progress.set(partition, { dirty: new Map(), position: null, committed: -1n, commandsSinceSnapshot: 0 });
      timer ??= setInterval(() => flushInBackground(progress.keys()), c.delivery.snapshotIntervalMs);
    },
    async write(fold, consumed) {
      const chunks = await encodeInChunks(c.serde, c.outputPrefix, priceOutputsOf(fold));
      await Promise.all(chunks.map((topicMessages) => prices.send(topicMessages)));
      const p = progress.get(consumed.partition);
      if (!p) return; // reassigned while in flight: its next owner replays from the committed offset (the same ticks)
      for (const [playerId, t] of fold.touched) p.dirty.set(playerId, t.state);
      p.position = BigInt(consumed.lastOffset);
      p.commandsSinceSnapshot += Object.values(fold.commandsByKind).reduce((a, b) => a + b, 0);
      if (p.commandsSinceSnapshot >= c.delivery.snapshotEveryCommands) flushInBackground([consumed.partition]);
    },
    async drain() {
      clearInterval(timer);
      timer = undefined;
      await flush(progress.keys());
    },
    async close() {
      clearInterval(timer);
      await flushing.catch(() => undefined);
      if (connected) await producer.disconnect();
    },
  };
}
