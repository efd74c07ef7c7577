// The dead-letter counter as Prometheus scrapes it: a zero series per topic
// and reason from the start (so increase() sees the first dead letter), the
// service from the registry's default label, one counter per registry.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '@inplay/telemetry';
import { deadLetterCounter } from './dead-letter-metric';
import { DEAD_LETTER_REASONS } from './decode-retry';

const series = async (registry: ReturnType<typeof createMetrics>) =>
  (await registry.metrics()).split('\n').filter((line) => line.startsWith('inplay_dead_letters_total{')).sort();

describe('deadLetterCounter', () => {
  it('starts every reason of every consumed topic at zero and counts a dead letter under its service, topic and reason', async () => {
    const registry = createMetrics('settlement');
    const onDeadLetter = deadLetterCounter(registry, ['orders', 'price.ticks']);
    expect(await series(registry)).toHaveLength(2 * DEAD_LETTER_REASONS.length);
    expect(await series(registry)).toContain('inplay_dead_letters_total{source_topic="orders",reason="forged",service="settlement"} 0');
    expect(await series(registry)).toContain('inplay_dead_letters_total{source_topic="orders",reason="bad_frame",service="settlement"} 0');
    onDeadLetter('bad_frame', 'orders');
    onDeadLetter('bad_frame', 'orders');
    onDeadLetter('no_value', 'price.ticks');
    const after = await series(registry);
    expect(after).toContain('inplay_dead_letters_total{source_topic="orders",reason="bad_frame",service="settlement"} 2');
    expect(after).toContain('inplay_dead_letters_total{source_topic="price.ticks",reason="no_value",service="settlement"} 1');
  });

  it('gives two stages of one service the same counter', async () => {
    const registry = createMetrics('pricing');
    const sequencer = deadLetterCounter(registry, ['match.events', 'trades']);
    const processor = deadLetterCounter(registry, ['pricing.commands']);
    sequencer('bad_payload', 'trades');
    processor('bad_payload', 'pricing.commands');
    expect(await series(registry)).toHaveLength(3 * DEAD_LETTER_REASONS.length);
    expect((await series(registry)).filter((line) => line.endsWith(' 1'))).toHaveLength(2);
  });
});
