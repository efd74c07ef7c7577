// Who may write: the Authorization header parser, the check every write route
// passes, and which routes count as writes.
import { describe, expect, it } from 'vitest';
import type { Pool } from '@inplay/db';
import { checkWriter, parseBasicAuthorization } from './auth';
import { ERROR_CODES } from './errors';
import { AUTH_CHALLENGE, replyOf } from './http';
import { changesRegistry } from './router';
import { configRoutes } from './routes-config';
import { schemaRoutes } from './routes-schemas';
import { subjectRoutes } from './routes-subjects';

const basic = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
const writer = { username: 'inplay-admin', password: 'a-long-enough-password' };

describe('parseBasicAuthorization', () => {
  it('reads user and password, splitting at the first colon only', () => {
    expect(parseBasicAuthorization(basic('inplay-admin:pa:ss'))).toEqual({ username: 'inplay-admin', password: 'pa:ss' });
    expect(parseBasicAuthorization(`bAsIc   ${Buffer.from('u:').toString('base64')}`)).toEqual({ username: 'u', password: '' });
    expect(parseBasicAuthorization(basic('üser:pässword'))).toEqual({ username: 'üser', password: 'pässword' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Basic'],
    ['the scheme and spaces', 'Basic    '],
    ['another scheme', `Bearer ${Buffer.from('u:p').toString('base64')}`],
    ['no space after the scheme', `Basic${Buffer.from('u:p').toString('base64')}`],
    ['malformed base64', 'Basic dTpw!!=='],
    ['base64 without its padding', 'Basic dTpwMQ'],
    ['padding in the middle', 'Basic dQ==dTpw'],
    ['no colon in the decoded text', basic('inplay-admin')],
  ])('gives nothing for %s', (_what, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});

describe('checkWriter', () => {
  it('lets the writer through and refuses everyone else with 401', () => {
    expect(checkWriter(writer, basic('inplay-admin:a-long-enough-password'))).toBeUndefined();
    for (const header of [undefined, '', 'Basic ???', basic('inplay-admin:wrong'), basic('someone:a-long-enough-password'), basic('inplay-admin:a-long-enough-password-and-more')]) {
      expect(checkWriter(writer, header), String(header)).toMatchObject({ failure: true, errorCode: ERROR_CODES.unauthorized });
    }
  });

  it('lets anyone through when anonymous writes were asked for', () => {
    expect(checkWriter('anonymous', undefined)).toBeUndefined();
    expect(checkWriter('anonymous', 'Basic ???')).toBeUndefined();
  });

  it('answers a refusal as Confluent does: 401, {error_code, message} and a Basic challenge', () => {
    const refusal = checkWriter(writer, undefined);
    expect(refusal).toBeDefined();
    expect(replyOf(refusal!)).toEqual({
      status: 401,
      json: { error_code: 401, message: expect.stringMatching(/basic credentials/) },
      headers: { 'www-authenticate': AUTH_CHALLENGE },
    });
    expect(AUTH_CHALLENGE).toBe('Basic realm="schema-registry"');
  });
});

describe('the routes that change the registry', () => {
  it('are every POST, PUT and DELETE except the lookup and the compatibility checks', () => {
    const pool = {} as Pool;
    const routes = [...subjectRoutes(pool), ...schemaRoutes(pool), ...configRoutes(pool)];
    const describeRoute = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;
    expect(routes.filter(changesRegistry).map(describeRoute).sort()).toEqual([
      'DELETE /config',
      'DELETE /config/:subject',
      'DELETE /subjects/:subject',
      'DELETE /subjects/:subject/versions/:version',
      'POST /subjects/:subject/versions',
      'PUT /config',
      'PUT /config/:subject',
    ]);
    expect(routes.filter((r) => !changesRegistry(r) && r.method !== 'GET').map(describeRoute).sort()).toEqual([
      'POST /compatibility/subjects/:subject/versions',
      'POST /compatibility/subjects/:subject/versions/:version',
      'POST /subjects/:subject',
    ]);
  });
});
