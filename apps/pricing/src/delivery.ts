// How pricing makes its outputs durable, chosen per deployment (PRICING_DELIVERY):
// - idempotent (default): idempotent producers, no Kafka transactions. The
//   processor is deterministic, so after a crash it restores snapshots, replays
//   the commands since the last snapshot and re-emits byte-identical ticks;
//   consumers drop them by (playerId, seq). Snapshots every snapshotIntervalMs.
// - transactional: one Kafka transaction per batch (ticks, snapshots, offset):
//   no duplicates at all, and zombies fenced, at ~10x the latency.

export const PRICING_DELIVERIES = ['idempotent', 'transactional'] as const;
export type PricingDelivery = (typeof PRICING_DELIVERIES)[number];

export interface DeliveryTuning {
  mode: PricingDelivery;
  /** idempotent: the processor snapshots the players changed since the last snapshot this often (and on a graceful stop). */
  snapshotIntervalMs: number;
  /** idempotent: ... or as soon as a partition folded this many commands since its last snapshot: bounds the replay after a crash. */
  snapshotEveryCommands: number;
  /** idempotent: the sequencer commits its input offsets this often; a crash re-sequences at most that much, and the decider drops the repeats by event/trade id. */
  offsetCommitIntervalMs: number;
}

export const DEFAULT_DELIVERY: DeliveryTuning = {
  mode: 'idempotent',
  snapshotIntervalMs: 5_000,
  snapshotEveryCommands: 50_000,
  offsetCommitIntervalMs: 1_000,
};
