// Port checks, so "port in use" is said plainly before a server fails cryptically.
import { readFileSync } from 'node:fs';
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

/**
 * Ports picked for tests and throwaway stacks (chaos, benches) come from here up to just below the
 * kernel's ephemeral range: above every default port of `inplay up` (libs/config DEFAULT_PORTS, all
 * < 20,000), and never a port the kernel gives an outgoing connection. A port from the ephemeral range
 * (what listen(0) returns) can be taken as the local port of any outgoing connection while its service
 * is down: a killed service then cannot listen on it again (EADDRINUSE on restart).
 */
export const PICKED_PORT_MIN = 20_000;
/** The picked range must hold at least this many ports, else the ports above the ephemeral range are used. */
const PICKED_RANGE_MIN_SIZE = 2_000;
const LINUX_EPHEMERAL_RANGE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Linux's default when its setting cannot be read. */
const DEFAULT_EPHEMERAL_RANGE: [number, number] = [32_768, 60_999];
const MAX_PORT = 65_535;

/** Ports this process has handed out: never twice, so two picks of one test cannot collide before either listens. */
const handedOut = new Set<number>();

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync(LINUX_EPHEMERAL_RANGE, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low! <= high!) return [low!, high!];
  } catch {
    // not Linux: its default is as good a guess as any
  }
  return DEFAULT_EPHEMERAL_RANGE;
}

/** Where ports are picked: [PICKED_PORT_MIN, ephemeral low − 1], or above the ephemeral range when that is too small. */
export function pickedPortRange(ephemeral: [number, number] = ephemeralRange()): [number, number] {
  const [low, high] = ephemeral;
  if (low - PICKED_PORT_MIN >= PICKED_RANGE_MIN_SIZE) return [PICKED_PORT_MIN, low - 1];
  if (MAX_PORT - high >= PICKED_RANGE_MIN_SIZE) return [high + 1, MAX_PORT];
  return [PICKED_PORT_MIN, MAX_PORT];
}

/** A free port outside the ephemeral range, not handed out before by this process (for tests and throwaway stacks). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return freePortRange(1, host);
}

/** The first of `count` consecutive free ports outside the ephemeral range, none handed out before by this process. */
export async function freePortRange(count: number, host = '127.0.0.1', attempts = 100): Promise<number> {
  const [min, max] = pickedPortRange();
  for (let i = 0; i < attempts; i++) {
    const base = min + Math.floor(Math.random() * (max - min - count + 2));
    const ports = Array.from({ length: count }, (_, k) => base + k);
    if (ports.some((p) => handedOut.has(p))) continue;
    const free = await Promise.all(ports.map((p) => isPortFree(p, host)));
    if (free.every(Boolean)) {
      for (const p of ports) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`no ${count} consecutive free ports found between ${min} and ${max} in ${attempts} attempts`);
}
