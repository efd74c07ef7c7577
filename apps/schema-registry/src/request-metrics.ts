// Prometheus counters of the registry's HTTP traffic, labelled by route
// pattern (not raw path, so subjects do not explode the label set).
import { Counter, createMetrics, type Registry } from '@inplay/telemetry';

export const UNMATCHED_ROUTE = 'unmatched';

export interface RequestMetrics {
  registry: Registry;
  countRequest(method: string, route: string, status: number): void;
}

export function createRequestMetrics(): RequestMetrics {
  const registry = createMetrics('schema-registry');
  const requests = new Counter({
    name: 'schema_registry_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  return {
    registry,
    countRequest: (method, route, status) => requests.inc({ method, route, status: String(status) }),
  };
}
