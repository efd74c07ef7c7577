// Admin module of the gateway: GET /admin/anomalies over the gateway's own Kafka client and pool.
import { anomalyReportFrom } from '@inplay/audit';
import type { RouteModule } from '../http/routes';
import { registerAdminRoutes } from './routes';

export { registerAdminRoutes, adminAuthorized, parseAnomalyQuery, MIN_ADMIN_TOKEN_BYTES, DEFAULT_ADMIN_ANOMALY_LIMIT, type AdminRoutesDeps, type AnomalyQuery } from './routes';

/** `adminToken` undefined: the routes answer 503 ADMIN_DISABLED. */
export const adminRoutes = (adminToken: string | undefined): RouteModule => (app, deps) => {
  registerAdminRoutes(app, {
    adminToken, logger: deps.logger,
    anomalies: (query) => anomalyReportFrom({ kafka: deps.kafka, serde: deps.serde, pool: deps.pool, topicPrefix: deps.config.topicPrefix }, query),
  });
};
