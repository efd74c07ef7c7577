// The steady load of `inplay chaos`: users placing orders at a fixed rate
// through the gateway's HTTP API as a careful client would (an Idempotency-Key
// per order, the same key again after a network error or a 5xx, a bounded
// number of times), and WebSocket clients subscribed to every player that
// resume after a dropped socket and check each tick's seq against the last.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** Attempts of one order (the first and the retries with the same key) before the client gives up. */
export const ORDER_ATTEMPTS = 6;
/** Pause between attempts of one order. */
export const ORDER_RETRY_PAUSE_MS = 1_000;
/** How long the gateway may hold a request for the order's result (Prefer: wait). */
export const ORDER_WAIT_S = 5;
/** Timeout of one HTTP attempt. */
export const ORDER_ATTEMPT_TIMEOUT_MS = 10_000;
/** Pause before a WebSocket client reconnects. */
export const WS_RECONNECT_PAUSE_MS = 500;

export interface OrderOutcome {
  key: string;
  userId: string;
  /** When the first attempt started and the last ended (ms since epoch). */
  startedAt: number;
  endedAt: number;
  attempts: number;
  /** The last HTTP status (0: no answer). */
  status: number;
  /** The gateway accepted it: 200 with a result or 202 pending. */
  accepted: boolean;
  orderId: string | null;
  /** Every order id the gateway answered for this key (more than one would be a bug). */
  orderIds: string[];
  /** Settled within the wait (200). */
  settled: boolean;
  error?: string;
}

export interface OrderLoadOptions {
  gatewayUrl: string;
  tokens: Map<string, string>;
  players: () => string[];
  ratePerSec: number;
}

/** Orders at a fixed rate, round-robin over the users; every outcome kept. */
export class OrderLoad {
  readonly outcomes: OrderOutcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(private readonly o: OrderLoadOptions) {}

  start(): void {
    const users = [...this.o.tokens.keys()];
    const intervalMs = 1_000 / this.o.ratePerSec;
    let due = Date.now();
    const tick = (): void => {
      const now = Date.now();
      while (due <= now) {
        const players = this.o.players();
        if (players.length > 0) {
          const userId = users[this.next++ % users.length]!;
          const player = players[Math.floor(Math.random() * players.length)]!;
          const side = Math.random() < 0.7 ? 'buy' : 'sell';
          const p = this.place(userId, player, side).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        }
        due += intervalMs;
      }
      this.timer = setTimeout(tick, Math.max(1, due - Date.now()));
    };
    tick();
  }

  /** Stops placing new orders and waits for those in flight. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
  }

  private async place(userId: string, playerId: string, side: string): Promise<void> {
    const key = randomUUID();
    const outcome: OrderOutcome = { key, userId, startedAt: Date.now(), endedAt: 0, attempts: 0, status: 0, accepted: false, orderId: null, orderIds: [], settled: false };
    this.outcomes.push(outcome);
    for (let attempt = 1; attempt <= ORDER_ATTEMPTS; attempt++) {
      outcome.attempts = attempt;
      try {
        const res = await fetch(`${this.o.gatewayUrl}/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.o.tokens.get(userId)}`, 'content-type': 'application/json',
            'idempotency-key': key, prefer: `wait=${ORDER_WAIT_S}`,
          },
          body: JSON.stringify({ playerId, side, quantity: 1 }),
          signal: AbortSignal.timeout(ORDER_ATTEMPT_TIMEOUT_MS),
        });
        outcome.status = res.status;
        const body = (await res.json().catch(() => null)) as { orderId?: string; error?: { code: string; message: string } } | null;
        if (res.status === 200 || res.status === 202) {
          outcome.accepted = true;
          outcome.settled = res.status === 200;
          outcome.orderId = body?.orderId ?? null;
          if (body?.orderId && !outcome.orderIds.includes(body.orderId)) outcome.orderIds.push(body.orderId);
          break;
        }
        outcome.error = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
        // 4xx is the answer (refused); 5xx and 429 are worth another try with the same key.
        if (res.status < 500 && res.status !== 429) break;
      } catch (err) {
        outcome.status = 0;
        outcome.error = (err as Error).message;
      }
      if (attempt < ORDER_ATTEMPTS) await new Promise((r) => setTimeout(r, ORDER_RETRY_PAUSE_MS));
    }
    outcome.endedAt = Date.now();
  }
}

export interface WatcherReport {
  clients: number;
  ticks: number;
  reconnects: number;
  /** A tick whose prevSeq is not the last seq held, not marked conflated: a gap nobody was told about. */
  silentGaps: number;
  /** Gaps the gateway owned up to: a snapshot with gap: true, or a conflated tick. */
  announcedGaps: number;
  /** Resumes answered with the missing ticks replayed. */
  replayedTicks: number;
  /** The first silent gaps, for the report. */
  examples: string[];
}

/** What a chaos watcher reads of a server message (a tick or a snapshot; other types are ignored). */
type ClientMessage = { type: string; player?: string; seq?: number; prevSeq?: number; gap?: boolean; conflated?: boolean; replay?: boolean };

/** WebSocket clients subscribed to every player; they reconnect and resume from the last seq they hold. */
export class TickWatchers {
  private readonly report: WatcherReport;
  private readonly sockets = new Set<WebSocket>();
  private stopped = false;

  constructor(private readonly wsUrl: string, private readonly players: () => string[], clients: number) {
    this.report = { clients, ticks: 0, reconnects: 0, silentGaps: 0, announcedGaps: 0, replayedTicks: 0, examples: [] };
  }

  get result(): WatcherReport { return { ...this.report, examples: [...this.report.examples] }; }

  start(): void {
    for (let i = 0; i < this.report.clients; i++) this.connect(new Map(), false);
  }

  private connect(held: Map<string, number>, again: boolean): void {
    if (this.stopped) return;
    if (again) this.report.reconnects += 1;
    const ws = new WebSocket(this.wsUrl);
    this.sockets.add(ws);
    ws.on('open', () => {
      const players = this.players();
      const resume = players.filter((p) => held.has(p)).map((p) => ({ player: p, fromSeq: held.get(p)! }));
      const fresh = players.filter((p) => !held.has(p));
      // At most 100 players per request (maxSubscriptionsPerConnection).
      for (let i = 0; i < resume.length; i += 100) ws.send(JSON.stringify({ op: 'resume', players: resume.slice(i, i + 100) }));
      for (let i = 0; i < fresh.length; i += 100) ws.send(JSON.stringify({ op: 'subscribe', players: fresh.slice(i, i + 100) }));
    });
    ws.on('message', (data) => {
      // Ticks arrive one per frame or several in a batch frame (docs/protocol.md, Batches): each in order.
      const frame = JSON.parse(data.toString()) as ClientMessage & { messages?: ClientMessage[] };
      for (const m of frame.type === 'batch' && Array.isArray(frame.messages) ? frame.messages : [frame]) this.onMessage(held, m);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (!this.stopped) setTimeout(() => this.connect(held, true), WS_RECONNECT_PAUSE_MS);
    });
  }

  private onMessage(held: Map<string, number>, m: ClientMessage): void {
    if (!m.player || m.seq === undefined) return;
    if (m.type === 'snapshot') {
      if (m.gap || m.conflated) this.report.announcedGaps += 1;
      held.set(m.player, Math.max(held.get(m.player) ?? 0, m.seq));
    } else if (m.type === 'tick') {
      this.report.ticks += 1;
      if (m.replay) this.report.replayedTicks += 1;
      const last = held.get(m.player);
      if (last !== undefined && m.seq <= last) return; // already held (a replay overlapping live ticks)
      if (last !== undefined && m.prevSeq !== last) {
        if (m.conflated) this.report.announcedGaps += 1;
        else {
          this.report.silentGaps += 1;
          if (this.report.examples.length < 5) this.report.examples.push(`${m.player}: held ${last}, tick ${JSON.stringify(m)}`);
        }
      }
      held.set(m.player, m.seq);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const ws of this.sockets) ws.terminate();
  }
}
