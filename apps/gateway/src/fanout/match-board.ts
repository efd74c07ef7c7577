// The match stream for the page's score, clock and ticker: every match event
// is published once to the `match` topic (every socket subscribes on open);
// the current state and the recent events of each match are kept for
// GET /matches, so a page that loads mid-match starts with the score.
import type { MatchEvent } from '@inplay/contracts';
import { matchEventFields, matchEventMessage, type MatchEventMessage } from '../protocol/server-messages';

export const MATCH_TOPIC = 'match';
export const RECENT_MATCH_EVENTS = 50;
export const MAX_MATCHES_KEPT = 64;

export interface MatchState {
  matchId: string;
  homeScore: number;
  awayScore: number;
  period: number;
  matchClockMs: number;
  finished: boolean;
  recent: MatchEventMessage[];
}

export class MatchBoard {
  private readonly matches = new Map<string, MatchState>();
  private readonly seen = new Set<string>();

  constructor(private readonly publish: (topic: string, message: string) => void) {}

  /** Applies an event once (the feed may deliver an eventId twice); `live` false while bootstrapping. */
  onMatchEvent(event: MatchEvent, live: boolean): void {
    if (this.seen.has(event.eventId)) return;
    this.seen.add(event.eventId);
    if (this.seen.size > RECENT_MATCH_EVENTS * MAX_MATCHES_KEPT) this.seen.delete(this.seen.values().next().value as string);
    const message = matchEventFields(event);
    let state = this.matches.get(event.matchId);
    if (!state) {
      state = { matchId: event.matchId, homeScore: 0, awayScore: 0, period: 0, matchClockMs: 0, finished: false, recent: [] };
      this.matches.set(event.matchId, state);
      if (this.matches.size > MAX_MATCHES_KEPT) this.matches.delete(this.matches.keys().next().value as string);
    }
    state.homeScore = event.homeScore;
    state.awayScore = event.awayScore;
    state.period = event.period;
    state.matchClockMs = event.matchClockMs;
    state.finished ||= event.type === 'FULL_TIME';
    state.recent.push(message);
    if (state.recent.length > RECENT_MATCH_EVENTS) state.recent.shift();
    if (live) this.publish(MATCH_TOPIC, matchEventMessage(message));
  }

  /** Matches most recent first. */
  all(): MatchState[] {
    return [...this.matches.values()].reverse();
  }
}
