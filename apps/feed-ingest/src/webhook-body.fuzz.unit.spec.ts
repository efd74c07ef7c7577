// The webhook's event body fuzzed: whatever the provider posts, the schema
// refuses it with issues to report as 400 MALFORMED_BODY, or accepts an event
// that Postgres (feed_events.payload jsonb) and Avro (match.events) store as
// it is. Nothing throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import avro from 'avsc';
import { schemaOf } from '@inplay/contracts/schemas';
import { hostileJsonValue, hostileString, mutatedJson, TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { matchEventFromWebhook, webhookEventBody } from './webhook-body';

const RUNS = { numRuns: 500 };
const matchEventType = avro.Type.forSchema(schemaOf('MatchEvent') as avro.Schema);
const VALID = {
  matchId: 'live-m1', providerEventId: 'pe-1', type: 'GOAL', playerId: 'live-p1', relatedPlayerId: null, teamId: 'h',
  period: 1, matchClockMs: 754_000, occurredAt: 1_700_000_000_000, homeScore: 1, awayScore: 0, attributes: { source: 'test' },
};

/** Text Postgres and Avro keep as sent: no NUL (text and jsonb refuse it) and no unpaired surrogate (jsonb refuses it, UTF-8 cannot carry it). */
const storable = (s: string) => !s.includes('\u0000') && !/\p{Cs}/u.test(s);

function expectCleanVerdict(json: unknown): void {
  const parsed = webhookEventBody.safeParse(json);
  if (!parsed.success) {
    expect(parsed.error.issues.length).toBeGreaterThan(0);
    return;
  }
  const event = matchEventFromWebhook(parsed.data, 1_700_000_001_000);
  const texts = [event.matchId, event.providerEventId, event.eventId, event.playerId, event.relatedPlayerId, event.teamId, ...Object.entries(event.attributes).flat()];
  for (const text of texts) if (text !== null) expect(storable(text), JSON.stringify(text)).toBe(true);
  // As JSON: Avro's int has no -0, which is 0 anyway.
  expect(JSON.stringify(matchEventType.fromBuffer(matchEventType.toBuffer(event)))).toBe(JSON.stringify(event));
}

describe('the webhook event body, fuzzed', () => {
  it('refuses any JSON that is not an event, or accepts one that is stored and produced as sent', () => {
    fc.assert(fc.property(fc.oneof(hostileJsonValue, fc.jsonValue({ maxDepth: 4 })), (json) => expectCleanVerdict(json)), RUNS);
  });

  it('refuses a valid event with one field wrong, or accepts it as storable', () => {
    fc.assert(fc.property(mutatedJson(VALID), (text) => expectCleanVerdict(JSON.parse(text))), RUNS);
  });

  it('keeps to storable text in every id and attribute', () => {
    const text = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), hostileString(32));
    const textField = fc.constantFrom('matchId', 'providerEventId', 'playerId', 'relatedPlayerId', 'teamId');
    fc.assert(fc.property(textField, text, fc.boolean(), (field, value, asAttribute) => {
      expectCleanVerdict(asAttribute ? { ...VALID, attributes: { [value]: value, ok: value } } : { ...VALID, [field]: value });
    }), RUNS);
  });

  it.each([
    ['a NUL in the match id', { matchId: 'live-m1\u0000' }],
    ['a lone surrogate in the provider event id', { providerEventId: 'pe-\ud800' }],
    ['a NUL in an attribute value', { attributes: { source: '\u0000' } }],
    ['a lone surrogate in an attribute name', { attributes: { '\udfff': 'x' } }],
  ])('refuses %s (Postgres refused it: a 500)', (_what, change) => {
    const parsed = webhookEventBody.safeParse({ ...VALID, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('; ')).toMatch(/NUL|surrogate|Invalid key/);
  });
});
