// A TCP proxy a spec puts between a service and one dependency (Postgres, the
// schema registry) to take that dependency away from that service alone, as a
// restart does to its clients: cut() resets every open connection and refuses
// new ones (reset on accept) until restore(). Other users of the suite's
// shared infrastructure are untouched.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  proxied(url: string): string;
  /** Resets every open connection; new ones are reset on accept until restore(). */
  cut(): void;
  restore(): void;
  /** Connections refused since the last cut(), and when the first and last were (ms since the epoch). */
  refused(): { count: number; firstAtMs: number | null; lastAtMs: number | null };
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<free port> to the host and port of `targetUrl`. */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port);
  const open = new Set<net.Socket>();
  let isCut = false;
  let refused = { count: 0, firstAtMs: null as number | null, lastAtMs: null as number | null };
  const server = net.createServer((client) => {
    if (isCut) {
      const now = Date.now();
      refused = { count: refused.count + 1, firstAtMs: refused.firstAtMs ?? now, lastAtMs: now };
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => { open.delete(from); to.destroy(); });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    proxied(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    cut() {
      isCut = true;
      refused = { count: 0, firstAtMs: null, lastAtMs: null };
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      isCut = false;
    },
    refused: () => ({ ...refused }),
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
