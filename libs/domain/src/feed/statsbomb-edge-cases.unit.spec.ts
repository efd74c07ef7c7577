// Provider shapes the recorded match does not contain: own goals, penalties,
// second yellows, extra time.
import { describe, expect, it } from 'vitest';
import { mapStatsBombEvents } from './statsbomb-events';
import type { SbEvent } from './statsbomb-types';

const HOME = { id: 1, name: 'Home' };
const AWAY = { id: 2, name: 'Away' };

let index = 0;
function sb(type: string, fields: Partial<SbEvent> = {}): SbEvent {
  index += 1;
  return { id: `ev${index}`, index, period: 1, timestamp: `00:${String(10 + index).padStart(2, '0')}:00.000`, minute: 10 + index, second: 0, type: { id: 0, name: type }, team: HOME, player: { id: 10, name: 'Ten' }, ...fields };
}

const map = (events: SbEvent[]) => mapStatsBombEvents(events, { matchId: 'm', kickOffAt: 0, teams: { homeTeamId: '1', awayTeamId: '2' } });

describe('StatsBomb feed edge cases', () => {
  it('maps Own Goal Against to OWN_GOAL on the player and scores it for the other side, ignoring Own Goal For', () => {
    const result = map([sb('Own Goal Against', { team: HOME }), sb('Own Goal For', { team: AWAY, player: undefined })]);
    expect(result.events.map((e) => [e.type, e.playerId, e.teamId, e.homeScore, e.awayScore])).toEqual([['OWN_GOAL', '10', '1', 0, 1]]);
    expect(result.ignored).toEqual({ 'Own Goal For': 1 });
  });

  it('maps penalties won, scored and missed', () => {
    const result = map([
      sb('Foul Won', { foul_won: { penalty: true } }),
      sb('Shot', { shot: { outcome: { id: 97, name: 'Goal' }, type: { id: 88, name: 'Penalty' }, statsbomb_xg: 0.78 } }),
      sb('Shot', { team: AWAY, shot: { outcome: { id: 100, name: 'Saved' }, type: { id: 88, name: 'Penalty' }, statsbomb_xg: 0.78 } }),
    ]);
    expect(result.events.map((e) => [e.type, e.homeScore])).toEqual([['PENALTY_WON', 0], ['PENALTY_SCORED', 1], ['PENALTY_MISSED', 1]]);
  });

  it('treats a second yellow as a red card and a card for bad behaviour like one for a foul', () => {
    const result = map([sb('Foul Committed', { foul_committed: { card: { id: 6, name: 'Second Yellow' } } }), sb('Bad Behaviour', { bad_behaviour: { card: { id: 5, name: 'Red Card' } } })]);
    expect(result.events.map((e) => [e.type, e.attributes.card])).toEqual([['RED_CARD', 'Second Yellow'], ['RED_CARD', 'Red Card']]);
  });

  it('calls only the end of the last period FULL_TIME and keeps time moving forward through extra time', () => {
    const periods = [1, 2, 3, 4];
    const result = map(periods.flatMap((period) => [
      sb('Half Start', { period, timestamp: '00:00:00.000', player: undefined }),
      sb('Half End', { period, timestamp: period <= 2 ? '00:52:00.000' : '00:16:00.000', player: undefined }),
    ]));
    expect(result.events.map((e) => e.type)).toEqual(['KICK_OFF', 'HALF_TIME', 'KICK_OFF', 'HALF_TIME', 'KICK_OFF', 'HALF_TIME', 'KICK_OFF', 'FULL_TIME']);
    const times = result.events.map((e) => e.occurredAt / 60_000);
    expect(times).toEqual([0, 52, 60, 112, 113, 129, 130, 146]); // period 3 pushed past the nominal 110 by a long second half
  });
});
