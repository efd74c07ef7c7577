import { describe, expect, it } from 'vitest';
import { anomalyReport, type AnomalyOrder, type PriceMove } from '@inplay/domain';
import { formatAnomalyTable } from './anomalies';

const T0 = 1_795_550_400_000;
const goal: PriceMove = { eventId: 'sb:goal-1', eventType: 'GOAL', matchId: 'm1', playerId: 'p9', occurredAt: T0, ingestedAt: T0 + 30_000, priceBeforeCents: 1_000, priceAfterCents: 1_150 };
const order: AnomalyOrder = { orderId: 'o1', userId: 'front-runner', playerId: 'p9', side: 'BUY', quantity: 40, placedAt: T0 + 4_000, status: 'FILLED', reason: null, fillPriceCents: 1_000, voided: false };

describe('inplay anomalies table', () => {
  it('shows rank, user, edge and the best evidence in words', () => {
    const table = formatAnomalyTable(anomalyReport([order], [goal]));
    const lines = table.split('\n');
    expect(lines[0]).toBe('1 price-moving event ticks (≥ 300 bp), 1 orders; window: occurredAt − 10000 ms … ingestedAt');
    expect(lines[3]).toMatch(/^\s*1 {2}front-runner {2}\s*60\.00 .* BUY 40 p9 4\.0 s after GOAL sb:goal-1, 10\.00→11\.50 €, edge 60\.00 €$/);
  });

  it('says so when nobody traded in a window', () => {
    expect(formatAnomalyTable(anomalyReport([{ ...order, placedAt: T0 - 60_000 }], [goal]))).toMatch(/no user traded in the window/);
  });
});
