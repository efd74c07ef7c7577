// Settlement's background workers (outbox relay, pending executor, late-event
// voids) keep working through a Postgres, Kafka or registry restart: a failure
// that says a dependency is briefly away is retried with bounded exponential
// backoff, logged and counted; one that lasts past the outage budget, or any
// other failure, is escalated (onFatal: crash loudly, the supervisor restarts us).
import { setTimeout as sleep } from 'node:timers/promises';
import { isPostgresUnavailable } from '@inplay/db';
import { isKafkaUnavailable, isRegistryUnavailable } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';

export interface RideOutLimits {
  /** Pause before the first retry; doubled on each one after. */
  initialBackoffMs: number;
  /** Longest pause between two attempts. */
  maxBackoffMs: number;
  /** How long one outage may last (first failure to now) before it is escalated as fatal. */
  maxOutageMs: number;
}

/**
 * A Postgres restart takes seconds, a broker failover ~30 s (KAFKA_RETRY); five minutes of
 * failing is no longer "briefly away": exiting then makes it loud and gives a restart a chance.
 */
export const RIDE_OUT: RideOutLimits = { initialBackoffMs: 100, maxBackoffMs: 5_000, maxOutageMs: 5 * 60_000 };

export type Dependency = 'postgres' | 'kafka' | 'registry';
export type BackgroundWorker = 'outbox-relay' | 'pending-executor' | 'late-event-voids';

/** The dependency a failure says is away, or null when the failure is not of that kind (a bug, a poison row). */
export function unavailableDependency(err: unknown): Dependency | null {
  if (isPostgresUnavailable(err)) return 'postgres';
  if (isKafkaUnavailable(err)) return 'kafka';
  if (isRegistryUnavailable(err)) return 'registry';
  return null;
}

export interface RideOutOptions {
  worker: BackgroundWorker;
  logger: Logger;
  /** Called before each retry (metrics). */
  onRetry?: (worker: BackgroundWorker, dependency: Dependency, err: Error) => void;
  /** Aborts a pause (stop()): rideOut then rejects with the abort error. */
  signal?: AbortSignal;
  limits?: RideOutLimits;
}

/** Runs `work` until it succeeds, retrying while a dependency is away; rethrows anything else, or an outage past its budget. */
export async function rideOut<T>(work: () => Promise<T>, options: RideOutOptions): Promise<T> {
  const limits = options.limits ?? RIDE_OUT;
  let outageStartedAt: number | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (outageStartedAt !== null) options.logger.info({ worker: options.worker, outageMs: Date.now() - outageStartedAt, attempts: attempt }, 'dependency back; worker resumed');
      return result;
    } catch (err) {
      const dependency = unavailableDependency(err);
      if (dependency === null || options.signal?.aborted) throw err;
      outageStartedAt ??= Date.now();
      const outageMs = Date.now() - outageStartedAt;
      if (outageMs > limits.maxOutageMs) {
        throw new Error(`${options.worker}: ${dependency} unavailable for ${outageMs} ms (limit ${limits.maxOutageMs} ms): ${(err as Error).message}`, { cause: err });
      }
      const backoffMs = Math.min(limits.initialBackoffMs * 2 ** (attempt - 1), limits.maxBackoffMs);
      options.onRetry?.(options.worker, dependency, err as Error);
      options.logger.warn({ worker: options.worker, dependency, attempt, backoffMs, err: (err as Error).message }, 'dependency unavailable; retrying');
      await sleep(backoffMs, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
