import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { schemaOf } from '@inplay/contracts/schemas';
import { POSITIONS } from '@inplay/domain';
import { DRIFT_KEY, driftCommand, matchEventCommands, readCommand, tradeCommand, type PricingCommandRecord } from './commands';
import { KICK_OFF_AT, kickOff, matchEvent, roster, trade } from '../test/pricing.fixtures';

const commandType = avro.Type.forSchema(schemaOf('PricingCommand') as avro.Schema);
const fieldType = (schema: { fields: { name: string; type: unknown }[] }, name: string): unknown => schema.fields.find((f) => f.name === name)?.type;

describe('sequencing inputs into pricing commands', () => {
  it('initializes every player of the roster at kick-off, before the match-wide commands, at the time we learned of it', () => {
    const commands = matchEventCommands(kickOff('m1', KICK_OFF_AT), roster);
    const inits = commands.filter((c) => c.value.kind === 'INITIALIZE');
    expect(inits.map((c) => c.key)).toEqual(roster.players.map((p) => p.playerId));
    expect(commands.slice(0, inits.length)).toEqual(inits);
    expect(inits[1]?.value).toMatchObject({ playerId: 'h-fw', at: KICK_OFF_AT, initialize: { matchId: 'm1', teamId: 'home', position: 'FWD', initialPriceCents: 1200 } });
    expect(commands.filter((c) => c.value.kind === 'MATCH_EVENT').every((c) => c.value.matchEvent?.role === 'match')).toBe(true);
  });

  it('turns a goal into one command per concerned player, keyed by that player: scorer, assister and conceding keeper', () => {
    const goal = matchEvent();
    const commands = matchEventCommands(goal, roster);
    expect(commands.map((c) => [c.key, c.value.matchEvent?.role])).toEqual([['h-fw', 'subject'], ['h-mf', 'related'], ['a-gk', 'keeper']]);
    for (const c of commands) expect(c.value).toMatchObject({ kind: 'MATCH_EVENT', playerId: c.key, at: goal.ingestedAt, matchEvent: { event: goal } });
  });

  it('turns a trade into one TRADE command for its player at its execution time', () => {
    const t = trade();
    expect(tradeCommand(t)).toEqual({ key: 'h-fw', value: { kind: 'TRADE', playerId: 'h-fw', at: t.executedAt, trade: t, initialize: null, matchEvent: null } });
  });

  it('beats drift with no player: the processor applies it to every player of the partition', () => {
    expect(driftCommand(KICK_OFF_AT + 5_000)).toEqual({ key: DRIFT_KEY, value: { kind: 'DRIFT', playerId: null, at: KICK_OFF_AT + 5_000, initialize: null, matchEvent: null, trade: null } });
  });
});

describe('reading pricing commands back', () => {
  it('reads every kind of command back, through Avro, as the decider command it stands for', () => {
    const records = [...matchEventCommands(kickOff('m1', KICK_OFF_AT), roster), ...matchEventCommands(matchEvent(), roster), tradeCommand(trade()), driftCommand(KICK_OFF_AT + 9_000)];
    const read = records.map((c) => readCommand(commandType.fromBuffer(commandType.toBuffer(c.value)) as PricingCommandRecord));
    expect(read[1]).toEqual({ ok: true, playerId: 'h-fw', command: { type: 'Initialize', player: { playerId: 'h-fw', matchId: 'm1', teamId: 'home', position: 'FWD' }, initialPriceCents: 1200, at: KICK_OFF_AT } });
    expect(read.find((r) => r.ok && r.command.type === 'ApplyMatchEvent' && r.command.role === 'keeper')).toEqual({ ok: true, playerId: 'a-gk', command: { type: 'ApplyMatchEvent', event: matchEvent(), role: 'keeper' } });
    expect(read.at(-2)).toEqual({ ok: true, playerId: 'h-fw', command: { type: 'ApplyTrade', trade: trade() } });
    expect(read.at(-1)).toEqual({ ok: true, playerId: null, command: { type: 'Drift', now: KICK_OFF_AT + 9_000 } });
  });

  it('reports a command whose payload does not match its kind instead of guessing', () => {
    const broken = { ...tradeCommand(trade()).value, trade: null };
    expect(readCommand(broken)).toEqual({ ok: false, reason: 'TRADE command without trade payload' });
    expect(readCommand({ ...broken, kind: 'INITIALIZE', playerId: null })).toEqual({ ok: false, reason: 'INITIALIZE command without playerId' });
  });
});

describe('the pricing schemas', () => {
  it('embed MatchEvent and Trade exactly as their own schemas define them (change both together)', () => {
    const command = schemaOf('PricingCommand');
    const matchEventPayload = (fieldType(command, 'matchEvent') as unknown[])[1] as { fields: { name: string; type: unknown }[] };
    expect(fieldType(matchEventPayload, 'event')).toEqual(schemaOf('MatchEvent'));
    expect((fieldType(command, 'trade') as unknown[])[1]).toEqual(schemaOf('Trade'));
  });

  it('name the domain positions and roles in their enums', () => {
    const snapshotPosition = (fieldType(schemaOf('PricingSnapshot'), 'position') as { symbols: string[] }[])[1];
    expect(snapshotPosition?.symbols).toEqual([...POSITIONS]);
    const init = (fieldType(schemaOf('PricingCommand'), 'initialize') as { fields: { name: string; type: unknown }[] }[])[1];
    expect(init && (fieldType(init, 'position') as { symbols: string[] }[])[1]?.symbols).toEqual([...POSITIONS]);
  });
});
