// Structured logs (pino) and Prometheus metrics (prom-client) for every service.
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

export type { Logger };
export { Counter, Histogram, Gauge, Registry };

export function createLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: service, level, base: { service, pid: process.pid } });
}

export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Serves `GET /metrics` (Prometheus text) and `GET /health` on its own port. */
export async function startMetricsServer(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => { res.writeHead(200, { 'content-type': registry.contentType }); res.end(text); },
        (err: Error) => { res.writeHead(500); res.end(err.message); },
      );
    } else if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
export { textTable, type TextTableOptions } from './text-table';
