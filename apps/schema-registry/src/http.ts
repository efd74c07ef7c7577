// The wire edge of the registry: reading a bounded JSON body and writing
// replies in Confluent's content type, errors as `{ error_code, message }`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, fail, httpStatusOf, isFailure, type RegistryFailure } from './errors';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** The challenge every 401 carries (RFC 7617), so a client knows to send basic credentials. */
export const AUTH_CHALLENGE = 'Basic realm="schema-registry"';
/** Request content types we read as JSON; a request without one is read as JSON too. */
export const ACCEPTED_BODY_TYPES = [
  REGISTRY_CONTENT_TYPE,
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
];

/**
 * How much of an oversize body we still read (and drop) so the client, which
 * is still sending, can read our 413; past it we answer and close the connection.
 */
export const MAX_DISCARDED_BODY_BYTES = 16 * 1024 * 1024;

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string };

export const ok = (json: unknown): Reply => ({ status: 200, json });

function tooLarge(maxBodyBytes: number): RegistryFailure {
  return fail(ERROR_CODES.payloadTooLarge, `Request body is larger than the limit of ${maxBodyBytes} bytes (maxBodyBytes).`);
}

function contentTypeProblem(req: IncomingMessage): RegistryFailure | undefined {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === '' || ACCEPTED_BODY_TYPES.includes(mediaType)) return undefined;
  return fail(ERROR_CODES.unsupportedMediaType, `Unsupported content type ${mediaType}: send ${REGISTRY_CONTENT_TYPE} or application/json.`);
}

function readBytes(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer | RegistryFailure> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    req.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes <= maxBodyBytes) chunks.push(chunk);
      else if (receivedBytes > maxBodyBytes + MAX_DISCARDED_BODY_BYTES) resolve(tooLarge(maxBodyBytes));
    });
    req.once('end', () => resolve(receivedBytes > maxBodyBytes ? tooLarge(maxBodyBytes) : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Reads the request body as JSON, or the failure to report: 415, 413 or 400. */
export async function readJsonBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const typeProblem = contentTypeProblem(req);
  if (typeProblem) return typeProblem;
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes + MAX_DISCARDED_BODY_BYTES) return tooLarge(maxBodyBytes);
  const bytes = await readBytes(req, maxBodyBytes);
  if (isFailure(bytes)) return bytes;
  if (bytes.length === 0) return fail(ERROR_CODES.badRequest, 'Request body is empty: expected a JSON object.');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    return fail(ERROR_CODES.badRequest, `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function replyOf(result: Reply | RegistryFailure): Reply {
  if (!isFailure(result)) return result;
  const json = { error_code: result.errorCode, message: result.message };
  if (result.errorCode === ERROR_CODES.unauthorized) return { status: 401, json, headers: { 'www-authenticate': AUTH_CHALLENGE } };
  return { status: httpStatusOf(result.errorCode), json };
}

export function sendReply(res: ServerResponse, reply: Reply, closeConnection: boolean): void {
  const headers: Record<string, string> = closeConnection ? { connection: 'close' } : {};
  if ('text' in reply) {
    res.writeHead(reply.status, { ...headers, 'content-type': reply.contentType });
    res.end(reply.text);
  } else {
    res.writeHead(reply.status, { ...headers, ...reply.headers, 'content-type': REGISTRY_CONTENT_TYPE });
    res.end(JSON.stringify(reply.json));
  }
}
