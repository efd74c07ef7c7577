// HTTP answers on uWS done right: an abort handler before any async work, and
// every write after an await inside res.cork. Route modules use these. An answer
// of 1 KiB or more goes out brotli- or gzip-compressed when the client accepts it
// (the route passes its request's Accept-Encoding: uWS's request is gone after an await).
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { HttpResponse } from 'uWebSockets.js';

export const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 202: '202 Accepted', 400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden',
  404: '404 Not Found', 409: '409 Conflict', 413: '413 Payload Too Large', 422: '422 Unprocessable Entity',
  429: '429 Too Many Requests', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
};

export interface HttpAnswer {
  status: number;
  /** A string is sent as is (with `contentType`); anything else as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Bodies smaller than this are sent as they are (compression would save less than its headers). */
export const MIN_COMPRESSED_BYTES = 1_024;
/**
 * Brotli quality for answers compressed per request: 5 costs ~0.1 ms for the 10 KiB players
 * list and is within a few per cent of the maximum's size (11 is for the page's files, compressed once).
 */
export const DYNAMIC_BROTLI_QUALITY = 5;
/** gzip level for answers compressed per request (clients without brotli). */
export const DYNAMIC_GZIP_LEVEL = 6;

export type ContentEncoding = 'br' | 'gzip';

/** The encodings an Accept-Encoding header accepts (lower case; `q=0` refuses one). */
export function acceptedEncodings(acceptEncoding: string): Set<string> {
  return new Set(acceptEncoding.toLowerCase().split(',').map((part) => part.trim().split(';').map((p) => p.trim()))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q)).map(([name]) => name ?? ''));
}

/** The encoding to send: br, then gzip, when the client accepts it and it is on offer; else none. */
export function pickEncoding(acceptEncoding: string, offered: { br?: unknown; gzip?: unknown }): ContentEncoding | null {
  const accepted = acceptedEncodings(acceptEncoding);
  if (offered.br && accepted.has('br')) return 'br';
  if (offered.gzip && accepted.has('gzip')) return 'gzip';
  return null;
}

/**
 * The body as sent: compressed in the best encoding the client accepts when it is worth it;
 * `varies` when the answer depends on Accept-Encoding (the body is large enough to compress).
 */
export function encodeBody(body: string, acceptEncoding: string): { encoding: ContentEncoding | null; bytes: string | Buffer; varies: boolean } {
  // Measured without copying: most answers (order intake's 202s, errors) are small and go out as they are.
  if (Buffer.byteLength(body) < MIN_COMPRESSED_BYTES) return { encoding: null, bytes: body, varies: false };
  const encoding = pickEncoding(acceptEncoding, { br: true, gzip: true });
  if (encoding === null) return { encoding, bytes: body, varies: true };
  const raw = Buffer.from(body);
  const bytes = encoding === 'br'
    ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: DYNAMIC_BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
    : gzipSync(raw, { level: DYNAMIC_GZIP_LEVEL });
  return bytes.length < raw.length ? { encoding, bytes, varies: true } : { encoding: null, bytes: body, varies: true };
}

/**
 * Writes a whole answer, compressed when `acceptEncoding` (the request's header) allows and the
 * body is worth it. Inside a uWS handler call it directly; after an await, use `serveAsync`.
 */
export function writeAnswer(res: HttpResponse, answer: HttpAnswer, acceptEncoding = ''): void {
  const { encoding, bytes, varies } = encodeBody(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body), acceptEncoding);
  res.writeStatus(STATUS_TEXT[answer.status] ?? `${answer.status} Status`);
  res.writeHeader('content-type', answer.contentType ?? 'application/json');
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.writeHeader(name, value);
  if (varies) res.writeHeader('vary', 'accept-encoding');
  if (encoding) res.writeHeader('content-encoding', encoding);
  res.end(bytes);
}

export function errorAnswer(status: number, code: string, message: string, headers?: Record<string, string>): HttpAnswer {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

/**
 * Runs async work for a request: registers onAborted first, answers inside
 * cork (compressed as `acceptEncoding` allows), never touches an aborted
 * response, and turns a thrown error into a 500.
 */
export function serveAsync(res: HttpResponse, work: () => Promise<HttpAnswer>, onError: (err: unknown) => void, acceptEncoding = ''): void {
  let aborted = false;
  res.onAborted(() => { aborted = true; });
  work().then(
    (answer) => { if (!aborted) res.cork(() => writeAnswer(res, answer, acceptEncoding)); },
    (err: unknown) => {
      onError(err);
      if (!aborted) res.cork(() => writeAnswer(res, errorAnswer(500, 'INTERNAL', 'the gateway could not answer this request')));
    },
  );
}
