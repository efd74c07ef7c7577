// What the bench driver and its child processes (producer, gateways, load
// generators) say to each other over the Node IPC channel.
import type { SparseHistogram } from './histogram';

/** A produced batch: ticks [from, from + count) of the round-robin order, and the broker's LogAppendTime per partition. */
export interface AppendedBatch { type: 'appended'; from: number; count: number; partitions: number; appendMs: number[] }

export type ProducerIn = { type: 'start'; ticksPerSec: number } | { type: 'stop' };
export type ProducerOut = { type: 'ready' } | AppendedBatch | { type: 'stopped'; produced: number; sendErrors: number; lastError?: string };

export interface GatewaySample {
  type: 'sample';
  /** The request this answers (a late answer must not be taken for the next one). */
  id: number;
  /** True when the process did not answer in time (its event loop saturated): every number is NaN. */
  missing?: boolean;
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** process.cpuUsage() user + system, µs since start. */
  cpuUs: number;
  connections: number;
  /** Tick messages handed to sockets (a publish counts once per subscriber). */
  ticksSent: number;
  /** Messages not sent, by reason (conflated, backpressure). */
  dropped: Record<string, number>;
  /** Sockets the gateway itself closed (slow consumers, limits). */
  closes: number;
  slowConsumers: number;
  /** gateway_tick_lag_ms (Kafka append -> publish), cumulative: counts per upper bound `le`. */
  tickLag: { le: number[]; counts: number[]; sum: number; count: number };
}
export type GatewayIn = { type: 'sample'; gc: boolean; id: number } | { type: 'stop' };
export type GatewayOut = { type: 'ready'; port: number } | GatewaySample | { type: 'stopped' };

export type LoadClientKind = 'raw' | 'ws';

export interface ConnectOrder {
  type: 'connect';
  host: string;
  /** Connection c goes to ports[c % ports.length] (one port for uWS + SO_REUSEPORT; one per process for ws). */
  ports: number[];
  localAddress: string;
  from: number;
  to: number;
  subs: number;
  players: number;
  rampPerSec: number;
  maxPendingConnects: number;
  client: LoadClientKind;
  timeoutMs: number;
}
export type LoadIn = ConnectOrder | { type: 'window'; startMs: number; endMs: number; graceMs: number } | AppendedBatch | { type: 'report' } | { type: 'stop' };

export interface LoadReport {
  type: 'report';
  /** Connections open (upgraded and subscribed) and never closed. */
  held: number;
  opened: number;
  failed: number;
  closedUnexpectedly: number;
  errors: string[];
  /** Over the ticks appended in the window and the connections held throughout (delivery-tracker.ts). */
  due: number;
  delivered: number;
  conflatedAway: number;
  censored: number;
  /** Frames that carried ticks, received in the window (a batch is one). */
  tickFrames: number;
  snapshots: number;
  conflatedSnapshots: number;
  otherMessages: number;
  /** Ticks skipped (seq jumped) or repeated on a subscription, over the whole run. */
  seqGaps: number;
  seqRepeats: number;
  /** Receipts whose append time never reached the generator. */
  unmatched: number;
  latency: SparseHistogram;
  /** process.cpuUsage() over the window, µs, and the window's length. */
  cpuUs: number;
  windowMs: number;
  connectMs: number;
}
export type LoadOut = { type: 'ready' } | { type: 'connected'; held: number; failed: number; errors: string[]; ms: number } | LoadReport;
