// The HTTP contract (docs/api/openapi.yaml) as a check on real answers: the
// integration harnesses register each listener they start, and every response
// a test then gets from it (fetch, rawHttp) must be documented for its route
// and status, with a body and headers that match. Loaded and dereferenced once.
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { rawHttpObservers, type RawRequest, type RawResponse } from './raw-http';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/api/openapi.yaml', import.meta.url));

/** The servers of the document, by their `x-listener`. */
export type Listener = 'gateway-public' | 'gateway-internal' | 'feed-ingest';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One answer as the server sent it. `path` is the request target's path (no query); undefined when the target is no path at all. */
export interface ObservedResponse {
  listener: Listener;
  method: string;
  path: string | undefined;
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface OpenApiContract {
  /** What is wrong with the answer under the document; empty when it is documented and matches. */
  problems(response: ObservedResponse): string[];
  /** Every operation served on a listener, as "GET /orders/{orderId}". */
  operations(listener: Listener): string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- a dereferenced OpenAPI document is walked as plain JSON */
type Json = any;

let loading: Promise<OpenApiContract> | undefined;

/** The contract of docs/api/openapi.yaml, loaded and dereferenced once per process. */
export function openApiContract(): Promise<OpenApiContract> {
  loading ??= loadContract(OPENAPI_FILE);
  return loading;
}

export async function loadContract(file: string): Promise<OpenApiContract> {
  const raw = (await SwaggerParser.parse(file)) as Json;
  const doc = (await SwaggerParser.dereference(structuredClone(raw))) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new WeakMap<object, ValidateFunction>();
  const validatorOf = (schema: object): ValidateFunction => {
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    return validate;
  };
  const listenersOf = (pathItem: Json): string[] => ((pathItem.servers ?? doc.servers) as Json[]).map((s) => s['x-listener']);
  const templates = Object.keys(doc.paths as object).map((template) => ({
    template,
    // A literal path wins over a templated one; a template's {name} is one non-empty segment.
    literal: !template.includes('{'),
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })).sort((a, b) => Number(b.literal) - Number(a.literal));

  /** The documented responses: the operation's, or the listener's catch-all's when no operation matches (x-unmatched-request). */
  const documented = (response: ObservedResponse): { where: string; responses: Json } => {
    const unmatched = doc['x-unmatched-request']?.[response.listener] as { path: Json; method: Json } | undefined;
    if (!unmatched) throw new Error(`docs/api/openapi.yaml: no x-unmatched-request for listener ${response.listener}`);
    const path = response.path;
    const match = path === undefined ? undefined
      : templates.find((t) => t.pattern.test(path) && listenersOf(doc.paths[t.template]).includes(response.listener));
    if (!match) return { where: 'no route (x-unmatched-request path)', responses: unmatched.path };
    const operation = doc.paths[match.template][response.method.toLowerCase()];
    const served = operation?.servers ? (operation.servers as Json[]).map((s) => s['x-listener']) : listenersOf(doc.paths[match.template]);
    if (!operation || !served.includes(response.listener)) return { where: `${match.template} without ${response.method.toUpperCase()} (x-unmatched-request method)`, responses: unmatched.method };
    return { where: `${response.method.toUpperCase()} ${match.template}`, responses: operation.responses };
  };

  return {
    problems(response) {
      const { where, responses } = documented(response);
      const at = `${response.listener} ${response.method} ${response.path ?? '(no path)'} → ${response.status}, documented as ${where}`;
      const described = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses['default'];
      if (!described) return [`${at}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(', ')}); body ${response.body.slice(0, 300)}`];
      return [...headerProblems(described, response), ...bodyProblems(described, response, validatorOf)].map((p) => `${at}: ${p}`);
    },
    operations(listener) {
      return Object.entries(doc.paths as Record<string, Json>).flatMap(([template, item]) => METHODS
        .filter((m) => item[m] && ((item[m].servers as Json[] | undefined)?.map((s) => s['x-listener']) ?? listenersOf(item)).includes(listener))
        .map((m) => `${m.toUpperCase()} ${template}`));
    },
  };
}

function headerProblems(documented: Json, response: ObservedResponse): string[] {
  const problems: string[] = [];
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is required but absent`);
      continue;
    }
    const schema = header.schema as Json;
    if (schema?.const !== undefined && value !== schema.const) problems.push(`header ${name}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
    if (schema?.pattern && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`header ${name}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  return problems;
}

function bodyProblems(documented: Json, response: ObservedResponse, validatorOf: (schema: object) => ValidateFunction): string[] {
  const content = documented.content as Record<string, Json> | undefined;
  if (response.method.toUpperCase() === 'HEAD' || response.status === 101 || response.status === 204) return [];
  if (!content) return response.body === '' ? [] : [`a body is sent but none is documented: ${response.body.slice(0, 200)}`];
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const entry = content[mediaType] ?? content[`${mediaType.split('/')[0]}/*`] ?? content['*/*'];
  if (!entry) return [`content-type ${JSON.stringify(response.headers['content-type'] ?? '(none)')} is not documented (documented: ${Object.keys(content).join(', ')})`];
  if (!entry.schema || !/^application\/(.+\+)?json$/.test(mediaType)) return [];
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [`the body is not JSON: ${response.body.slice(0, 200)}`];
  }
  const validate = validatorOf(entry.schema as object);
  if (validate(body)) return [];
  return [`the body does not match the schema: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`).join('; ')} — body ${response.body.slice(0, 300)}`];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- Checking every answer the tests get ----

const listeners = new Map<string, Listener>();
let fetchInstalled = false;

/**
 * From now on every fetch (and rawHttp) answer from these origins
 * ("http://127.0.0.1:8080") is checked against the contract: a response the
 * document does not describe makes the request throw. Returns the undo.
 */
export function checkAgainstContract(origins: Record<string, Listener>): () => void {
  for (const [origin, listener] of Object.entries(origins)) listeners.set(new URL(origin).origin, listener);
  installFetchCheck();
  rawHttpObservers.add(checkRawAnswer);
  return () => { for (const origin of Object.keys(origins)) listeners.delete(new URL(origin).origin); };
}

/** Throws when docs/api/openapi.yaml does not describe the answer (for answers read by other means than fetch and rawHttp: a refused WebSocket upgrade). */
export async function assertDocumented(response: ObservedResponse): Promise<void> {
  const problems = (await openApiContract()).problems(response);
  if (problems.length > 0) throw new Error(`the answer breaks docs/api/openapi.yaml:\n  ${problems.join('\n  ')}`);
}

function installFetchCheck(): void {
  if (fetchInstalled) return;
  fetchInstalled = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const listener = listeners.get(url.origin);
    if (!listener) return response;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const body = method === 'HEAD' ? '' : await response.clone().text();
    await assertDocumented({ listener, method, path: url.pathname, status: response.status, headers: Object.fromEntries(response.headers), body });
    return response;
  };
}

async function checkRawAnswer(baseUrl: string, request: RawRequest, response: RawResponse): Promise<void> {
  const listener = listeners.get(new URL(baseUrl).origin);
  if (!listener) return;
  await assertDocumented({ listener, method: request.method, path: pathOfTarget(request.target, listener), status: response.status, headers: response.headers, body: response.body });
}

/**
 * The path a listener routes a raw request target by: uWS (the gateway) takes an origin-form target up to '?'
 * as is and refuses anything else; feed-ingest resolves the target as a URL (so "//host/health" is /health).
 */
function pathOfTarget(target: string, listener: Listener): string | undefined {
  if (listener === 'feed-ingest') return URL.canParse(target, 'http://localhost') ? new URL(target, 'http://localhost').pathname : undefined;
  return target.startsWith('/') ? target.split('?')[0] : undefined;
}
