// GET /admin/anomalies input fuzzed: the query string and the admin token
// header. Any query is a report's options inside every limit or a message
// for a 400; only the exact token opens the route; nothing throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ANOMALY_LIMITS } from '@inplay/domain';
import { hostileString, percentEncoded, TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { MAX_ADMIN_ANOMALY_LIMIT, adminAuthorized, parseAnomalyQuery } from './routes';

const RUNS = { numRuns: 1_000 };
const TOKEN = 'admin-token-of-at-least-thirty-two-bytes';
const KNOWN = ['limit', 'epsilonMs', 'minMoveBp', 'match'] as const;

const within = (v: number | undefined, range: { min: number; max: number }) => v === undefined || (Number.isSafeInteger(v) && v >= range.min && v <= range.max);

/** Query strings near the real ones: known and unknown names, numbers at the edges, raw and percent-encoded garbage, repeats. */
const queryString = fc.oneof(
  hostileString(128),
  fc.array(fc.tuple(
    fc.oneof(fc.constantFrom(...KNOWN), fc.constantFrom('__proto__', 'constructor', 'Limit', 'limit[]', ''), hostileString(8)),
    fc.oneof(fc.constantFrom('0', '1', '10000', '10001', '600000', '600001', '999999999', '1234567890', '-1', '1e3', '0x1', ' 5', '5 ', '١٢', 'statsbomb:15946'), fc.constantFrom(...TRICKY_STRINGS), hostileString(16)),
    fc.boolean(),
  ), { maxLength: 6 }).map((pairs) => pairs.map(([k, v, encode]) => (encode ? `${percentEncoded(k)}=${percentEncoded(v)}` : `${k}=${v}`)).join('&')),
);

describe('the anomaly query, fuzzed', () => {
  it('gives options inside every limit, or a message to answer 400 with', () => {
    fc.assert(fc.property(queryString, (raw) => {
      const parsed = parseAnomalyQuery(raw);
      if (!parsed.ok) {
        expect(parsed.message.length).toBeGreaterThan(0);
        return;
      }
      const { query } = parsed;
      expect(Object.keys(query).every((k) => ['limit', 'epsilonMs', 'minMoveBp', 'matchId'].includes(k))).toBe(true);
      expect(within(query.limit, { min: 1, max: MAX_ADMIN_ANOMALY_LIMIT })).toBe(true);
      expect(within(query.epsilonMs, ANOMALY_LIMITS.epsilonMs)).toBe(true);
      expect(within(query.minMoveBp, ANOMALY_LIMITS.minMoveBp)).toBe(true);
      if (query.matchId !== undefined) expect(query.matchId).toMatch(/^[\w:.-]{1,128}$/);
    }), RUNS);
  });

  it.each([
    ['__proto__=1', 'unknown query parameter'],
    ['limit=%31%30%30%30%30%31', 'limit must be in'],
    ['epsilonMs=1e3', 'epsilonMs must be a non-negative integer'],
    ['limit=%EF%BC%91', 'limit must be a non-negative integer'],
    ['match=%00', 'match must be a match id'],
    ['match=a%ED%A0%80', 'match must be a match id'],
  ] as const)('refuses %s', (raw, message) => {
    expect(parseAnomalyQuery(raw)).toMatchObject({ ok: false, message: expect.stringContaining(message) });
  });
});

describe('the admin token header, fuzzed', () => {
  it('opens only for exactly "Bearer <token>"', () => {
    const header = fc.oneof(
      hostileString(64),
      fc.constantFrom(`Bearer ${TOKEN}`, `Bearer ${TOKEN}\n`, `Bearer  ${TOKEN}`, `bearer ${TOKEN}`, `Bearer ${TOKEN} `),
      hostileString(8).map((s) => `Bearer ${TOKEN}${s}`),
      hostileString(8).map((s) => `Bearer ${s}`),
    );
    fc.assert(fc.property(header, (h) => {
      expect(adminAuthorized(h, TOKEN)).toBe(h === `Bearer ${TOKEN}`);
    }), RUNS);
  });
});
