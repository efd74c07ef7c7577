// GET /health (503 while draining, so load balancers stop sending) and GET /metrics (Prometheus text).
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
  app.get('/metrics', (res) => {
    serveAsync(res, async () => ({ status: 200, body: await deps.metrics.registry.metrics(), contentType: deps.metrics.registry.contentType }), (err) => deps.logger.error({ err }, 'GET /metrics failed'));
  });
};
