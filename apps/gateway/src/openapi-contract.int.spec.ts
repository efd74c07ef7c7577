// The gateway against its HTTP contract (docs/api/openapi.yaml): every route it
// registers, on each listener, is an operation of the document and every
// operation is a route it registers (a route added without documenting it
// fails here), and it serves the document itself. Every answer of every spec
// that starts a gateway through test/harness.ts is checked against the
// document as well (libs/testing openapi-contract.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiContract, type Listener } from '@inplay/testing/openapi';
import { gatewayHarness, type GatewayHarness, type TestGateway } from '../test/harness';
import { gatewayModules } from './modules';
import { staticRoutes } from './http/static';
import { OPENAPI_YAML } from './http/openapi-document';

const ADMIN_TOKEN = 'contract-admin-token-of-at-least-32-bytes';

/**
 * Registered routes the document names differently. `ANY /*` is each
 * listener's catch-all (404 NOT_FOUND): the document says so in
 * x-unmatched-request instead of as a path.
 */
const AS_DOCUMENTED: Record<string, string | null> = {
  'ANY /*': null,
  'GET /assets/*': 'GET /assets/{}',
  'WS /ws': 'GET /ws',
};

/** "GET /orders/:id" and "GET /orders/{orderId}" both as "GET /orders/{}". */
const normalised = (route: string): string | null => {
  const named = route in AS_DOCUMENTED ? AS_DOCUMENTED[route]! : route;
  return named === null ? null : named.replace(/:[^/]+/g, '{}').replace(/\{[^}]*\}/g, '{}');
};

let h: GatewayHarness;
let gw: TestGateway;

beforeAll(async () => {
  h = await gatewayHarness();
  const page = new Map([['/index.html', { body: Buffer.from('<!doctype html>'), type: 'text/html', immutable: false }], ['/assets/app.js', { body: Buffer.from('//'), type: 'text/javascript', immutable: true }]]);
  // As main.ts wires it (gatewayModules), with the development login and the admin routes on.
  gw = await h.start(gatewayModules({ devLogin: true, adminToken: ADMIN_TOKEN }, staticRoutes(page)));
});
afterAll(async () => {
  await h?.close();
});

describe('the gateway and docs/api/openapi.yaml', () => {
  it.each([['public', 'gateway-public'], ['internal', 'gateway-internal']] as const)('the %s listener serves exactly the operations documented for it', async (side, listener: Listener) => {
    const served = [...new Set(gw.routes[side].map(normalised).filter((r): r is string => r !== null))].sort();
    const documented = [...new Set((await openApiContract()).operations(listener).map(normalised))].sort();
    expect(served).toEqual(documented);
  });

  it('serves the document at GET /openapi.yaml as application/yaml', async () => {
    const res = await fetch(gw.httpUrl('/openapi.yaml'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/yaml');
    expect(await res.text()).toBe(OPENAPI_YAML);
  });

  it('answers a missing asset and an unknown route with the documented 404 NOT_FOUND body', async () => {
    for (const path of ['/assets/missing.js', '/no/such/route']) {
      const res = await fetch(gw.httpUrl(path));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });
});
