// HTTP calls to the gateway (same origin). Errors come back as values with the
// gateway's machine code and human message.

export interface ApiError { status: number; code: string; message: string; retryAfterMs?: number }
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

let token: string | null = sessionStorage.getItem('inplay.token');

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem('inplay.token', value);
  else sessionStorage.removeItem('inplay.token');
}

export function currentToken(): string | null {
  return token;
}

export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
  return answerOf<T>(fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }));
}

/** Public GETs the page's head started before this script ran (index.html), by path; each is used once. */
declare global {
  interface Window { inplayEarly?: Partial<Record<string, Promise<Response>>> }
}

/**
 * GET `path` (a public route): the answer index.html asked for while the script downloaded when there is
 * one (once: a later call asks again), else a fresh call.
 */
export async function earlyAnswer<T>(path: string): Promise<ApiResult<T>> {
  const early = window.inplayEarly?.[path];
  if (!early) return call<T>('GET', path);
  delete window.inplayEarly![path];
  return answerOf<T>(early);
}

async function answerOf<T>(response: Promise<Response>): Promise<ApiResult<T>> {
  try {
    const res = await response;
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.ok) return { ok: true, value: json as T };
    const err = (json['error'] ?? json) as { code?: string; message?: string };
    const retryAfter = res.headers.get('retry-after');
    return { ok: false, error: { status: res.status, code: err.code ?? `HTTP_${res.status}`, message: err.message ?? res.statusText, ...(retryAfter ? { retryAfterMs: Number(retryAfter) * 1000 } : {}) } };
  } catch (e) {
    return { ok: false, error: { status: 0, code: 'NETWORK', message: (e as Error).message } };
  }
}

/** A fresh idempotency key per order intent: a double click or a retry reuses it and never buys twice. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
