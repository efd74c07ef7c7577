import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { loadLeaderboardSettings } from './settings';

const env = { KAFKA_BROKERS: '127.0.0.1:19092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081', DATABASE_URL: 'postgres://u:p@127.0.0.1:15432/inplay' };

describe('leaderboard settings', () => {
  it('re-ranks every second and publishes the top 100 by default', () => {
    expect(loadLeaderboardSettings(env)).toMatchObject({ recomputeMs: 1_000, topEntries: 100, brokers: ['127.0.0.1:19092'] });
  });

  it('refuses a recompute interval over a second and a board of no entries, naming the settings', () => {
    const load = () => loadLeaderboardSettings({ ...env, LEADERBOARD_RECOMPUTE_MS: '5000', LEADERBOARD_TOP_ENTRIES: '0' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/LEADERBOARD_RECOMPUTE_MS[\s\S]*LEADERBOARD_TOP_ENTRIES/);
  });
});
