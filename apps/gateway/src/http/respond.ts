// HTTP answers on uWS done right: an abort handler before any async work, and
// every write after an await inside res.cork. Route modules use these.
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

/** Writes a whole answer. Inside a uWS handler call it directly; after an await, use `serveAsync`. */
export function writeAnswer(res: HttpResponse, answer: HttpAnswer): void {
  res.writeStatus(STATUS_TEXT[answer.status] ?? `${answer.status} Status`);
  res.writeHeader('content-type', answer.contentType ?? 'application/json');
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.writeHeader(name, value);
  res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}

export function errorAnswer(status: number, code: string, message: string, headers?: Record<string, string>): HttpAnswer {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

/**
 * Runs async work for a request: registers onAborted first, answers inside
 * cork, never touches an aborted response, and turns a thrown error into a 500.
 */
export function serveAsync(res: HttpResponse, work: () => Promise<HttpAnswer>, onError: (err: unknown) => void): void {
  let aborted = false;
  res.onAborted(() => { aborted = true; });
  work().then(
    (answer) => { if (!aborted) res.cork(() => writeAnswer(res, answer)); },
    (err: unknown) => {
      onError(err);
      if (!aborted) res.cork(() => writeAnswer(res, errorAnswer(500, 'INTERNAL', 'the gateway could not answer this request')));
    },
  );
}
