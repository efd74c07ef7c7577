// Bench child: opens its share of the WebSocket connections from its own
// loopback source address (so ephemeral ports never run out), at a bounded
// rate, subscribes each to its players, and counts what arrives. The default
// client is raw RFC 6455 on net sockets with one shared read buffer (`onread`):
// no stream machinery, no per-read allocation; `ws` is the alternative.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { parentChannel } from './children';
import { OPCODE, clientFrame, readFrames, scanTicks, upgradeRequest, upgradeResponseEnd, type FrameSink } from './client-frames';
import { DeliveryTracker } from './delivery-tracker';
import { firstPlayerOf, playerId, playersOf } from './fanout-plan';
import type { ConnectOrder, LoadIn, LoadOut } from './messages';

const READ_BUFFER_BYTES = 256 * 1024;
const CARRY_MIN_BYTES = 4 * 1024;
const RAMP_STEP_MS = 10;
const MAX_ERRORS_KEPT = 10;
const WS_PATH = '/ws';

const enum Phase { Upgrading, Subscribing, Live, Closed }

interface Conn {
  index: number;
  local: number;
  firstPlayer: number;
  phase: Phase;
  snapshots: number;
  raw: Socket | null;
  ws: WebSocket | null;
  carry: Buffer | null;
  carryLength: number;
}

const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
const conns: Conn[] = [];
const errors = new Set<string>();
let order: ConnectOrder | null = null;
let tracker: DeliveryTracker | null = null;
const counts = { opened: 0, live: 0, failed: 0, closedUnexpectedly: 0, snapshots: 0, conflatedSnapshots: 0, otherMessages: 0, tickFrames: 0 };
let stopping = false;
let connectStartedMs = 0;
let connectMs = 0;
let cpuAtStart: NodeJS.CpuUsage | null = null;
let cpuInWindowUs = 0;
let windowMs = 0;

const nowMs = (): number => performance.timeOrigin + performance.now();
const noteError = (text: string): void => { if (errors.size < MAX_ERRORS_KEPT) errors.add(text); };

// One sink for every connection: `current` and `receivedAtMs` are set before each read is scanned.
let current: Conn = undefined as unknown as Conn;
let receivedAtMs = 0;
const sink: FrameSink = {
  message: (buf, start, end) => onMessage(current, buf, start, end),
  control(opcode, buf, start, end) {
    if (opcode === OPCODE.ping) current.raw?.write(clientFrame(OPCODE.pong, Buffer.from(buf.subarray(start, end))));
    else if (opcode === OPCODE.close) {
      noteError(`server closed with ${end - start >= 2 ? buf.readUInt16BE(start) : 1005}`);
      current.raw?.end();
    }
  },
  unsupported: (opcode) => noteError(`unsupported frame (opcode ${opcode}, or fragmented)`),
};

const onTick = (player: number, seq: number): void => (tracker as DeliveryTracker).tick(current.local, current.firstPlayer, player, seq, receivedAtMs);

function onMessage(conn: Conn, buf: Buffer, start: number, end: number): void {
  const t = tracker as DeliveryTracker;
  if (scanTicks(buf, start, end, onTick) >= 0) {
    if (t.inWindow(receivedAtMs)) counts.tickFrames += 1;
    return;
  }
  const message = JSON.parse(buf.toString('utf8', start, end)) as { type?: string; player?: string; seq?: number; conflated?: boolean; name?: string };
  const player = Number(String(message.player ?? '').slice(1));
  if (message.type === 'snapshot') {
    t.snapshot(conn.local, conn.firstPlayer, player, message.seq ?? 0);
    if (t.inWindow(receivedAtMs)) { counts.snapshots += 1; if (message.conflated) counts.conflatedSnapshots += 1; }
    if (conn.phase === Phase.Subscribing && ++conn.snapshots >= (order as ConnectOrder).subs) {
      conn.phase = Phase.Live;
      counts.live += 1;
    }
  } else if (message.type === 'tick') t.tick(conn.local, conn.firstPlayer, player, message.seq ?? 0, receivedAtMs);
  else if (message.type === 'hello') return;
  else {
    if (message.type === 'error') noteError(`error ${message.name}`);
    if (t.inWindow(receivedAtMs)) counts.otherMessages += 1;
  }
}

function subscribeText(conn: Conn): string {
  const o = order as ConnectOrder;
  return JSON.stringify({ op: 'subscribe', players: playersOf(conn.index, o.subs, o.players).map(playerId) });
}

function onRead(conn: Conn, nread: number, buf: Buffer): void {
  current = conn;
  receivedAtMs = nowMs();
  let data = buf;
  let end = nread;
  if (conn.carry) {
    if (conn.carryLength + nread > conn.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(conn.carry.length * 2, conn.carryLength + nread));
      conn.carry.copy(grown, 0, 0, conn.carryLength);
      conn.carry = grown;
    }
    buf.copy(conn.carry, conn.carryLength, 0, nread);
    conn.carryLength += nread;
    data = conn.carry;
    end = conn.carryLength;
  }
  let start = 0;
  if (conn.phase === Phase.Upgrading) {
    const at = upgradeResponseEnd(data, end);
    if (at === -2) {
      noteError(`upgrade refused: ${data.toString('utf8', 0, Math.min(end, 200)).split('\r\n')[0]}`);
      conn.raw?.destroy();
      return;
    }
    if (at === -1) { keep(conn, data, 0, end); return; }
    conn.phase = Phase.Subscribing;
    conn.raw?.write(clientFrame(OPCODE.text, Buffer.from(subscribeText(conn))));
    start = at;
  }
  const consumed = readFrames(data, start, end, sink);
  keep(conn, data, consumed, end);
}

/** Keeps data[from, end) (an incomplete frame) for the next read, or releases the carry buffer. */
function keep(conn: Conn, data: Buffer, from: number, end: number): void {
  const left = end - from;
  if (left === 0) { conn.carry = null; conn.carryLength = 0; return; }
  if (data === conn.carry) data.copyWithin(0, from, end);
  else {
    conn.carry = Buffer.allocUnsafe(Math.max(CARRY_MIN_BYTES, left * 2));
    data.copy(conn.carry, 0, from, end);
  }
  conn.carryLength = left;
}

function closed(conn: Conn): void {
  if (conn.phase === Phase.Closed) return;
  if (conn.phase === Phase.Live) { counts.live -= 1; if (!stopping) counts.closedUnexpectedly += 1; } else counts.failed += 1;
  conn.phase = Phase.Closed;
  conn.carry = null;
}

function open(o: ConnectOrder, index: number): void {
  const local = index - o.from;
  const conn: Conn = { index, local, firstPlayer: firstPlayerOf(index, o.subs, o.players), phase: Phase.Upgrading, snapshots: 0, raw: null, ws: null, carry: null, carryLength: 0 };
  conns.push(conn);
  const port = o.ports[index % o.ports.length] as number;
  counts.opened += 1;
  if (o.client === 'ws') {
    const ws = new WebSocket(`ws://${o.host}:${port}${WS_PATH}`, { perMessageDeflate: false, localAddress: o.localAddress });
    conn.ws = ws;
    ws.on('open', () => { conn.phase = Phase.Subscribing; ws.send(subscribeText(conn)); });
    ws.on('message', (data: Buffer) => { current = conn; receivedAtMs = nowMs(); onMessage(conn, data, 0, data.length); });
    ws.on('error', (err) => noteError(err.message));
    ws.on('close', () => closed(conn));
    return;
  }
  const socket = connect({ host: o.host, port, localAddress: o.localAddress, onread: { buffer: readBuffer, callback: (n: number, b: Uint8Array) => { onRead(conn, n, b as Buffer); return true; } } });
  conn.raw = socket;
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(upgradeRequest(o.host, port, WS_PATH)));
  socket.on('error', (err) => noteError(err.message));
  socket.on('close', () => closed(conn));
}

/** Opens connections at o.rampPerSec with at most o.maxPendingConnects not yet live; resolves when all are live or failed. */
async function connectAll(o: ConnectOrder): Promise<void> {
  let next = o.from;
  const perStep = Math.max(1, Math.round((o.rampPerSec * RAMP_STEP_MS) / 1000));
  const deadline = Date.now() + o.timeoutMs;
  connectStartedMs = Date.now();
  for (;;) {
    const pending = counts.opened - counts.live - counts.failed - counts.closedUnexpectedly;
    for (let i = 0; i < perStep && next < o.to && pending + i < o.maxPendingConnects; i++) open(o, next++);
    if (next >= o.to && counts.live + counts.failed + counts.closedUnexpectedly >= o.to - o.from) break;
    if (Date.now() > deadline) { noteError(`connect timeout: ${o.to - o.from - counts.live} connections not live after ${o.timeoutMs} ms`); break; }
    await new Promise((r) => setTimeout(r, RAMP_STEP_MS));
  }
  connectMs = Date.now() - connectStartedMs;
}

const send = parentChannel<LoadIn, LoadOut>((message) => {
  switch (message.type) {
    case 'connect':
      order = message;
      tracker = new DeliveryTracker(message.to - message.from, message.subs, message.players);
      void connectAll(message).then(() => send({ type: 'connected', held: counts.live, failed: counts.failed + (message.to - message.from - counts.opened), errors: [...errors], ms: connectMs }));
      return;
    case 'window': {
      tracker?.setWindow(message.startMs, message.endMs, message.graceMs);
      windowMs = message.endMs - message.startMs;
      setTimeout(() => { cpuAtStart = process.cpuUsage(); }, Math.max(0, message.startMs - Date.now()));
      setTimeout(() => { const d = process.cpuUsage(cpuAtStart ?? undefined); cpuInWindowUs = d.user + d.system; }, Math.max(0, message.endMs - Date.now()));
      return;
    }
    case 'appended':
      tracker?.appended(message);
      return;
    case 'report': {
      const t = tracker as DeliveryTracker;
      const o = order as ConnectOrder;
      const delivery = t.counts((local) => conns[local]?.phase === Phase.Live, (local) => playersOf(o.from + local, o.subs, o.players));
      send({
        type: 'report', held: counts.live, opened: counts.opened, failed: counts.failed, closedUnexpectedly: counts.closedUnexpectedly, errors: [...errors],
        ...delivery, tickFrames: counts.tickFrames, snapshots: counts.snapshots, conflatedSnapshots: counts.conflatedSnapshots, otherMessages: counts.otherMessages,
        seqGaps: t.seqGaps, seqRepeats: t.seqRepeats, unmatched: t.unmatched, latency: t.latency.toSparse(),
        cpuUs: cpuInWindowUs, windowMs, connectMs,
      });
      return;
    }
    case 'stop':
      stopping = true;
      for (const conn of conns) { conn.raw?.destroy(); conn.ws?.terminate(); }
      process.exit(0);
  }
});
send({ type: 'ready' });
