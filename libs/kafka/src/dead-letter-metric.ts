// The alert metric of dead.letter: every service that dead-letters (through
// decodeBatch) counts each record it sent there, by source topic and reason,
// on its own registry (whose default label `service` names it). The chart's
// PrometheusRule pages on any increase.
import type { TopicName } from '@inplay/contracts';
import { Counter, type Registry } from '@inplay/telemetry';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './decode-retry';

export const DEAD_LETTERS_METRIC = 'inplay_dead_letters_total';

/** Called by decodeBatch once per record it sent to dead.letter, after the send succeeded. */
export type OnDeadLetter = (reason: DeadLetterReason, sourceTopic: string) => void;

/**
 * The counter on `registry`, with a zero series for every reason of every topic
 * the service consumes: Prometheus' increase() needs a sample before the first
 * dead letter, or a series born at 1 would never fire the alert. Asking twice
 * (two stages of one service) returns the same counter.
 */
export function deadLetterCounter(registry: Registry, sourceTopics: readonly TopicName[]): OnDeadLetter {
  const counter = (registry.getSingleMetric(DEAD_LETTERS_METRIC) as Counter<'source_topic' | 'reason'> | undefined) ?? new Counter({
    name: DEAD_LETTERS_METRIC,
    help: 'Records sent to dead.letter because they can never decode or are not authentic (reason: no_value, bad_frame, unknown_schema, bad_payload, forged); each one is a record the service skipped',
    labelNames: ['source_topic', 'reason'],
    registers: [registry],
  });
  for (const topic of sourceTopics) for (const reason of DEAD_LETTER_REASONS) counter.inc({ source_topic: topic, reason }, 0);
  return (reason, sourceTopic) => counter.inc({ source_topic: sourceTopic, reason });
}
