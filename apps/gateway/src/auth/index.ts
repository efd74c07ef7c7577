// Token module of the gateway: /auth/refresh, /auth/logout and the dev login on
// the public port; /admin/tokens/revoke on the internal one. The guard itself
// (token-guard.ts) is built by startGateway and shared by every module and the WebSocket.
import type { RouteModule } from '../http/routes';
import { registerAuthRoutes, registerTokenAdminRoutes } from './routes';

export { registerAuthRoutes, registerTokenAdminRoutes, MAX_AUTH_BODY_BYTES, type AuthRoutesDeps } from './routes';
export { createTokenGuard, httpRefusal, AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS, type TokenCheck, type TokenGuard, type TokenRefusalCode } from './token-guard';
export { createRevocationStore, MAX_REVOCATIONS_LOADED, PURGE_BATCH_ROWS, type RevocationStore } from './revocation-store';

export const authRoutes = (options: { devLogin?: boolean } = {}): RouteModule => (app, deps) => {
  registerAuthRoutes(app, { tokens: deps.tokens, logger: deps.logger, devLogin: options.devLogin ?? false });
};

/** On the internal port: `adminToken` undefined answers 503 ADMIN_DISABLED. */
export const tokenAdminRoutes = (adminToken: string | undefined): RouteModule => (app, deps) => {
  registerTokenAdminRoutes(app, { tokens: deps.tokens, logger: deps.logger, adminToken, now: deps.now });
};
