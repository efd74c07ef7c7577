// Endpoints about the service itself: root, health, version and Prometheus metrics.
import type { Registry } from '@inplay/telemetry';
import packageJson from '../package.json' with { type: 'json' };
import { ok } from './http';
import type { Route } from './router';

export const REGISTRY_VERSION: string = packageJson.version;

export function serviceRoutes(metrics: Registry): Route[] {
  return [
    { method: 'GET', path: '/', handle: async () => ok({}) },
    { method: 'GET', path: '/health', handle: async () => ok({ status: 'ok' }) },
    { method: 'GET', path: '/v1/metadata/version', handle: async () => ok({ version: REGISTRY_VERSION, commitId: 'inplay' }) },
    {
      method: 'GET', path: '/metrics',
      handle: async () => ({ status: 200, text: await metrics.metrics(), contentType: metrics.contentType }),
    },
  ];
}
