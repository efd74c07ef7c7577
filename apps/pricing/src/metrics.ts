// Pricing's Prometheus metrics: what went in (commands by kind), what came out
// (ticks by cause), how fast (event -> tick latency) and in what batch sizes.
import { deadLetterCounter, type OnDeadLetter } from '@inplay/kafka';
import { Counter, Histogram, type Registry } from '@inplay/telemetry';

export interface PricingMetrics {
  sequencedRecords: Counter<'topic'>;
  commandsProcessed: Counter<'kind'>;
  ticks: Counter<'cause'>;
  rejections: Counter<'code'>;
  eventToTickLatencyMs: Histogram;
  batchSize: Histogram<'stage'>;
  /** Counts each input record sent to dead.letter (inplay_dead_letters_total, the alert). */
  deadLetters: OnDeadLetter;
}

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000];
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000];

export function createPricingMetrics(registry: Registry): PricingMetrics {
  const registers = [registry];
  return {
    sequencedRecords: new Counter({ name: 'pricing_sequenced_records_total', help: 'Input records the sequencer turned into commands, by input topic', labelNames: ['topic'], registers }),
    commandsProcessed: new Counter({ name: 'pricing_commands_processed_total', help: 'pricing.commands folded by the processor, by kind', labelNames: ['kind'], registers }),
    ticks: new Counter({ name: 'pricing_ticks_total', help: 'Price ticks published, by cause', labelNames: ['cause'], registers }),
    rejections: new Counter({ name: 'pricing_rejections_total', help: 'Commands the decider refused, by code', labelNames: ['code'], registers }),
    eventToTickLatencyMs: new Histogram({
      name: 'pricing_event_to_tick_latency_ms',
      help: 'From a match event ingestedAt to the commit of its tick (wall clock)',
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    batchSize: new Histogram({ name: 'pricing_batch_size', help: 'Records per consumed batch, by stage', labelNames: ['stage'], buckets: BATCH_SIZE_BUCKETS, registers }),
    deadLetters: deadLetterCounter(registry, ['match.events', 'trades', 'pricing.commands']),
  };
}
