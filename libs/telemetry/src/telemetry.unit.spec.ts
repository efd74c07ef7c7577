import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, createMetrics, startMetricsServer } from './index';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('metrics endpoint', () => {
  it('serves Prometheus text with the service label, and a health check', async () => {
    const registry = createMetrics('pricing');
    new Counter({ name: 'inplay_ticks_total', help: 'ticks', registers: [registry] }).inc(3);
    server = await startMetricsServer(registry, 0);
    const { port } = server.address() as AddressInfo;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('inplay_ticks_total{service="pricing"} 3');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });
});
