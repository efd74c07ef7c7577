// A bare HTTP/1.1 client for fuzzing our HTTP surfaces: it writes the request
// target, header bytes and body exactly as given (fetch and node:http refuse
// or normalise what a hostile client may send), and reads one response.
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Written as is, one character per byte (latin1): raw bytes, odd percent-escapes, absolute forms. */
  target: string;
  /** Values written as given: a Buffer's bytes verbatim, a string as UTF-8. */
  headers?: readonly (readonly [string, string | Buffer])[];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Longest a fuzzed request may take to be answered. */
export const RAW_HTTP_TIMEOUT_MS = 15_000;

export type RawHttpObserver = (baseUrl: string, request: RawRequest, response: RawResponse) => Promise<void>;
/** Checks run on every answer (openapi-contract.ts adds one): an observer that throws makes rawHttp reject. */
export const rawHttpObservers = new Set<RawHttpObserver>();

/**
 * Sends one request on a fresh connection; resolves with the response, or null
 * when the server closed the connection without answering (its HTTP parser refused the bytes).
 */
export async function rawHttp(baseUrl: string, request: RawRequest, timeoutMs = RAW_HTTP_TIMEOUT_MS): Promise<RawResponse | null> {
  const response = await exchange(baseUrl, request, timeoutMs);
  if (response) for (const observe of rawHttpObservers) await observe(baseUrl, request, response);
  return response;
}

function exchange(baseUrl: string, request: RawRequest, timeoutMs: number): Promise<RawResponse | null> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body ?? Buffer.alloc(0);
  const head = Buffer.concat([
    Buffer.from(`${request.method} `, 'utf8'),
    Buffer.from(request.target, 'latin1'),
    Buffer.from(` HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: close\r\n`, 'utf8'),
    ...(request.headers ?? []).map(([name, value]) => Buffer.concat([Buffer.from(`${name}: `, 'utf8'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from('\r\n')])),
    Buffer.from(request.body !== undefined ? `content-length: ${body.length}\r\n\r\n` : '\r\n', 'utf8'),
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawResponse | null | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${JSON.stringify(request.target.slice(0, 200))}`)), timeoutMs);
    // Not end(): a half-closed connection is a client gone away to uWS, which then never answers.
    socket.on('connect', () => socket.write(Buffer.concat([head, body])));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) finish(parsed);
    });
    socket.on('end', () => finish(parseResponse(Buffer.concat(chunks), true)));
    // A reset after (or instead of) the answer: whatever arrived counts.
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? parseResponse(Buffer.concat(chunks), true) : err));
  });
}

/** A complete response in `bytes`, or null (not all there yet; at the end: no response at all). */
function parseResponse(bytes: Buffer, ended = false): RawResponse | null {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine = '', ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(headEnd + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const decoded = dechunk(rest);
    return decoded === null ? null : { status, headers, body: decoded.toString('utf8') };
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (length === undefined) return ended ? { status, headers, body: rest.toString('utf8') } : null;
  return rest.length >= length ? { status, headers, body: rest.subarray(0, length).toString('utf8') } : null;
}

function dechunk(bytes: Buffer): Buffer | null {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return null;
    if (size === 0) return Buffer.concat(out);
    if (bytes.length < lineEnd + 2 + size + 2) return null;
    out.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** The error body every inplay service answers a refusal with: `{ error: { code, message } }`; returns the code. */
export function errorCodeOf(response: RawResponse): string {
  const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`a ${response.status} without {error: {code, message}}: ${response.body.slice(0, 300)}`);
  }
  return body.error.code;
}
