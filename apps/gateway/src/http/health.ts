// GET /health (503 while draining, so load balancers stop sending) on both
// listeners; GET /metrics (Prometheus text) on the internal one only, which
// also carries /admin/*: nothing operational is reachable on the public port.
import type { RouteModule } from './routes';
import { serveAsync, writeAnswer } from './respond';

export const registerHealthRoutes: RouteModule = (app, deps) => {
  app.get('/health', (res) => {
    const status = deps.status();
    writeAnswer(res, {
      status: status.draining ? 503 : 200,
      body: { status: status.draining ? 'draining' : 'ok', serverId: deps.config.serverId, connections: status.connections, slowConsumers: status.slowConsumers, players: deps.book.size, uptimeMs: deps.now() - status.startedAtMs },
    });
  });
};

/** The internal listener's own routes: /health (probes) and /metrics (scrapes). */
export const registerInternalRoutes: RouteModule = (app, deps) => {
  registerHealthRoutes(app, deps);
  app.get('/metrics', (res) => {
    serveAsync(res, async () => ({ status: 200, body: await deps.metrics.registry.metrics(), contentType: deps.metrics.registry.contentType }), (err) => deps.logger.error({ err }, 'GET /metrics failed'));
  });
};
