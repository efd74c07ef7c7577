// Bench child: the baseline — the gateway most Node projects would write with
// the `ws` package. Same Kafka feed (startKafkaFeed: every tick, decoded the
// same way), same price book and the same JSON bytes per message, so the only
// difference from the real gateway is the socket layer: a Map of player ->
// Set of sockets and ws.send per subscriber (the message encoded once).
// Protocol subset: hello, subscribe -> snapshot then ticks, unsubscribe, ping.
// No conflation, no slow-consumer policy (ws buffers without bound).
// Node 20 has no SO_REUSEPORT (net `reusePort` arrived in 22.12), so each
// baseline process listens on a port of its own and clients spread over them.
// argv: JSON { brokers, registryUrl, prefix, port, serverId }
import { kafkaSecurityOf } from '@inplay/config';
import { WebSocketServer, WebSocket } from 'ws';
import type { PriceTick } from '@inplay/contracts';
import { createKafka, createSerde } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import {
  DEFAULT_LIMITS, PriceBook, createGatewayMetrics, errorMessage, helloMessage, parseClientMessage, pongMessage, snapshotMessage, startKafkaFeed, tickMessage,
} from '@inplay/gateway';
import { parentChannel } from './children';
import type { GatewayIn, GatewayOut } from './messages';
import { sampleProcess } from './gateway-sample';

interface Args { brokers: string[]; registryUrl: string; prefix: string; port: number; serverId: string }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const limits = DEFAULT_LIMITS;
const logger = createLogger(args.serverId, 'warn');

const book = new PriceBook(limits.ringBufferTicksPerPlayer);
const subscribers = new Map<string, Set<WebSocket>>();
const metrics = createGatewayMetrics(args.serverId);
let connections = 0;
let ticksSent = 0;

function onTick(tick: PriceTick, appendedAtMs: number, live: boolean): void {
  const outcome = book.applyTick(tick);
  if (outcome !== 'advanced' && outcome !== 'advanced-after-gap') return;
  const sockets = subscribers.get(tick.playerId);
  if (!sockets || sockets.size === 0) return;
  const message = Buffer.from(tickMessage(tick, { seq: tick.seq - 1, priceCents: tick.previousPriceCents }));
  for (const ws of sockets) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    ws.send(message, { binary: false });
    ticksSent += 1;
  }
  // The same measure as the real gateway's gateway_tick_lag_ms: Kafka append -> handed to the sockets.
  if (live) metrics.tickLagMs.observe(Math.max(0, Date.now() - appendedAtMs));
}

const feed = await startKafkaFeed({
  kafka: createKafka({ brokers: args.brokers, ...kafkaSecurityOf(process.env), clientId: `bench-ws-${args.serverId}` }),
  serde: createSerde(args.registryUrl, args.prefix),
  prefix: args.prefix,
  serverId: args.serverId,
  rewindTicksPerPartition: limits.bootstrapRewindTicksPerPartition,
  bootstrapTimeoutMs: limits.bootstrapTimeoutMs,
  logger,
  metrics,
  handlers: {
    onLatest: (latest) => { book.applyLatest(latest); },
    onTick,
    onOrderResult: () => undefined,
    onLeaderboard: () => undefined,
    onMatchEvent: () => undefined,
  },
});

const server = new WebSocketServer({ host: '127.0.0.1', port: args.port, path: '/ws', perMessageDeflate: false, clientTracking: false, maxPayload: limits.maxFrameBytes });
await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject); });

server.on('connection', (ws) => {
  connections += 1;
  const players = new Set<string>();
  ws.send(helloMessage(args.serverId, null, {
    maxSubscriptionsPerConnection: limits.maxSubscriptionsPerConnection, maxFrameBytes: limits.maxFrameBytes,
    maxMessagesPerSecond: limits.maxMessagesPerSecond, messageBurst: limits.messageBurst, conflateMs: 0, idleTimeoutSeconds: limits.idleTimeoutSeconds,
  }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const parsed = parseClientMessage(data.toString(), limits);
    if (!parsed.ok) { ws.send(errorMessage(parsed.error, parsed.message, parsed.op)); return; }
    const request = parsed.request;
    if (request.op === 'ping') ws.send(pongMessage(Date.now()));
    else if (request.op === 'subscribe') {
      for (const player of request.players) {
        ws.send(snapshotMessage(player, book.state(player)));
        players.add(player);
        let set = subscribers.get(player);
        if (!set) subscribers.set(player, (set = new Set()));
        set.add(ws);
      }
    } else if (request.op === 'unsubscribe') {
      for (const player of request.players) { players.delete(player); subscribers.get(player)?.delete(ws); }
    }
  });
  ws.on('close', () => {
    connections -= 1;
    for (const player of players) subscribers.get(player)?.delete(ws);
  });
  ws.on('error', () => ws.terminate());
});

const send = parentChannel<GatewayIn, GatewayOut>((message) => {
  if (message.type === 'sample') void sampleProcess(message.id, message.gc, { connections, ticksSent, metrics }).then(send);
  else if (message.type === 'stop') {
    server.close();
    void feed.stop().finally(() => { send({ type: 'stopped' }); process.exit(0); });
  }
});
send({ type: 'ready', port: args.port });
