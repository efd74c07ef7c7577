// A minimal RFC 6455 client for tests (Node 20 has no WebSocket global and we
// add no packages): text/binary frames, masking, ping/pong, close, and the one
// thing browser clients cannot do — stop reading, to play a slow consumer.
// Every message it sends with sendJson and every frame it receives is checked
// against docs/api/asyncapi.yaml: a test that saw an undocumented message fails.
// A refused upgrade is an HTTP answer of GET /ws, checked against docs/api/openapi.yaml.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterEach } from 'vitest';
import { wsContract } from '@inplay/testing/asyncapi-contract';
import { assertDocumented } from '@inplay/testing/openapi';

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
const WAIT_TIMEOUT_MS = 15_000;
const WAIT_INTERVAL_MS = 10;

export interface ConnectOptions {
  origin?: string;
  protocols?: string[];
  timeoutMs?: number;
}

export class UpgradeRefused extends Error {
  constructor(public readonly status: number, public readonly body: string, public readonly headers: Record<string, string> = {}) {
    super(`upgrade refused with HTTP ${status}: ${body}`);
  }
}

export interface CloseInfo { code: number; reason: string }

/** Contract violations of every client of this test file not yet reported by a test. */
const unreported: string[] = [];

/** Takes the violations not yet reported: for a spec that provokes them on purpose and asserts them itself. */
export function claimContractViolations(): string[] {
  return unreported.splice(0);
}

// Reported by the test in which they happened (or the next one, for a frame arriving after it ended).
afterEach(() => {
  const violations = unreported.splice(0);
  if (violations.length > 0) throw new Error(`WebSocket messages docs/api/asyncapi.yaml does not describe:\n${violations.slice(0, 10).join('\n')}${violations.length > 10 ? `\n…and ${violations.length - 10} more` : ''}`);
});

export class TestWsClient {
  /** Every server message in order, a batch unpacked into its messages. */
  readonly messages: Record<string, unknown>[] = [];
  /** Every frame as received (a batch as one). */
  readonly frames: Record<string, unknown>[] = [];
  /** The close frame the server sent, if any. */
  closeFrame: CloseInfo | null = null;
  /** True once the TCP connection is gone. */
  ended = false;
  /** What this client received that the AsyncAPI document does not describe. */
  readonly contractViolations: string[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  private constructor(private readonly socket: Socket, head: Buffer, readonly protocol: string) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => { this.ended = true; });
    socket.on('error', () => { this.ended = true; });
    if (head.length > 0) this.onData(head);
  }

  static connect(url: string, options: ConnectOptions = {}): Promise<TestWsClient> {
    const target = new URL(url);
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = request({
        host: target.hostname,
        port: Number(target.port),
        path: `${target.pathname}${target.search}`,
        agent: false,
        timeout: options.timeoutMs ?? WAIT_TIMEOUT_MS,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': key,
          ...(options.origin ? { Origin: options.origin } : {}),
          ...(options.protocols ? { 'Sec-WebSocket-Protocol': options.protocols.join(', ') } : {}),
        },
      });
      req.on('upgrade', (res, socket, head) => {
        socket.setNoDelay(true);
        resolve(new TestWsClient(socket, head, String(res.headers['sec-websocket-protocol'] ?? '')));
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        const headers = Object.fromEntries(Object.entries(res.headers).map(([name, value]) => [name, String(value)]));
        res.on('end', () => {
          const refused = new UpgradeRefused(res.statusCode ?? 0, body, headers);
          assertDocumented({ listener: 'gateway-public', method: 'GET', path: '/ws', status: refused.status, headers, body }).then(() => reject(refused), reject);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`upgrade to ${url} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Sends a documented client message: one that does not match docs/api/asyncapi.yaml throws (send a deliberately wrong one with sendText). */
  sendJson(message: unknown): void {
    const problems = wsContract().check('client', message);
    if (problems.length > 0) throw new Error(`not a documented client message (a deliberately wrong one goes through sendText):\n${problems.join('\n')}`);
    this.sendText(JSON.stringify(message));
  }

  /** Sends any text, unchecked: for the specs of bad input. */
  sendText(text: string): void {
    this.sendFrame(OPCODE.text, Buffer.from(text));
  }

  sendBinary(bytes: Buffer): void {
    this.sendFrame(OPCODE.binary, bytes);
  }

  close(code = 1000, reason = ''): void {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.sendFrame(OPCODE.close, payload);
  }

  /** Drops the TCP connection without a close frame (a network failure). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Stops reading from the socket: the kernel buffers fill and the server sees backpressure. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  ofType(type: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m['type'] === type);
  }

  /** Waits (polling, no fixed sleeps) until `find` returns something. */
  async waitFor<T>(what: string, find: () => T | undefined | false, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.contractViolations.length > 0) throw new Error(`while waiting for ${what}, received what docs/api/asyncapi.yaml does not describe:\n${this.contractViolations.join('\n')}`);
      const found = find();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last messages: ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise((r) => setTimeout(r, WAIT_INTERVAL_MS));
    }
  }

  waitForMessage(what: string, match: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitFor(what, () => this.messages.find(match), timeoutMs);
  }

  waitForClose(timeoutMs?: number): Promise<CloseInfo> {
    return this.waitFor('the server to close the connection', () => this.closeFrame ?? (this.ended ? { code: 1006, reason: 'no close frame' } : undefined), timeoutMs);
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65_536) { header[1] = 0x80 | 126; header.writeUInt16BE(length, 2); }
    else { header[1] = 0x80 | 127; header.writeBigUInt64BE(BigInt(length), 2); }
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = readFrame(this.buffer);
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.size);
      this.onFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OPCODE.ping) { this.sendFrame(OPCODE.pong, payload); return; }
    if (opcode === OPCODE.pong) return;
    if (opcode === OPCODE.close) {
      this.closeFrame = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString() };
      this.violates(wsContract().checkCloseCode(this.closeFrame.code));
      return;
    }
    if (opcode !== OPCODE.continuation) this.fragmentOpcode = opcode;
    this.fragments.push(payload);
    if (!fin) return;
    const whole = Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.fragmentOpcode !== OPCODE.text) {
      this.violates([`a binary frame of ${whole.length} bytes: protocol v1 is JSON text frames only`]);
      return;
    }
    const text = whole.toString();
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      message = { type: '<unparseable>', text };
    }
    this.violates(wsContract().check('server', message));
    this.frames.push(message);
    // A batch is its messages, in order (docs/protocol.md "Batches"): tests read ticks whichever frame carried them.
    if (message['type'] === 'batch' && Array.isArray(message['messages'])) this.messages.push(...(message['messages'] as Record<string, unknown>[]));
    else this.messages.push(message);
  }

  private violates(problems: string[]): void {
    this.contractViolations.push(...problems);
    unreported.push(...problems);
  }
}

function readFrame(buffer: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | null {
  if (buffer.length < 2) return null;
  const first = buffer[0] as number;
  const second = buffer[1] as number;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  // Server frames are never masked (RFC 6455 5.1).
  if (buffer.length < offset + length) return null;
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload: buffer.subarray(offset, offset + length), size: offset + length };
}
