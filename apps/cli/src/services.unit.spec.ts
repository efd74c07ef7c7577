import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningInfra } from '@inplay/infra';
import { GATEWAY_INTERNAL_PORT_OFFSET, serviceSpecs } from './services';
import { loadSettings } from './settings';

describe('the services inplay up starts', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'inplay-services-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('gives each gateway an internal port of its own for /metrics and /admin, beside the shared public port', () => {
    const settings = loadSettings({ INPLAY_STATE_DIR: stateDir, INPLAY_METRICS_BASE_PORT: '9500', INPLAY_GATEWAY_PORT: '8181' });
    const specs = serviceSpecs({} as RunningInfra, settings, { gateways: 3, demoSpeed: 0 });
    const gateways = specs.filter((s) => s.name.startsWith('gateway-'));
    expect(gateways.map((g) => g.env['GATEWAY_PORT'])).toEqual(['8181', '8181', '8181']);
    expect(gateways.map((g) => g.env['GATEWAY_INTERNAL_PORT'])).toEqual(['9506', '9507', '9508']);
    expect(gateways.map((g) => g.metricsUrl)).toEqual(['http://127.0.0.1:9506/metrics', 'http://127.0.0.1:9507/metrics', 'http://127.0.0.1:9508/metrics']);
    expect(GATEWAY_INTERNAL_PORT_OFFSET).toBe(6);
    // No internal port is another service's metrics port.
    const others = specs.filter((s) => !s.name.startsWith('gateway-')).map((s) => s.env['METRICS_PORT']);
    expect(others).toHaveLength(4);
    for (const g of gateways) expect(others).not.toContain(g.env['GATEWAY_INTERNAL_PORT']);
  });
});
