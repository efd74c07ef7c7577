// Decoding a record asks the schema registry for its schema on a schema-id
// cache miss. A failure is either the record's (it can never decode: dead
// letter) or the registry's (briefly away: retry with backoff, then fail the
// batch so the consumer reads it again). A registry outage is never dead-lettered.
import { wireSchemaId, type Serde } from './serde';

export interface DecodeRetryLimits {
  /** How long one record's decode keeps retrying a registry that does not answer before the batch fails. */
  decodeRetryBudgetMs: number;
  /** Pause before the first retry; doubled on each one after. */
  initialBackoffMs: number;
  /** Longest pause between two attempts. */
  maxBackoffMs: number;
}

/**
 * 5 s of retries: within the consumers' session timeouts (10 s for settlement) even without a
 * heartbeat; past it the batch fails and kafkajs re-runs it (and, after its own retries, restarts
 * the consumer), so an outage of any length is ridden out without skipping a record.
 */
export const DECODE_RETRY: DecodeRetryLimits = { decodeRetryBudgetMs: 5_000, initialBackoffMs: 100, maxBackoffMs: 1_000 };

/** Connection-level failures Node reports by code, should one reach us without the HTTP client's wrapping. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The registry did not give us the schema within the retry budget; the record itself may be fine. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
  /** Read by kafkajs: a batch failing with it is retried and the consumer restarted, never given up on. */
  readonly retriable = true;
  constructor(readonly attempts: number, readonly elapsedMs: number, readonly lastError: Error) {
    super(`schema registry unavailable after ${attempts} attempts in ${elapsedMs} ms: ${lastError.message}`);
  }
}

export type DecodeFailure = 'undecodable' | 'registry-unavailable';

/**
 * Why a decode failed. The registry's HTTP client (mappersmith, through
 * @kafkajs/confluent-schema-registry) rejects with a ResponseError carrying the
 * HTTP status, and reports a failure to reach the registry (refused, reset,
 * timed out) as status 400 with the cause only in its message. A lookup of
 * /schemas/ids/{id} is never a bad request, so only 404 (no such schema id)
 * is the record's fault; any other answer, or none, says nothing about the
 * record: retried, and loud if it lasts. Everything thrown before or after the
 * lookup (magic byte, missing value, an Avro body that does not fit its
 * schema) is the record's fault.
 */
export function classifyDecodeError(err: unknown): DecodeFailure {
  if (!(err instanceof Error)) return 'undecodable';
  const status = (err as { status?: unknown }).status;
  if (err.name === 'ResponseError' && typeof status === 'number') return status === 404 ? 'undecodable' : 'registry-unavailable';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return 'registry-unavailable';
  return 'undecodable';
}

/**
 * Why a record can never decode, for the dead-letter metric and header: a small
 * fixed set, so an alert can say what went wrong without reading the record.
 * `no_value`: a tombstone on a topic of values; `bad_frame`: not the Confluent
 * framing (magic byte 0, schema id); `unknown_schema`: the registry answered
 * 404 for its schema id; `bad_payload`: framed, with a known schema, and the
 * Avro body does not fit it; `forged`: a signed topic's record without a valid
 * signature (record-signature.ts).
 */
export const DEAD_LETTER_REASONS = ['no_value', 'bad_frame', 'unknown_schema', 'bad_payload', 'forged'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** The reason of a record classifyDecodeError found undecodable (its value and the error its decode threw). */
export function deadLetterReason(value: Buffer | null, err: unknown): DeadLetterReason {
  if (err instanceof Error && err.name === 'ForgedRecordError') return 'forged';
  if (!value || value.length === 0) return 'no_value';
  if (wireSchemaId(value) === null) return 'bad_frame';
  if (err instanceof Error && err.name === 'ResponseError' && (err as { status?: unknown }).status === 404) return 'unknown_schema';
  return 'bad_payload';
}

/** The registry (not a record) failed: while decoding (after the budget) or on any other call (encode on a cache miss). */
export function isRegistryUnavailable(err: unknown): boolean {
  return err instanceof RegistryUnavailableError || (err instanceof Error && err.name === 'ResponseError' && classifyDecodeError(err) === 'registry-unavailable');
}

export interface DecodeRetryOptions {
  limits?: DecodeRetryLimits;
  /** Keeps the consumer's group membership alive while we wait (kafkajs' heartbeat). */
  heartbeat?: () => Promise<void>;
  /** Called before each retry (metrics, logs). */
  onRetry?: (err: Error, attempt: number, backoffMs: number) => void;
  /** Overridable for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Decodes one framed value. Throws the decode error itself when the record can
 * never decode, and a RegistryUnavailableError when the registry stayed away
 * for the whole budget.
 */
export async function decodeWithRetry<T>(serde: Pick<Serde, 'decode'>, buffer: Buffer, options: DecodeRetryOptions = {}): Promise<T> {
  const limits = options.limits ?? DECODE_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const startedAt = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await serde.decode<T>(buffer);
    } catch (err) {
      if (classifyDecodeError(err) === 'undecodable') throw err;
      const elapsedMs = now() - startedAt;
      const backoffMs = Math.min(limits.initialBackoffMs * 2 ** (attempt - 1), limits.maxBackoffMs);
      if (elapsedMs + backoffMs > limits.decodeRetryBudgetMs) throw new RegistryUnavailableError(attempt, elapsedMs, err as Error);
      options.onRetry?.(err as Error, attempt, backoffMs);
      await sleep(backoffMs);
      await options.heartbeat?.();
    }
  }
}
