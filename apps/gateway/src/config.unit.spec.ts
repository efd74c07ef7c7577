import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadGatewayConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', JWT_SECRET: 'x'.repeat(32), ORDER_SIGNING_KEY: 'k'.repeat(32) };

describe('gateway config', () => {
  it('has defaults for everything but the database and the JWT secret', () => {
    const config = loadGatewayConfig(base);
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', internalPort: 9406, internalHost: '127.0.0.1', topicPrefix: '', kafkaBrokers: ['127.0.0.1:19092'], limits: DEFAULT_LIMITS });
    expect(config.serverId).toMatch(/^gw-.+-8080$/);
  });

  it('reads each limit from GATEWAY_<NAME>, the instance identity and the allowed origins', () => {
    const config = loadGatewayConfig({ ...base, GATEWAY_PORT: '8181', GATEWAY_SERVER_ID: 'gw-2', GATEWAY_CONFLATE_MS: '0', GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: '7', GATEWAY_ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(config).toMatchObject({ port: 8181, serverId: 'gw-2', allowedOrigins: ['https://a.example', 'https://b.example'] });
    expect(config.limits).toMatchObject({ conflateMs: 0, maxSubscriptionsPerConnection: 7 });
  });

  it('puts the internal listener (metrics, admin) on GATEWAY_INTERNAL_PORT at METRICS_HOST, and refuses it on the public port or out of range', () => {
    expect(loadGatewayConfig({ ...base, GATEWAY_INTERNAL_PORT: '9500', METRICS_HOST: '0.0.0.0' })).toMatchObject({ internalPort: 9500, internalHost: '0.0.0.0' });
    expect(() => loadGatewayConfig({ ...base, GATEWAY_PORT: '9500', GATEWAY_INTERNAL_PORT: '9500' })).toThrow(/GATEWAY_INTERNAL_PORT must differ from GATEWAY_PORT \(both 9500\)/);
    expect(() => loadGatewayConfig({ ...base, GATEWAY_INTERNAL_PORT: '70000' })).toThrow(/GATEWAY_INTERNAL_PORT/);
  });

  it('refuses a JWT secret under 32 bytes, naming the setting', () => {
    expect(() => loadGatewayConfig({ ...base, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
  });

  it('refuses a missing database URL and a bad limit, naming each', () => {
    expect(() => loadGatewayConfig({ JWT_SECRET: base.JWT_SECRET, GATEWAY_MAX_FRAME_BYTES: 'lots' })).toThrow(/DATABASE_URL[\s\S]*GATEWAY_MAX_FRAME_BYTES/);
  });

  it('refuses a soft backpressure limit above the hard one', () => {
    expect(() => loadGatewayConfig({ ...base, GATEWAY_SOFT_BACKPRESSURE_BYTES: '2000', GATEWAY_HARD_BACKPRESSURE_BYTES: '1000' })).toThrow(/GATEWAY_SOFT_BACKPRESSURE_BYTES must not exceed GATEWAY_HARD_BACKPRESSURE_BYTES/);
  });

  it('issues 15-minute tokens by default, refuses a lifetime past libs/auth MAX_TOKEN_TTL_MS and a staleness limit not above the refresh interval', () => {
    expect(loadGatewayConfig(base).limits).toMatchObject({ tokenTtlMs: 900_000, revocationRefreshMs: 2_000 });
    expect(() => loadGatewayConfig({ ...base, GATEWAY_TOKEN_TTL_MS: String(25 * 3600 * 1000) })).toThrow(/GATEWAY_TOKEN_TTL_MS must be from 60000 to 86400000/);
    expect(() => loadGatewayConfig({ ...base, GATEWAY_REVOCATION_MAX_STALE_MS: '2000' })).toThrow(/GATEWAY_REVOCATION_MAX_STALE_MS must exceed GATEWAY_REVOCATION_REFRESH_MS/);
  });
});
