// The load generator's side of RFC 6455, lean: server frames are read in place
// from whatever buffer the socket filled (no copies unless a frame straddles
// two reads), and a tick is recognised and its player and seq read straight
// from the bytes — no JSON.parse, no allocation — because at hundreds of
// thousands of messages a second the load generator must not be the bottleneck.
import { randomBytes } from 'node:crypto';

export const OPCODE = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSink {
  /** A complete text or binary message (unfragmented: neither gateway fragments). */
  message(buf: Buffer, start: number, end: number): void;
  control(opcode: number, buf: Buffer, start: number, end: number): void;
  /** A fragmented frame or a reserved opcode: the bench counts it as a protocol error. */
  unsupported(opcode: number): void;
}

/** Reads every complete frame in buf[start, end); returns where the first incomplete one starts. */
export function readFrames(buf: Buffer, start: number, end: number, sink: FrameSink): number {
  let at = start;
  while (end - at >= 2) {
    const first = buf[at] as number;
    let length = (buf[at + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) {
      if (end - at < 4) break;
      length = buf.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (end - at < 10) break;
      length = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
      header = 10;
    }
    if (end - at < header + length) break;
    const opcode = first & 0x0f;
    const from = at + header;
    if ((first & 0x80) === 0 || opcode === 0) sink.unsupported(opcode);
    else if (opcode === OPCODE.text || opcode === OPCODE.binary) sink.message(buf, from, from + length);
    else sink.control(opcode, buf, from, from + length);
    at = from + length;
  }
  return at;
}

/** A masked client frame (RFC 6455 5.3); the bench only sends small ones (subscribe, pong). */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length >= 65_536) throw new Error(`client frames of the bench stay under 64 KiB, got ${payload.length}`);
  const header = payload.length < 126 ? 2 : 4;
  const mask = randomBytes(4);
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | payload.length;
  else { frame[1] = 0x80 | 126; frame.writeUInt16BE(payload.length, 2); }
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

const TICK_PREFIX = Buffer.from('{"type":"tick","player":"p');
const SEQ_FIELD = Buffer.from('","seq":');
const QUOTE = 0x22;
const ZERO = 0x30;

/** What scanTick read: valid until the next call (one shared object, no allocation). */
export const scanned = { player: -1, seq: -1 };

/**
 * A tick message of a bench player ("p<number>") — `{"type":"tick","player":"p17","seq":43,...`,
 * the gateway's field order — sets `scanned` and returns true; anything else returns false
 * (the caller then parses it as JSON).
 */
export function scanTick(buf: Buffer, start: number, end: number): boolean {
  if (end - start < TICK_PREFIX.length + SEQ_FIELD.length + 2) return false;
  for (let i = 0; i < TICK_PREFIX.length; i++) if (buf[start + i] !== TICK_PREFIX[i]) return false;
  let at = start + TICK_PREFIX.length;
  let player = 0;
  let digits = 0;
  for (; at < end; at++, digits++) {
    const c = (buf[at] as number) - ZERO;
    if (c < 0 || c > 9) break;
    player = player * 10 + c;
  }
  if (digits === 0 || buf[at] !== QUOTE) return false;
  for (let i = 0; i < SEQ_FIELD.length; i++, at++) if (buf[at] !== SEQ_FIELD[i]) return false;
  let seq = 0;
  digits = 0;
  for (; at < end; at++, digits++) {
    const c = (buf[at] as number) - ZERO;
    if (c < 0 || c > 9) break;
    seq = seq * 10 + c;
  }
  if (digits === 0) return false;
  scanned.player = player;
  scanned.seq = seq;
  return true;
}

const BATCH_PREFIX = Buffer.from('{"type":"batch","messages":[');
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * A tick, or a batch of ticks (`{"type":"batch","messages":[tick,tick,...]}`), read in place:
 * `each` gets every tick's player and seq in frame order. Returns how many ticks the frame
 * held, or -1 when it is neither (the caller parses it as JSON). A tick has no nested
 * object, so each one ends at its first '}' (found natively, not byte by byte in JS).
 */
export function scanTicks(buf: Buffer, start: number, end: number, each: (player: number, seq: number) => void): number {
  if (scanTick(buf, start, end)) { each(scanned.player, scanned.seq); return 1; }
  if (end - start < BATCH_PREFIX.length) return -1;
  for (let i = 0; i < BATCH_PREFIX.length; i++) if (buf[start + i] !== BATCH_PREFIX[i]) return -1;
  let at = start + BATCH_PREFIX.length;
  let n = 0;
  for (;;) {
    if (!scanTick(buf, at, end)) return -1;
    each(scanned.player, scanned.seq);
    n += 1;
    const close = buf.indexOf(CLOSE_BRACE, at);
    if (close < 0 || close >= end) return -1;
    at = close + 1;
    if (buf[at] !== COMMA) return n;
    at += 1;
  }
}

/** The HTTP upgrade request of a client without a token or Origin (a non-browser client). */
export function upgradeRequest(host: string, port: number, path: string): Buffer {
  const key = randomBytes(16).toString('base64');
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
}

const HEADER_END = Buffer.from('\r\n\r\n');
const SWITCHING = Buffer.from('HTTP/1.1 101');

/** Where the frames begin after the upgrade response in buf[0, length), -1 while incomplete, -2 when refused. */
export function upgradeResponseEnd(buf: Buffer, length: number): number {
  const at = buf.subarray(0, length).indexOf(HEADER_END);
  if (at < 0) return -1;
  return buf.subarray(0, SWITCHING.length).equals(SWITCHING) ? at + HEADER_END.length : -2;
}
