import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCredentials, type RunningInfra } from '@inplay/infra';
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

  it('runs each service as its own Postgres role with its own password, and keeps a DATABASE_URL given from outside', () => {
    const settings = loadSettings({ INPLAY_STATE_DIR: stateDir });
    const credentials = generateCredentials();
    const infra = { databaseUrl: 'postgres://inplay:owner-secret@127.0.0.1:5432/inplay', credentials } as RunningInfra;
    const urls = new Map(serviceSpecs(infra, settings, { gateways: 2, demoSpeed: 0 }).map((s) => [s.name, new URL(s.env['DATABASE_URL'] ?? 'missing:')]));
    expect([...urls].map(([name, url]) => [name, url.username])).toEqual([
      ['pricing', 'inplay_pricing'], ['settlement', 'inplay_settlement'], ['leaderboard', 'inplay_leaderboard'],
      ['gateway-1', 'inplay_gateway'], ['gateway-2', 'inplay_gateway'], ['feed-ingest', 'inplay_feed_ingest'],
    ]);
    expect(decodeURIComponent(urls.get('settlement')!.password)).toBe(credentials.postgres.settlement);
    expect(urls.get('gateway-1')!.host).toBe('127.0.0.1:5432');
    expect(urls.get('gateway-1')!.pathname).toBe('/inplay');
    expect([...urls.values()].some((u) => u.password === 'owner-secret')).toBe(false);

    const external = serviceSpecs({ databaseUrl: infra.databaseUrl } as RunningInfra, settings, { gateways: 1, demoSpeed: 0 });
    expect(external.every((s) => s.env['DATABASE_URL'] === undefined)).toBe(true);
  });
});
