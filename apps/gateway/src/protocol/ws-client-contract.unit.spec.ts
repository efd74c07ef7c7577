// The test WebSocket client's contract check has teeth: against a local server
// (not the gateway) sending what docs/api/asyncapi.yaml does not describe, it
// records every violation and fails the wait; documented traffic passes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { claimContractViolations, TestWsClient } from '../../test/ws-client';

const HELLO = { type: 'hello', protocol: 1, serverId: 'fake', userId: null, limits: { maxSubscriptionsPerConnection: 100, maxFrameBytes: 4096, maxMessagesPerSecond: 20, messageBurst: 120, conflateMs: 0, idleTimeoutSeconds: 32 } };

let server: WebSocketServer;
let url: string;
/** What the fake server sends, per connection, in order. */
let script: { text?: string; binary?: Buffer; close?: number }[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws`;
  server.on('connection', (socket) => {
    for (const step of script) {
      if (step.text !== undefined) socket.send(step.text);
      if (step.binary) socket.send(step.binary);
      if (step.close) socket.close(step.close);
    }
  });
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the test WebSocket client checks traffic against docs/api/asyncapi.yaml', () => {
  it('passes documented messages and a documented close code', async () => {
    script = [{ text: JSON.stringify(HELLO) }, { text: JSON.stringify({ type: 'pong', ts: 1 }) }, { close: 4000 }];
    const client = await TestWsClient.connect(url);
    expect(await client.waitForClose()).toMatchObject({ code: 4000 });
    expect(client.ofType('pong')).toHaveLength(1);
    expect(client.contractViolations).toEqual([]);
    client.destroy();
  });

  it('records an undocumented type, a wrong field, non-JSON, a binary frame and an undocumented close code, and fails the wait', async () => {
    script = [
      { text: JSON.stringify({ ...HELLO, protocol: 2 }) },
      { text: JSON.stringify({ type: 'heartbeat' }) },
      { text: 'not json' },
      { binary: Buffer.from([1, 2, 3]) },
      { close: 4999 },
    ];
    const client = await TestWsClient.connect(url);
    await expect(client.waitFor('the close', () => client.closeFrame ?? undefined)).rejects.toThrow(/does not describe/);
    await vi.waitFor(() => expect(client.closeFrame).not.toBeNull());
    const violations = claimContractViolations();
    expect(violations).toEqual(client.contractViolations);
    expect(violations.join('\n')).toMatch(/server hello\/protocol must be equal to constant/);
    expect(violations.join('\n')).toMatch(/no documented server message with type "heartbeat"/);
    expect(violations.join('\n')).toMatch(/"<unparseable>"/);
    expect(violations.join('\n')).toMatch(/a binary frame of 3 bytes/);
    expect(violations.join('\n')).toMatch(/close code 4999 is not documented/);
    client.destroy();
  });

  it('refuses to send an undocumented client message with sendJson, and sends anything with sendText', async () => {
    script = [{ text: JSON.stringify(HELLO) }];
    const client = await TestWsClient.connect(url);
    expect(() => client.sendJson({ op: 'subscribe', players: ['user/bob'] })).toThrow(/not a documented client message[\s\S]*pattern/);
    expect(() => client.sendJson({ op: 'ping' })).not.toThrow();
    expect(() => client.sendText('anything')).not.toThrow();
    client.destroy();
  });
});
