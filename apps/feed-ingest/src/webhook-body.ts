// The live provider's event, as posted to POST /feed/events, validated with zod
// and turned into our MatchEvent (ids scoped to provider and match).
import { z } from '@inplay/config';
import type { MatchEvent } from '@inplay/contracts';
import { MATCH_EVENT_TYPES } from '@inplay/domain';

export const WEBHOOK_PROVIDER = 'live';
const ID_MAX_CHARS = 200;
const ATTRIBUTES_MAX = 50;

const id = z.string().min(1).max(ID_MAX_CHARS);
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
  attributes: z.record(z.string().max(100), z.string().max(1_000)).refine((a) => Object.keys(a).length <= ATTRIBUTES_MAX, `at most ${ATTRIBUTES_MAX} attributes`).optional(),
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
