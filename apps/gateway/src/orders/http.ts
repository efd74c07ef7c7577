// Small uWS HTTP helpers for order intake: read a bounded body, answer once
// (corked, never after the client went away).
import type uWS from 'uWebSockets.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export interface Reply {
  readonly aborted: boolean;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  error(status: number, code: string, message: string, headers?: Record<string, string>): void;
}

/** Call first in a handler, before any async work: registers onAborted. */
export function replyTo(res: uWS.HttpResponse): Reply {
  let aborted = false;
  let done = false;
  res.onAborted(() => { aborted = true; });
  const reply: Reply = {
    get aborted() { return aborted; },
    json(status, body, headers = {}) {
      if (aborted || done) return;
      done = true;
      res.cork(() => {
        res.writeStatus(`${status} ${STATUS_TEXT[status] ?? ''}`);
        res.writeHeader('content-type', 'application/json');
        for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
        res.end(JSON.stringify(body));
      });
    },
    error(status, code, message, headers) {
      reply.json(status, { error: { code, message } }, headers);
    },
  };
  return reply;
}

/** Reads the body; resolves null as soon as it exceeds `maxBytes` (the rest is ignored). */
export function readBody(res: uWS.HttpResponse, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let over = false;
    res.onData((chunk, isLast) => {
      if (over) return;
      bytes += chunk.byteLength;
      if (bytes > maxBytes) { over = true; resolve(null); return; }
      chunks.push(Buffer.from(chunk.slice(0))); // the ArrayBuffer is only valid during this callback
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}
