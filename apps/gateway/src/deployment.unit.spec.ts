import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { loadDeploymentSettings, MIN_PRODUCTION_SIGNING_KEY_BYTES } from './deployment';

const LONG_SECRET = 'k'.repeat(MIN_PRODUCTION_SIGNING_KEY_BYTES);

describe('deployment settings', () => {
  it('is development without INPLAY_ENV, where the dev login may be on and a 32-byte key is enough', () => {
    expect(loadDeploymentSettings({ GATEWAY_DEV_LOGIN: 'true', JWT_SECRET: 'k'.repeat(32) })).toEqual({ environment: 'development', devLogin: true, adminToken: undefined });
  });

  it('refuses to start in production with the dev login on, naming the setting', () => {
    const run = () => loadDeploymentSettings({ INPLAY_ENV: 'production', GATEWAY_DEV_LOGIN: 'true', JWT_SECRET: LONG_SECRET });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/GATEWAY_DEV_LOGIN: must not be true when INPLAY_ENV=production/);
  });

  it(`refuses a JWT_SECRET shorter than ${MIN_PRODUCTION_SIGNING_KEY_BYTES} bytes in production, and accepts one that long`, () => {
    expect(() => loadDeploymentSettings({ INPLAY_ENV: 'production', JWT_SECRET: 'k'.repeat(MIN_PRODUCTION_SIGNING_KEY_BYTES - 1) })).toThrow(/JWT_SECRET: must be at least 64 bytes when INPLAY_ENV=production \(got 63\)/);
    expect(loadDeploymentSettings({ INPLAY_ENV: 'production', JWT_SECRET: LONG_SECRET, GATEWAY_DEV_LOGIN: 'false' })).toMatchObject({ environment: 'production', devLogin: false });
  });

  it('refuses an unknown INPLAY_ENV instead of guessing', () => {
    expect(() => loadDeploymentSettings({ INPLAY_ENV: 'prod' })).toThrow(/INPLAY_ENV: .*production or development/);
  });
});
