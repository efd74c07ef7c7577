// Toxiproxy (Shopify), the TCP proxy that injects network faults, for
// `inplay chaos`: built once from the Go module proxy into the cache, started
// as a process of its own, driven through its HTTP API (proxies, toxics).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ManagedProcess } from './process';
import { waitUntil } from './process';

export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
export const TOXIPROXY_VERSION = 'v2.5.0';
/** How long toxiproxy may take to answer its API after it starts. */
export const TOXIPROXY_START_TIMEOUT_MS = 15_000;
/** Timeout of one call to the toxiproxy API. */
const API_TIMEOUT_MS = 5_000;

/** The toxiproxy server binary, built with `go install` into the cache on first use. */
export async function ensureToxiproxy(cacheDir: string): Promise<string> {
  const bin = join(cacheDir, 'bin', `toxiproxy-${TOXIPROXY_VERSION}`);
  const server = join(bin, 'server');
  if (existsSync(server)) return server;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], { env: { ...process.env, GOBIN: bin }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4_000); });
    child.once('error', (e) => reject(new Error(`go is needed to build toxiproxy (apt-get install golang-go): ${e.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION} failed (exit ${code}):\n${err}`))));
  });
  return server;
}

/** A fault on a proxy: the toxics of toxiproxy's API. */
export type Toxic =
  | { type: 'latency'; latencyMs: number; jitterMs: number }
  | { type: 'bandwidth'; rateKBps: number }
  | { type: 'reset_peer'; afterMs: number }
  /** Data stops flowing both ways (connections hang) until removed: a network partition. */
  | { type: 'timeout'; afterMs: number };

export interface Toxiproxy {
  apiUrl: string;
  process: ManagedProcess;
  /** A proxy listening on 127.0.0.1:listenPort in front of 127.0.0.1:upstreamPort. */
  createProxy(name: string, listenPort: number, upstreamPort: number): Promise<void>;
  /** Adds the toxic both ways (upstream and downstream). */
  addToxic(proxy: string, toxic: Toxic): Promise<void>;
  /** Removes every toxic of the proxy. */
  clearToxics(proxy: string): Promise<void>;
  stop(): Promise<void>;
}

function attributes(t: Toxic): Record<string, number> {
  switch (t.type) {
    case 'latency': return { latency: t.latencyMs, jitter: t.jitterMs };
    case 'bandwidth': return { rate: t.rateKBps };
    case 'reset_peer': return { timeout: t.afterMs };
    case 'timeout': return { timeout: t.afterMs };
  }
}

export async function startToxiproxy(o: { cacheDir: string; apiPort: number; logFile: string }): Promise<Toxiproxy> {
  const server = await ensureToxiproxy(o.cacheDir);
  const child = new ManagedProcess('toxiproxy', server, ['-host', '127.0.0.1', '-port', String(o.apiPort)], o.logFile, {});
  const apiUrl = `http://127.0.0.1:${o.apiPort}`;
  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method, signal: AbortSignal.timeout(API_TIMEOUT_MS),
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  await waitUntil('toxiproxy', async () => {
    if (!child.running) throw new Error(`toxiproxy exited:\n${child.lastLines()}`);
    return (await fetch(`${apiUrl}/version`, { signal: AbortSignal.timeout(API_TIMEOUT_MS) })).ok;
  }, TOXIPROXY_START_TIMEOUT_MS, 100);
  return {
    apiUrl,
    process: child,
    async createProxy(name, listenPort, upstreamPort) {
      await api('POST', '/proxies', { name, listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${upstreamPort}`, enabled: true });
    },
    async addToxic(proxy, toxic) {
      for (const stream of ['upstream', 'downstream'] as const) {
        await api('POST', `/proxies/${proxy}/toxics`, { name: `${toxic.type}-${stream}`, type: toxic.type, stream, toxicity: 1, attributes: attributes(toxic) });
      }
    },
    async clearToxics(proxy) {
      const toxics = (await api('GET', `/proxies/${proxy}/toxics`)) as { name: string }[];
      for (const t of toxics) await api('DELETE', `/proxies/${proxy}/toxics/${t.name}`);
    },
    stop: () => child.stop(),
  };
}
