// The bench's arithmetic, pure: how many gateway and load processes a
// connection count needs under this machine's open-file cap, which players
// each connection watches, and how many messages are due per second.

/** Every process here may hold at most 20,000 open files (FIELD-NOTES "This machine"). */
export const OPEN_FILES_PER_PROCESS = 20_000;
/** Connections per gateway process: room under the cap for Kafka, the listen socket and SO_REUSEPORT's uneven spread. */
export const CONNECTIONS_PER_GATEWAY_PROCESS = 16_000;
/** Connections per load generator process (its sockets plus IPC and stdio). */
export const CONNECTIONS_PER_LOAD_PROCESS = 15_000;
/** Loopback source addresses start here (127.0.0.2, .3, ...): one per load process, ~28k ephemeral ports each. */
export const FIRST_SOURCE_HOST_OCTET = 2;

export function gatewayProcessesFor(connections: number): number {
  return Math.max(1, Math.ceil(connections / CONNECTIONS_PER_GATEWAY_PROCESS));
}

export function loadProcessesFor(connections: number): number {
  return Math.max(1, Math.ceil(connections / CONNECTIONS_PER_LOAD_PROCESS));
}

export function sourceAddress(loadProcess: number): string {
  const octet = FIRST_SOURCE_HOST_OCTET + loadProcess;
  if (octet > 254) throw new Error(`load process ${loadProcess} has no loopback source address left (127.0.0.${octet})`);
  return `127.0.0.${octet}`;
}

/** Load process `i` of `processes` opens connections [from, to): contiguous, sizes differ by at most one. */
export function connectionRange(connections: number, processes: number, i: number): { from: number; to: number } {
  const base = Math.floor(connections / processes);
  const extra = connections % processes;
  const from = i * base + Math.min(i, extra);
  return { from, to: from + base + (i < extra ? 1 : 0) };
}

/**
 * Connection `c` watches `subs` consecutive players starting at (c * subs) mod players,
 * so every block of players/subs connections covers each player once: subscribers are even.
 */
export function firstPlayerOf(connection: number, subs: number, players: number): number {
  return (connection * subs) % players;
}

export function playersOf(connection: number, subs: number, players: number): number[] {
  const first = firstPlayerOf(connection, subs, players);
  return Array.from({ length: Math.min(subs, players) }, (_, k) => (first + k) % players);
}

export const playerId = (player: number): string => `p${player}`;

/** Ticks are produced round-robin over players: tick i is player i mod P, at seq floor(i / P) + 1. */
export function tickOf(index: number, players: number): { player: number; seq: number } {
  return { player: index % players, seq: Math.floor(index / players) + 1 };
}

export function tickIndex(player: number, seq: number, players: number): number {
  return (seq - 1) * players + player;
}

/** Messages due per second: every connection gets every tick of each of its players (ticks spread evenly over players). */
export function dueMessagesPerSec(connections: number, subs: number, ticksPerSec: number, players: number): number {
  return (connections * Math.min(subs, players) * ticksPerSec) / players;
}

/** The connection counts of a run: N/4, N/2, N (deduplicated, at least 1). */
export function connectionSteps(connections: number, fractions: readonly number[] = [0.25, 0.5, 1]): number[] {
  return [...new Set(fractions.map((f) => Math.max(1, Math.round(connections * f))))].sort((a, b) => a - b);
}
