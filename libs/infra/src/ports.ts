// Port checks, so "port in use" is said plainly before a server fails cryptically.
import { createServer, createConnection } from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export function isListening(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function assertPortFree(port: number, setting: string, host = '127.0.0.1'): Promise<void> {
  if (!(await isPortFree(port, host))) {
    throw new Error(`${setting}: port ${port} on ${host} is already in use. Stop what uses it (\`npx inplay down\`, or \`ss -ltnp 'sport = :${port}'\` to find it) or choose another port with ${setting}.`);
  }
}

/** A free port chosen by the OS (for tests). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The first of `count` consecutive free ports (for tests that start services at base + offset). */
export async function freePortRange(count: number, host = '127.0.0.1', attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(Array.from({ length: count }, (_, k) => isPortFree(base + k, host)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found in ${attempts} attempts`);
}
