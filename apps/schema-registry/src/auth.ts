// Who may change the registry: every write route (register, delete, config)
// asks for HTTP basic credentials, as Confluent's registry does with basic
// auth on; reads stay open. A refusal is a Confluent 401 failure value.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, fail, type RegistryFailure } from './errors';

/** Shortest write password the registry starts with: a guessable one is no protection. */
export const MIN_WRITE_PASSWORD_CHARS = 16;

export interface BasicCredentials {
  username: string;
  password: string;
}

/** The writers a registry accepts: one set of basic credentials, or anyone ('anonymous', only when asked for explicitly). */
export type Writers = BasicCredentials | 'anonymous';

const BASIC_SCHEME = /^basic +/i;
/** RFC 4648 base64 with its padding, as RFC 7617 sends user-id ":" password. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `Basic <base64 of user:password>` → the credentials, or undefined for anything else (no header, another scheme, bad base64, no colon). */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || !BASIC_SCHEME.test(header)) return undefined;
  const encoded = header.replace(BASIC_SCHEME, '').trim();
  if (encoded === '' || !BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Equal or not in a time that does not depend on where they differ, nor on their lengths (both are hashed first). */
function constantTimeEqual(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Undefined when `authorization` may write, else the 401 to answer. */
export function checkWriter(writers: Writers, authorization: string | undefined): RegistryFailure | undefined {
  if (writers === 'anonymous') return undefined;
  if (authorization === undefined) {
    return fail(ERROR_CODES.unauthorized, 'Unauthorized: changing the registry needs HTTP basic credentials (Authorization: Basic <base64 of user:password>)');
  }
  const given = parseBasicAuthorization(authorization);
  if (!given) return fail(ERROR_CODES.unauthorized, 'Unauthorized: malformed Authorization header, expected Basic <base64 of user:password>');
  // Both compared, always: which of the two was wrong takes no longer to find out.
  const userMatches = constantTimeEqual(given.username, writers.username);
  const passwordMatches = constantTimeEqual(given.password, writers.password);
  return userMatches && passwordMatches ? undefined : fail(ERROR_CODES.unauthorized, 'Unauthorized: wrong user name or password');
}
