// Token routes on the public port: POST /auth/refresh (a fresh token for the
// caller's valid one), POST /auth/logout (revokes the caller's token), and in
// development only POST /dev/login (a token for any user id). On the internal
// port, for operators with GATEWAY_ADMIN_TOKEN: POST /admin/tokens/revoke.
import type uWS from 'uWebSockets.js';
import { MAX_TOKEN_ID_CHARS, MAX_TOKEN_TTL_MS } from '@inplay/auth';
import type { Logger } from '@inplay/telemetry';
import { admitAdmin } from '../admin/routes';
import { errorAnswer, serveAsync, type HttpAnswer } from '../http/respond';
import { readBody } from '../orders/http';
import { httpRefusal, type TokenGuard } from './token-guard';

/** Bodies of these routes are one small JSON object. */
export const MAX_AUTH_BODY_BYTES = 1_024;
const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface AuthRoutesDeps {
  tokens: TokenGuard;
  logger: Logger;
  /** POST /dev/login. Never in production (deployment.ts refuses it). */
  devLogin: boolean;
}

export function registerAuthRoutes(app: uWS.TemplatedApp, deps: AuthRoutesDeps): void {
  const { tokens, logger } = deps;
  const onError = (route: string) => (err: unknown) => logger.error({ err }, `${route} failed`);
  app.post('/auth/refresh', (res, req) => {
    const authorization = req.getHeader('authorization');
    serveAsync(res, async () => {
      const check = await tokens.check(authorization);
      if (!check.ok) return refused(check);
      return issued(await tokens.issue(check.identity.userId));
    }, onError('POST /auth/refresh'));
  });
  app.post('/auth/logout', (res, req) => {
    const authorization = req.getHeader('authorization');
    serveAsync(res, async () => {
      const check = await tokens.check(authorization);
      if (!check.ok) return refused(check);
      const { tokenId, userId, expiresAt } = check.identity;
      await tokens.revokeToken(tokenId, userId, expiresAt);
      return { status: 200, body: { revoked: { jti: tokenId } } };
    }, onError('POST /auth/logout'));
  });
  if (deps.devLogin) {
    app.post('/dev/login', (res) => {
      const body = readBody(res, MAX_AUTH_BODY_BYTES);
      serveAsync(res, async () => {
        const userId = jsonField(await body, 'userId');
        if (typeof userId !== 'string' || !USER_ID.test(userId)) return errorAnswer(400, 'USER_ID_INVALID', 'body: {"userId": "..."}, 1-64 of A-Z a-z 0-9 _ . -');
        return issued(await tokens.issue(userId));
      }, onError('POST /dev/login'));
    });
  }
}

/** POST /admin/tokens/revoke {"jti"} or {"userId"} (every token of the user issued before now). adminToken undefined: 503 ADMIN_DISABLED. */
export function registerTokenAdminRoutes(app: uWS.TemplatedApp, deps: { tokens: TokenGuard; logger: Logger; adminToken: string | undefined; now: () => number }): void {
  app.post('/admin/tokens/revoke', (res, req) => {
    if (!admitAdmin(res, req, deps.adminToken)) return;
    const body = readBody(res, MAX_AUTH_BODY_BYTES);
    serveAsync(res, async (): Promise<HttpAnswer> => {
      const raw = await body;
      const jti = jsonField(raw, 'jti');
      const userId = jsonField(raw, 'userId');
      if ((jti === undefined) === (userId === undefined)) return errorAnswer(400, 'BAD_REVOCATION', 'body: {"jti": "<token id>"} or {"userId": "<user>"} (every token of the user issued before now)');
      if (jti !== undefined) {
        if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_TOKEN_ID_CHARS) return errorAnswer(400, 'BAD_REVOCATION', `jti: 1-${MAX_TOKEN_ID_CHARS} characters`);
        // Without the token at hand its expiry is unknown: kept as long as any token can live.
        await deps.tokens.revokeToken(jti, null, deps.now() + MAX_TOKEN_TTL_MS);
        deps.logger.info({ jti }, 'token revoked by an operator');
        return { status: 200, body: { revoked: { jti } } };
      }
      if (typeof userId !== 'string' || !USER_ID.test(userId)) return errorAnswer(400, 'BAD_REVOCATION', 'userId: 1-64 of A-Z a-z 0-9 _ . -');
      const notBefore = await deps.tokens.revokeUser(userId);
      deps.logger.info({ userId, notBefore }, 'every token of a user revoked by an operator');
      return { status: 200, body: { revoked: { userId, notBefore } } };
    }, (err) => deps.logger.error({ err }, 'POST /admin/tokens/revoke failed'));
  });
}

function refused(check: { code: string; message: string } & Parameters<typeof httpRefusal>[0]): HttpAnswer {
  const { status, headers } = httpRefusal(check);
  return errorAnswer(status, check.code, check.message, headers);
}

function issued({ token, identity }: Awaited<ReturnType<TokenGuard['issue']>>): HttpAnswer {
  return { status: 200, body: { token, userId: identity.userId, expiresAt: identity.expiresAt } };
}

/** One field of a JSON object body; undefined when the body is missing, too large, not JSON or has no such field. */
function jsonField(body: Buffer | null, name: string): unknown {
  if (!body) return undefined;
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}
