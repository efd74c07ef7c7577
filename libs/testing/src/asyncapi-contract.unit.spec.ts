import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASYNCAPI_DOCUMENT_PATH, loadWsContract, wsContract } from './asyncapi-contract';

const contract = wsContract();
const tick = { type: 'tick', player: 'p1', seq: 43, prevSeq: 42, price: 1262, prevPrice: 1250, cause: 'EVENT', lockedUntil: null, ts: 1795545601000 };

describe('the WebSocket contract of docs/api/asyncapi.yaml', () => {
  it('accepts documented client messages in each of their forms', () => {
    for (const message of [
      { op: 'auth', token: 'a.b.c' },
      { op: 'subscribe', players: ['p1', 'sb-3869:5503'] },
      { op: 'unsubscribe', players: ['p1'] },
      { op: 'resume', player: 'p1', fromSeq: 41 },
      { op: 'resume', players: [{ player: 'p1', fromSeq: 0 }] },
      { op: 'ping' },
    ]) expect(contract.check('client', message), JSON.stringify(message)).toEqual([]);
  });

  it('refuses a client message with an unknown op, a missing or extra field, or a bad player id', () => {
    expect(contract.check('client', { op: 'subscribe_all' })[0]).toMatch(/no documented client message with op "subscribe_all"/);
    expect(contract.check('client', { players: ['p1'] })[0]).toMatch(/no documented client message/);
    expect(contract.check('client', { op: 'subscribe' }).join()).toMatch(/players/);
    expect(contract.check('client', { op: 'subscribe', players: ['p1'], extra: 1 }).join()).toMatch(/additional properties \(extra\)/);
    expect(contract.check('client', { op: 'subscribe', players: ['user/bob'] }).join()).toMatch(/pattern/);
    expect(contract.check('client', { op: 'resume', player: 'p1', fromSeq: -1 })).not.toEqual([]);
    expect(contract.check('client', { op: 'resume', player: 'p1', players: [], fromSeq: 1 })).not.toEqual([]);
  });

  it('accepts a tick and refuses one with a wrong type, a missing field or an undocumented one', () => {
    expect(contract.check('server', tick)).toEqual([]);
    expect(contract.check('server', { ...tick, replay: true, conflated: true })).toEqual([]);
    expect(contract.check('server', { ...tick, price: '12.62' }).join()).toMatch(/\/price must be integer/);
    const { cause: _cause, ...withoutCause } = tick;
    expect(contract.check('server', withoutCause).join()).toMatch(/must have required property 'cause'/);
    expect(contract.check('server', { ...tick, replay: false }).join()).toMatch(/replay/);
    expect(contract.check('server', { ...tick, volume: 3 }).join()).toMatch(/additional properties \(volume\)/);
    expect(contract.check('server', { ...tick, type: 'tock' })[0]).toMatch(/no documented server message with type "tock"/);
  });

  it('ties a snapshot without a price to seq 0 and no update time', () => {
    const empty = { type: 'snapshot', player: 'p1', price: null, seq: 0, lockedUntil: null, updatedAt: null };
    expect(contract.check('server', empty)).toEqual([]);
    expect(contract.check('server', { ...empty, seq: 3 })).not.toEqual([]);
    expect(contract.check('server', { ...empty, price: 100, updatedAt: 1 })).not.toEqual([]);
  });

  it('ties every error code to its name', () => {
    const error = { type: 'error', code: 104, name: 'TOO_MANY_SUBSCRIPTIONS', message: 'too many', op: 'subscribe' };
    expect(contract.check('server', error)).toEqual([]);
    expect(contract.check('server', { ...error, code: 105 })).not.toEqual([]);
    expect(contract.check('server', { ...error, code: 199, name: 'NEW_ERROR' })).not.toEqual([]);
  });

  it('checks frames as a browser reports them: JSON text against the payloads, bytes and non-JSON refused', () => {
    expect(contract.checkFrame('server', JSON.stringify(tick))).toEqual([]);
    expect(contract.checkFrame('client', '{"op":"ping","extra":true}')).not.toEqual([]);
    expect(contract.checkFrame('server', 'nope')[0]).toMatch(/not JSON/);
    expect(contract.checkFrame('server', Buffer.from([1, 2]))[0]).toMatch(/binary server frame of 2 bytes/);
  });

  it('knows the close codes it documents and the transport ones, and no others', () => {
    expect(contract.checkCloseCode(4102)).toEqual([]);
    expect(contract.checkCloseCode(1006)).toEqual([]);
    expect(contract.checkCloseCode(4999)[0]).toMatch(/close code 4999 is not documented/);
  });

  it('refuses a document where two messages claim the same type', () => {
    const text = readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8').replace('type: { const: pong }', 'type: { const: tick }');
    expect(() => loadWsContract(text)).toThrow(/two documented server messages with type tick/);
  });
});
