export { registerAdminRoutes, adminAuthorized, parseAnomalyQuery, MIN_ADMIN_TOKEN_BYTES, DEFAULT_ADMIN_ANOMALY_LIMIT, type AdminRoutesDeps, type AnomalyQuery } from './routes';
