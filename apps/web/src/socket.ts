// The live connection: one WebSocket to the gateway, re-opened with backoff
// when it drops, re-subscribing and resuming every player from the last seq
// the page has, so prices stay gap-free across reconnects and gateway restarts.

export const RECONNECT_MIN_MS = 250;
export const RECONNECT_MAX_MS = 5_000;
/** No message for this long while connected: show "behind". */
export const STALE_AFTER_MS = 15_000;

export type ConnectionState = 'connecting' | 'live' | 'offline';

export interface ServerMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * The messages of one frame, in order: a `batch` (several live ticks in one frame, docs/protocol.md
 * "Batches") is handled exactly as its messages one after the other; any other frame is one message.
 */
export function unbatch(frame: ServerMessage): ServerMessage[] {
  return frame.type === 'batch' && Array.isArray(frame['messages']) ? (frame['messages'] as ServerMessage[]) : [frame];
}

export interface LiveSocketOptions {
  url: () => string;
  /** Called after every (re)connect: what to send to get back in step. */
  onOpen: (send: (message: object) => void) => void;
  onMessage: (message: ServerMessage) => void;
  onState: (state: ConnectionState, detail?: string) => void;
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private closedByUs = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  lastMessageAt = 0;

  constructor(private readonly options: LiveSocketOptions) {}

  /** Opens the socket, unless it is open or about to reopen already (logging in again keeps the socket). */
  start(): void {
    this.closedByUs = false;
    if (this.ws || this.reconnectTimer) return;
    this.open();
  }

  stop(): void {
    this.closedByUs = true;
    this.ws?.close(1000, 'bye');
  }

  send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private open(): void {
    this.options.onState('connecting');
    const ws = new WebSocket(this.options.url());
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.lastMessageAt = Date.now();
      this.options.onState('live');
      this.options.onOpen((m) => this.send(m));
    };
    ws.onmessage = (event) => {
      this.lastMessageAt = Date.now();
      try {
        for (const message of unbatch(JSON.parse(String(event.data)) as ServerMessage)) this.options.onMessage(message);
      } catch {
        // A frame we cannot read is the gateway's bug, not a reason to drop the connection.
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closedByUs) return;
      this.options.onState('offline', event.reason || `connection closed (${event.code})`);
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts) * (0.5 + Math.random() / 2);
      this.attempts += 1;
      this.reconnectTimer = setTimeout(() => { this.reconnectTimer = undefined; this.open(); }, delay);
    };
  }
}
