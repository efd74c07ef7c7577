// Small uWS HTTP helpers for order intake: read a bounded body, answer once
// (corked, never after the client went away, compressed as the client accepts).
import type uWS from 'uWebSockets.js';
import { writeAnswer } from '../http/respond';

export interface Reply {
  readonly aborted: boolean;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  error(status: number, code: string, message: string, headers?: Record<string, string>): void;
}

/**
 * Call first in a handler, before any async work: registers onAborted. `acceptEncoding` is the
 * request's Accept-Encoding (read now: uWS's request is gone after an await).
 */
export function replyTo(res: uWS.HttpResponse, acceptEncoding = ''): Reply {
  let aborted = false;
  let done = false;
  res.onAborted(() => { aborted = true; });
  const reply: Reply = {
    get aborted() { return aborted; },
    json(status, body, headers = {}) {
      if (aborted || done) return;
      done = true;
      res.cork(() => writeAnswer(res, { status, body, headers }, acceptEncoding));
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
