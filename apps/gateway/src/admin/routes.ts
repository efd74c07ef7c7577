// Admin HTTP routes. GET /admin/anomalies: the anomaly report (who trades in
// the window between an event on the pitch and the feed, and what it earned
// them), for the people who investigate. Guarded by a static bearer token
// (GATEWAY_ADMIN_TOKEN), not by user JWTs: no user token ever opens it. When
// no token is configured the routes answer 503 ADMIN_DISABLED. Registered on
// the gateway's internal listener (GATEWAY_INTERNAL_PORT), never the public port.
import { createHash, timingSafeEqual } from 'node:crypto';
import type uWS from 'uWebSockets.js';
import type { AnomalyOptions, AnomalyReport } from '@inplay/domain';
import { validateAnomalyOptions } from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { errorAnswer, serveAsync, writeAnswer, type HttpAnswer } from '../http/respond';

/** An admin token shorter than this is refused at start-up. */
export const MIN_ADMIN_TOKEN_BYTES = 32;
/** Users listed when the query does not say (?limit=). */
export const DEFAULT_ADMIN_ANOMALY_LIMIT = 50;
export const MAX_ADMIN_ANOMALY_LIMIT = 10_000;

export type AnomalyQuery = AnomalyOptions & { matchId?: string; limit?: number };

export interface AdminRoutesDeps {
  /** Undefined: admin routes disabled. */
  adminToken: string | undefined;
  anomalies: (query: AnomalyQuery) => Promise<AnomalyReport>;
  logger: Logger;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of `Authorization: Bearer <token>` (hashes first, so lengths do not leak). */
export function adminAuthorized(authorization: string, adminToken: string): boolean {
  const match = /^Bearer (.+)$/.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(adminToken));
}

/**
 * The gate of every admin route: 503 ADMIN_DISABLED when no admin token is configured, 401
 * ADMIN_TOKEN_INVALID without it; answers and returns false then, true when the caller is the operator.
 */
export function admitAdmin(res: uWS.HttpResponse, req: uWS.HttpRequest, adminToken: string | undefined): adminToken is string {
  if (adminToken === undefined) {
    writeAnswer(res, errorAnswer(503, 'ADMIN_DISABLED', 'admin routes are off: set GATEWAY_ADMIN_TOKEN (at least 32 bytes) to enable them'));
    return false;
  }
  if (!adminAuthorized(req.getHeader('authorization'), adminToken)) {
    writeAnswer(res, errorAnswer(401, 'ADMIN_TOKEN_INVALID', 'send Authorization: Bearer <GATEWAY_ADMIN_TOKEN>', { 'www-authenticate': 'Bearer realm="admin"' }));
    return false;
  }
  return true;
}

export type ParsedQuery = { ok: true; query: AnomalyQuery } | { ok: false; message: string };

export function parseAnomalyQuery(raw: string): ParsedQuery {
  const params = new URLSearchParams(raw);
  const known = new Set(['limit', 'epsilonMs', 'minMoveBp', 'match']);
  const unknown = [...params.keys()].filter((k) => !known.has(k));
  if (unknown.length > 0) return { ok: false, message: `unknown query parameter(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}` };
  const int = (name: string): number | undefined | Error => {
    const v = params.get(name);
    if (v === null) return undefined;
    return /^\d{1,9}$/.test(v) ? Number(v) : new Error(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  };
  const limit = int('limit');
  const epsilonMs = int('epsilonMs');
  const minMoveBp = int('minMoveBp');
  for (const v of [limit, epsilonMs, minMoveBp]) if (v instanceof Error) return { ok: false, message: v.message };
  if (typeof limit === 'number' && (limit < 1 || limit > MAX_ADMIN_ANOMALY_LIMIT)) return { ok: false, message: `limit must be in [1, ${MAX_ADMIN_ANOMALY_LIMIT}]` };
  const query: AnomalyQuery = { limit: (limit as number | undefined) ?? DEFAULT_ADMIN_ANOMALY_LIMIT };
  if (epsilonMs !== undefined) query.epsilonMs = epsilonMs as number;
  if (minMoveBp !== undefined) query.minMoveBp = minMoveBp as number;
  const match = params.get('match');
  if (match !== null) {
    if (!/^[\w:.-]{1,128}$/.test(match)) return { ok: false, message: 'match must be a match id (1-128 of letters, digits, _ : . -)' };
    query.matchId = match;
  }
  const errors = validateAnomalyOptions(query);
  return errors.length > 0 ? { ok: false, message: errors.join('; ') } : { ok: true, query };
}

export function registerAdminRoutes(app: uWS.TemplatedApp, deps: AdminRoutesDeps): uWS.TemplatedApp {
  // The same query asked twice while the first is being computed shares that computation (it reads whole topics).
  const inFlight = new Map<string, Promise<AnomalyReport>>();
  app.get('/admin/anomalies', (res, req) => {
    if (!admitAdmin(res, req, deps.adminToken)) return;
    const parsed = parseAnomalyQuery(req.getQuery() ?? '');
    if (!parsed.ok) {
      writeAnswer(res, errorAnswer(400, 'BAD_QUERY', parsed.message));
      return;
    }
    const key = JSON.stringify(parsed.query);
    const acceptEncoding = req.getHeader('accept-encoding');
    serveAsync(res, async (): Promise<HttpAnswer> => {
      let report = inFlight.get(key);
      if (!report) {
        report = deps.anomalies(parsed.query).finally(() => inFlight.delete(key));
        inFlight.set(key, report);
      }
      return { status: 200, body: await report };
    }, (err) => deps.logger.error({ err }, 'anomaly report failed'), acceptEncoding);
  });
  return app;
}
