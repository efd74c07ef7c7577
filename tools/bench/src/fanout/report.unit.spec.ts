import { describe, expect, it } from 'vitest';
import { medianWithCensored, repeatedResult, type RunResult } from './report';

const run = (round: number, p99: number | null, messagesPerSec: number): RunResult => ({
  gateway: 'uws', round, connections: 10, requestedConnections: 10, failedConnections: 0, closedUnexpectedly: 0, gatewayProcesses: 1, loadProcesses: 1,
  connectionsPerGateway: [10], latencyMs: { count: 5, censored: p99 === null ? 1 : 0, p50: 1, p99, p999: p99, max: 9, mean: 2 },
  gatewayPublishLagMs: { mean: 1, p50: 1, p99: 1 }, messagesPerSec, dueMessagesPerSec: 100, deliveredFraction: messagesPerSec / 100, deliveredRatio: messagesPerSec / 100,
  conflatedAwayPerSec: 0, censored: 0, tickFramesPerSec: 10, messagesPerFrame: 2, producedTicksPerSec: 1, seqGaps: 0, seqRepeats: 0, conflatedSnapshots: 0,
  unmatchedLatencies: 0, bytesPerConnection: 1000, gatewayRssBytes: 1, gatewayCpuPercent: 50, loadCpuPercent: 10, producerCpuPercent: 5, machineCpuPercent: 60,
  machineCores: 2, maxOpenFiles: 30, gatewayDropped: {}, gatewayCloses: 0, connectMs: 1, windowMs: 1000, errors: [],
});

describe('fan-out report over repetitions', () => {
  it('takes medians, a censored p99 ranking above every measured one', () => {
    expect(medianWithCensored([3, null, 1])).toBe(3);
    expect(medianWithCensored([null, null, 1])).toBeNull();
    const r = repeatedResult([run(0, 10, 90), run(1, null, 95), run(2, 30, 99)]);
    expect(r.messagesPerSec).toBe(95);
    expect(r.latencyMs.p99).toBe(30);
    expect(repeatedResult([run(0, null, 90), run(1, null, 95), run(2, 30, 99)]).latencyMs.p99).toBeNull();
    expect(r.spread.messagesPerSec).toMatchObject({ median: 95, min: 90, max: 99 });
    expect(r.repetitions).toBe(3);
    expect('round' in r).toBe(false);
  });
});
