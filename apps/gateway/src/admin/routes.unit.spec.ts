import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_ANOMALY_LIMIT, adminAuthorized, parseAnomalyQuery } from './routes';

const TOKEN = 'admin-token-of-at-least-thirty-two-bytes';

describe('admin token check', () => {
  it('accepts exactly Bearer <token>', () => {
    expect(adminAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const header of ['', TOKEN, `bearer ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Bearer ', `Basic ${TOKEN}`]) expect(adminAuthorized(header, TOKEN)).toBe(false);
  });
});

describe('anomaly query', () => {
  it('defaults the limit and reads the options', () => {
    expect(parseAnomalyQuery('')).toEqual({ ok: true, query: { limit: DEFAULT_ADMIN_ANOMALY_LIMIT } });
    expect(parseAnomalyQuery('limit=5&epsilonMs=0&minMoveBp=500&match=statsbomb:15946')).toEqual({ ok: true, query: { limit: 5, epsilonMs: 0, minMoveBp: 500, matchId: 'statsbomb:15946' } });
  });

  it('names the parameter at fault', () => {
    expect(parseAnomalyQuery('limit=0')).toMatchObject({ ok: false, message: expect.stringContaining('limit') });
    expect(parseAnomalyQuery('limit=1e3')).toMatchObject({ ok: false, message: expect.stringContaining('limit must be a non-negative integer') });
    expect(parseAnomalyQuery('epsilonMs=700000')).toMatchObject({ ok: false, message: expect.stringContaining('epsilonMs must be an integer in [0, 600000]') });
    expect(parseAnomalyQuery('minMoveBp=0')).toMatchObject({ ok: false, message: expect.stringContaining('minMoveBp') });
    expect(parseAnomalyQuery('user=a')).toMatchObject({ ok: false, message: expect.stringContaining('unknown query parameter(s) user') });
    expect(parseAnomalyQuery('match=a%20b')).toMatchObject({ ok: false, message: expect.stringContaining('match must be a match id') });
  });
});
