// The answers index.html asked for early are used once, then the page asks again.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => { vi.unstubAllGlobals(); vi.resetModules(); });

async function apiWith(early: Record<string, Promise<Response>>) {
  vi.stubGlobal('sessionStorage', { getItem: () => null, setItem: () => undefined, removeItem: () => undefined });
  vi.stubGlobal('window', { inplayEarly: early });
  const fetched = vi.fn(async (path: string) => new Response(JSON.stringify({ fresh: path })));
  vi.stubGlobal('fetch', fetched);
  return { api: await import('./api'), fetched };
}

describe('earlyAnswer', () => {
  it('takes the early answer once, then calls the gateway', async () => {
    const { api, fetched } = await apiWith({ '/players': Promise.resolve(new Response(JSON.stringify({ players: ['early'] }))) });
    expect(await api.earlyAnswer('/players')).toEqual({ ok: true, value: { players: ['early'] } });
    expect(fetched).not.toHaveBeenCalled();
    expect(await api.earlyAnswer('/players')).toEqual({ ok: true, value: { fresh: '/players' } });
    expect(fetched).toHaveBeenCalledTimes(1);
  });

  it('calls the gateway for a path nobody asked for early', async () => {
    const { api, fetched } = await apiWith({});
    expect(await api.earlyAnswer('/matches')).toEqual({ ok: true, value: { fresh: '/matches' } });
    expect(fetched).toHaveBeenCalledWith('/matches', expect.objectContaining({ method: 'GET' }));
  });

  it('turns an early answer that failed into the same errors a call gives', async () => {
    const { api } = await apiWith({
      '/players': Promise.reject(new TypeError('Failed to fetch')),
      '/matches': Promise.resolve(new Response(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again' } }), { status: 503, headers: { 'retry-after': '1' } })),
    });
    expect(await api.earlyAnswer('/players')).toEqual({ ok: false, error: { status: 0, code: 'NETWORK', message: 'Failed to fetch' } });
    expect(await api.earlyAnswer('/matches')).toEqual({ ok: false, error: { status: 503, code: 'UNAVAILABLE', message: 'try again', retryAfterMs: 1_000 } });
  });
});
