import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { loadFeedSettings } from './settings';

const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', FEED_WEBHOOK_SECRET: 'sixteen-chars-xx' };

describe('feed-ingest settings', () => {
  it('applies the defaults: webhook on 8090, 20 s lag with 5 s jitter, demo speed 10', () => {
    const s = loadFeedSettings(env);
    expect(s.webhookSecret).toBe('sixteen-chars-xx');
    expect([s.httpPort, s.lagMs, s.lagJitterMs, s.demoReplay, s.demoSpeed]).toEqual([8090, 20_000, 5_000, false, 10]);
  });

  it('names every bad setting at once: a short secret, a speed above 1000, a missing database', () => {
    let error: unknown;
    try {
      loadFeedSettings({ FEED_WEBHOOK_SECRET: 'short', FEED_DEMO_SPEED: '5000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/FEED_WEBHOOK_SECRET: must be at least 16 characters/);
    expect(problems).toMatch(/FEED_DEMO_SPEED/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).not.toContain('short');
  });
});
