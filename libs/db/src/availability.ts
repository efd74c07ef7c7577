// Which Postgres failures mean "the server is briefly away" (a restart, a
// failover, a dropped connection, too many clients): the caller retries with
// backoff. Anything else (a constraint, a syntax error, a bug) is not retried
// by this rule: the caller decides, usually by failing loudly.

/** SQLSTATEs of a server going or gone: connection exceptions (class 08), shutdowns, overload. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
/** Node's socket errors on the way to the server. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** node-postgres and pg-pool say a connection died or never came with plain Errors and these messages. */
const CLIENT_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
];

export function isPostgresUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_ERROR_CODES.has(code))) return true;
  if (typeof code === 'string') return false;
  if (CLIENT_CONNECTION_MESSAGES.some((m) => err.message.startsWith(m))) return true;
  return err.cause !== undefined && isPostgresUnavailable(err.cause);
}
