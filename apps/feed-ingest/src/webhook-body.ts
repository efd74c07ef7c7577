// The live provider's event, as posted to POST /feed/events, validated with zod
// and turned into our MatchEvent (ids scoped to provider and match).
import { z } from '@inplay/config';
import type { MatchEvent } from '@inplay/contracts';
import { MATCH_EVENT_TYPES } from '@inplay/domain';

export const WEBHOOK_PROVIDER = 'live';
const ID_MAX_CHARS = 200;
const ATTRIBUTES_MAX = 50;

/**
 * Text stored as sent: Postgres refuses NUL in text and jsonb (and an unpaired surrogate in jsonb),
 * and UTF-8 on match.events cannot carry an unpaired surrogate. Such text got a 500 (Postgres' error) before.
 */
const storableText = (maxChars: number) => z.string().max(maxChars)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL (\\u0000)')
  .refine((s) => !/\p{Cs}/u.test(s), 'must not contain an unpaired surrogate (\\ud800-\\udfff alone)');
const id = storableText(ID_MAX_CHARS).min(1);
const epochMs = z.number().int().min(0).max(8_640_000_000_000);

export const webhookEventBody = z.strictObject({
  matchId: id,
  providerEventId: id,
  type: z.enum(MATCH_EVENT_TYPES),
  playerId: id.nullish(),
  relatedPlayerId: id.nullish(),
  teamId: id.nullish(),
  period: z.number().int().min(1).max(5),
  matchClockMs: z.number().int().min(0).max(4 * 3_600_000),
  occurredAt: epochMs,
  homeScore: z.number().int().min(0).max(99).optional(),
  awayScore: z.number().int().min(0).max(99).optional(),
  attributes: z.record(storableText(100), storableText(1_000)).refine((a) => Object.keys(a).length <= ATTRIBUTES_MAX, `at most ${ATTRIBUTES_MAX} attributes`).optional(),
});
export type WebhookEventBody = z.infer<typeof webhookEventBody>;

export function matchEventFromWebhook(body: WebhookEventBody, ingestedAt: number, provider = WEBHOOK_PROVIDER): MatchEvent {
  return {
    eventId: `${provider}:${body.matchId}:${body.providerEventId}`,
    provider,
    providerEventId: body.providerEventId,
    matchId: body.matchId,
    type: body.type,
    playerId: body.playerId ?? null,
    relatedPlayerId: body.relatedPlayerId ?? null,
    teamId: body.teamId ?? null,
    period: body.period,
    matchClockMs: body.matchClockMs,
    occurredAt: body.occurredAt,
    ingestedAt,
    // A provider that leaves the score out is not reporting one: 0-0 is what we have.
    homeScore: body.homeScore ?? 0,
    awayScore: body.awayScore ?? 0,
    attributes: body.attributes ?? {},
  };
}
