// The gateway's WebSocket contract as tests check it: docs/api/asyncapi.yaml is
// loaded once, and every message a test client sends or receives is validated
// against the payload of the documented message with its `op` (client) or
// `type` (server). A message no documented payload describes is a violation.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const ASYNCAPI_DOCUMENT_PATH = fileURLToPath(new URL('../../../docs/api/asyncapi.yaml', import.meta.url));
/** The channel of the gateway's WebSocket (its `address`). */
export const WS_CHANNEL_ADDRESS = '/ws';
/** Close codes no server sends in a close frame but a client observes (RFC 6455): normal, none given, no close frame at all. */
export const TRANSPORT_CLOSE_CODES: readonly number[] = [1000, 1005, 1006];
const DOCUMENT_ID = 'asyncapi.yaml';

export type WsDirection = 'client' | 'server';

export interface DocumentedCloseCode { code: number; name: string; reconnect: boolean }
export interface DocumentedErrorCode { code: number; name: string }

export interface WsContract {
  /** Client ops (`op`) and server message types (`type`) the document describes. */
  readonly messageKeys: Record<WsDirection, readonly string[]>;
  readonly closeCodes: readonly DocumentedCloseCode[];
  readonly errorCodes: readonly DocumentedErrorCode[];
  /** What is wrong with one message going in `direction`: [] when it matches its documented payload. */
  check(direction: WsDirection, message: unknown): string[];
  /** check() for a frame as a browser reports it: JSON text, or bytes (never documented: protocol v1 is text only). */
  checkFrame(direction: WsDirection, payload: string | Buffer): string[];
  /** [] when a close frame's code is documented (or a transport code, TRANSPORT_CLOSE_CODES). */
  checkCloseCode(code: number): string[];
}

type Json = Record<string, unknown>;

let loaded: WsContract | undefined;

/** The contract of docs/api/asyncapi.yaml, read and compiled on first use. */
export function wsContract(): WsContract {
  loaded ??= loadWsContract(readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8'));
  return loaded;
}

/** The contract of an AsyncAPI document's text (exported for the spec that feeds it a broken copy). */
export function loadWsContract(yamlText: string): WsContract {
  const document = parse(yamlText) as Json;
  const [channelId, channel] = wsChannel(document);
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(document, DOCUMENT_ID);

  const validators: Record<WsDirection, Map<string, ValidateFunction>> = { client: new Map(), server: new Map() };
  for (const [key, entry] of Object.entries(asObject(channel['messages'], `channel ${channelId} messages`))) {
    const ref = typeof asObject(entry, key)['$ref'] === 'string' ? String(asObject(entry, key)['$ref']) : `#/channels/${channelId}/messages/${key}`;
    const message = resolvePointer(document, ref);
    const payload = asObject(message['payload'], `${ref} payload`);
    const { direction, value } = discriminatorOf(payload, ref);
    if (validators[direction].has(value)) throw new Error(`two documented ${direction} messages with ${direction === 'client' ? 'op' : 'type'} ${value}`);
    validators[direction].set(value, ajv.compile({ $ref: `${DOCUMENT_ID}${ref}/payload` }));
  }

  const closeCodes = (channel['x-close-codes'] ?? []) as DocumentedCloseCode[];
  const errorCodes = errorCodesOf(resolvePointer(document, refOf(channel, 'error', channelId)));

  return {
    messageKeys: { client: [...validators.client.keys()], server: [...validators.server.keys()] },
    closeCodes,
    errorCodes,
    check(direction, message) {
      const key = direction === 'client' ? 'op' : 'type';
      const value = typeof message === 'object' && message !== null ? (message as Json)[key] : undefined;
      const validate = typeof value === 'string' ? validators[direction].get(value) : undefined;
      if (!validate) return [`no documented ${direction} message with ${key} ${JSON.stringify(value)}: ${preview(message)}`];
      if (validate(message)) return [];
      return (validate.errors ?? []).map((e) => `${direction} ${value}${e.instancePath} ${e.message ?? 'invalid'}${'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}: ${preview(message)}`);
    },
    checkFrame(direction, payload) {
      if (typeof payload !== 'string') return [`a binary ${direction} frame of ${payload.length} bytes: protocol v1 is JSON text frames only`];
      let message: unknown;
      try {
        message = JSON.parse(payload);
      } catch {
        return [`a ${direction} text frame that is not JSON: ${payload.slice(0, 300)}`];
      }
      return this.check(direction, message);
    },
    checkCloseCode(code) {
      if (TRANSPORT_CLOSE_CODES.includes(code) || closeCodes.some((c) => c.code === code)) return [];
      return [`close code ${code} is not documented (x-close-codes of channel ${channelId})`];
    },
  };
}

function wsChannel(document: Json): [string, Json] {
  const channels = Object.entries(asObject(document['channels'], 'channels')).filter(([, c]) => asObject(c, 'channel')['address'] === WS_CHANNEL_ADDRESS);
  const found = channels[0];
  if (channels.length !== 1 || !found) throw new Error(`expected one channel with address ${WS_CHANNEL_ADDRESS}, found ${channels.length}`);
  return [found[0], found[1] as Json];
}

/** `op` const: a client message; `type` const: a server message (also inside a oneOf of forms, as resume has). */
function discriminatorOf(payload: Json, where: string): { direction: WsDirection; value: string } {
  const forms = [payload, ...(Array.isArray(payload['oneOf']) ? (payload['oneOf'] as Json[]) : [])];
  const found = new Set<string>();
  for (const form of forms) {
    const properties = (form['properties'] ?? {}) as Record<string, Json | undefined>;
    if (typeof properties['op']?.['const'] === 'string') found.add(`client:${properties['op']['const']}`);
    if (typeof properties['type']?.['const'] === 'string') found.add(`server:${properties['type']['const']}`);
  }
  const only = [...found][0];
  if (found.size !== 1 || !only) throw new Error(`${where}: a WebSocket payload needs exactly one "op" or "type" const, found ${[...found].join(', ') || 'none'}`);
  const [direction, value] = only.split(/:(.*)/s) as [WsDirection, string];
  return { direction, value };
}

function errorCodesOf(errorMessage: Json): DocumentedErrorCode[] {
  const payload = asObject(errorMessage['payload'], 'error payload');
  return ((payload['oneOf'] ?? []) as Json[]).map((form) => {
    const properties = form['properties'] as Record<string, Json>;
    return { code: Number(properties['code']?.['const']), name: String(properties['name']?.['const']) };
  });
}

function refOf(channel: Json, key: string, channelId: string): string {
  const entry = asObject(asObject(channel['messages'], 'messages')[key], `channel ${channelId} message ${key}`);
  return typeof entry['$ref'] === 'string' ? entry['$ref'] : `#/channels/${channelId}/messages/${key}`;
}

function resolvePointer(document: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local references are followed here, not ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) node = asObject(node, ref)[part];
  return asObject(node, ref);
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected an object in ${ASYNCAPI_DOCUMENT_PATH}`);
  return value as Json;
}

function preview(message: unknown): string {
  const text = JSON.stringify(message) ?? String(message);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
