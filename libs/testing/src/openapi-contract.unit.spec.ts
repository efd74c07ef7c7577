import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkAgainstContract, openApiContract, type ObservedResponse } from './openapi-contract';
import { rawHttp } from './raw-http';

const json = (body: unknown) => JSON.stringify(body);
const answer = (over: Partial<ObservedResponse>): ObservedResponse => ({
  listener: 'gateway-public', method: 'GET', path: '/prices', status: 200, headers: { 'content-type': 'application/json' }, body: json({ serverId: 'gw', prices: [] }), ...over,
});
const error = (code: string) => json({ error: { code, message: 'm' } });

describe('the OpenAPI contract check', () => {
  it('accepts a documented answer, and lists the operations of each listener', async () => {
    const contract = await openApiContract();
    expect(contract.problems(answer({}))).toEqual([]);
    expect(contract.operations('gateway-public')).toContain('GET /orders/{orderId}');
    expect(contract.operations('gateway-internal')).toEqual(expect.arrayContaining(['GET /health', 'GET /metrics', 'GET /admin/anomalies', 'POST /admin/tokens/revoke']));
    expect(contract.operations('gateway-internal')).not.toContain('GET /portfolio');
    expect(contract.operations('feed-ingest')).toEqual(expect.arrayContaining(['POST /feed/events', 'GET /health', 'HEAD /health']));
  });

  it('refuses an undocumented status, a body off its schema, an undocumented error code and a missing header', async () => {
    const contract = await openApiContract();
    expect(contract.problems(answer({ status: 418 })).join()).toMatch(/status 418 is not documented/);
    expect(contract.problems(answer({ body: json({ serverId: 'gw', prices: [{ player: 'p1' }] }) })).join()).toMatch(/does not match the schema/);
    expect(contract.problems(answer({ path: '/players', status: 400, body: error('SOMETHING_ELSE') })).join()).toMatch(/does not match the schema/);
    expect(contract.problems(answer({ path: '/players', status: 400, body: error('BAD_MATCH_ID') }))).toEqual([]);
    expect(contract.problems(answer({ path: '/portfolio', status: 401, body: error('TOKEN_MISSING') })).join()).toMatch(/header WWW-Authenticate is required/);
    expect(contract.problems(answer({ path: '/portfolio', status: 401, body: error('TOKEN_MISSING'), headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' } }))).toEqual([]);
    expect(contract.problems(answer({ path: '/prices', headers: { 'content-type': 'text/plain' }, body: 'hi' })).join()).toMatch(/content-type "text\/plain" is not documented/);
  });

  it("holds a request no operation matches to the listener's catch-all", async () => {
    const contract = await openApiContract();
    expect(contract.problems(answer({ method: 'DELETE', path: '/orders/o1', status: 404, body: error('NOT_FOUND') }))).toEqual([]);
    expect(contract.problems(answer({ path: '/nowhere', status: 404, body: error('NOT_FOUND') }))).toEqual([]);
    // A path of another listener is no route here.
    expect(contract.problems(answer({ listener: 'gateway-internal', path: '/portfolio', status: 404, body: error('NOT_FOUND') }))).toEqual([]);
    expect(contract.problems(answer({ listener: 'gateway-internal', path: '/portfolio', status: 200, body: '{}' })).join()).toMatch(/status 200 is not documented/);
    expect(contract.problems(answer({ listener: 'feed-ingest', method: 'GET', path: '/feed/events', status: 405, headers: { 'content-type': 'application/json', allow: 'POST' }, body: error('METHOD_NOT_ALLOWED') }))).toEqual([]);
    expect(contract.problems(answer({ listener: 'feed-ingest', path: undefined, status: 400, body: error('BAD_REQUEST_TARGET') }))).toEqual([]);
  });
});

describe('checkAgainstContract', () => {
  it('makes fetch and rawHttp throw on an answer the document does not describe, and only for the registered origins', async () => {
    // A fake gateway: GET /prices as documented, GET /players with a status no route of the document has.
    const server = createServer((req, res) => {
      const ok = req.url === '/prices';
      res.writeHead(ok ? 200 : 418, { 'content-type': 'application/json' });
      res.end(ok ? json({ serverId: 'gw', prices: [] }) : json({ error: { code: 'TEAPOT', message: 'm' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/players`)).status).toBe(418);
      const uncheck = checkAgainstContract({ [url]: 'gateway-public' });
      expect((await fetch(`${url}/prices`)).status).toBe(200);
      await expect(fetch(`${url}/players`)).rejects.toThrow(/status 418 is not documented/);
      await expect(rawHttp(url, { method: 'GET', target: '/players' })).rejects.toThrow(/status 418 is not documented/);
      uncheck();
      expect((await fetch(`${url}/players`)).status).toBe(418);
    } finally {
      server.close();
    }
  });
});
