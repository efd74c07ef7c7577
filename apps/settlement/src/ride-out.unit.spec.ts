// Settlement's background workers ride out a dependency that is briefly away
// (retried with bounded backoff, counted) and escalate everything else, or an
// outage past its budget, at once.
import { describe, expect, it } from 'vitest';
import { createLogger } from '@inplay/telemetry';
import { rideOut, unavailableDependency, type RideOutLimits } from './ride-out';

const logger = createLogger('ride-out-test', 'silent');
const FAST: RideOutLimits = { initialBackoffMs: 1, maxBackoffMs: 4, maxOutageMs: 10_000 };

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const kafkaError = (name: string, retriable: boolean) => Object.assign(new Error(name), { name, retriable });
const registryError = (status: number) => Object.assign(new Error(`registry ${status}`), { name: 'ResponseError', status });

describe('which failures mean a dependency is away', () => {
  it.each([
    ['Postgres shutting down (57P01, a restart)', pgError('57P01'), 'postgres'],
    ['Postgres refusing connections while it starts (57P03)', pgError('57P03'), 'postgres'],
    ['a connection exception (class 08)', pgError('08006'), 'postgres'],
    ['a refused connection', pgError('ECONNREFUSED'), 'postgres'],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly'), 'postgres'],
    ['pg-pool timing out a connect', new Error('timeout exceeded when trying to connect'), 'postgres'],
    ['kafkajs retries used up on a broker away', kafkaError('KafkaJSNumberOfRetriesExceeded', false), 'kafka'],
    ['a retriable kafkajs error', kafkaError('KafkaJSConnectionError', true), 'kafka'],
    ['the registry answering 503', registryError(503), 'registry'],
  ])('%s: %s', (_what, err, dependency) => {
    expect(unavailableDependency(err)).toBe(dependency);
  });

  it.each([
    ['a unique violation (retried by the batch, not here)', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a record too large for Kafka (not retriable)', kafkaError('KafkaJSProtocolError', false)],
    ['a bug', new TypeError('x is undefined')],
    ['the registry not knowing a schema', registryError(404)],
  ])('%s is not', (_what, err) => {
    expect(unavailableDependency(err)).toBeNull();
  });
});

describe('rideOut', () => {
  it('retries while Postgres is away, counting each retry, and returns what the work returns once it is back', async () => {
    let calls = 0;
    const retries: string[] = [];
    const value = await rideOut(async () => {
      calls += 1;
      if (calls <= 3) throw pgError('57P01');
      return 'relayed';
    }, { worker: 'outbox-relay', logger, limits: FAST, onRetry: (worker, dependency) => retries.push(`${worker}/${dependency}`) });
    expect(value).toBe('relayed');
    expect(retries).toEqual(['outbox-relay/postgres', 'outbox-relay/postgres', 'outbox-relay/postgres']);
  });

  it('escalates anything else at once', async () => {
    let calls = 0;
    await expect(rideOut(async () => { calls += 1; throw new TypeError('bug'); }, { worker: 'outbox-relay', logger, limits: FAST })).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('escalates an outage that lasts past its budget, naming it', async () => {
    const limits = { ...FAST, maxOutageMs: 30 };
    await expect(rideOut(async () => { throw pgError('57P03'); }, { worker: 'pending-executor', logger, limits }))
      .rejects.toThrow(/pending-executor: postgres unavailable for \d+ ms \(limit 30 ms\)/);
  });

  it('stops waiting when aborted (stop())', async () => {
    const stopping = new AbortController();
    const slow = { ...FAST, initialBackoffMs: 60_000, maxBackoffMs: 60_000 };
    const riding = rideOut(async () => { throw pgError('57P01'); }, {
      worker: 'late-event-voids', logger, limits: slow, signal: stopping.signal,
      onRetry: () => setImmediate(() => stopping.abort()), // in the minute-long pause
    });
    await expect(riding).rejects.toThrow(/abort/i);
  });
});
