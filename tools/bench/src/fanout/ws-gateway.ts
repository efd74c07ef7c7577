// Bench child: the baseline — the gateway most Node projects would write with
// the `ws` package. Same Kafka feed (startKafkaFeed: every tick, decoded the
// same way), and like with like: the same Fanout (price book, conflation at
// the source by conflateMs, prevSeq) and the same TickBatcher (one frame per
// connection per flushIntervalMs, each tick serialised once), so the only
// difference from the real gateway is the socket layer: ws.send per frame.
// Protocol subset: hello, subscribe -> snapshot then ticks, unsubscribe, ping.
// No slow-consumer policy (ws buffers without bound): the report says so.
// Node 20 has no SO_REUSEPORT (net `reusePort` arrived in 22.12), so each
// baseline process listens on a port of its own and clients spread over them.
// argv: JSON { brokers, registryUrl, prefix, port, serverId }
import { kafkaSecurityOf } from '@inplay/config';
import { WebSocketServer, WebSocket } from 'ws';
import type { PriceTick } from '@inplay/contracts';
import { createKafka, createSerde } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import {
  DEFAULT_LIMITS, Fanout, PriceBook, PublishThrottle, TickBatcher, createGatewayMetrics, errorMessage, helloMessage, parseClientMessage, pongMessage, priceTopic, snapshotMessage, startKafkaFeed,
  type GatewayLimits,
} from '@inplay/gateway';
import { parentChannel } from './children';
import type { GatewayIn, GatewayOut } from './messages';
import { sampleProcess } from './gateway-sample';

interface Args { brokers: string[]; registryUrl: string; prefix: string; port: number; serverId: string; limits: Partial<GatewayLimits> }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...args.limits };
const logger = createLogger(args.serverId, 'warn');

const book = new PriceBook(limits.ringBufferTicksPerPlayer);
const metrics = createGatewayMetrics(args.serverId);
let connections = 0;
const ticks = new TickBatcher<WebSocket>(limits.flushIntervalMs, (ws, frame) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: false });
}, (stats) => metrics.tickFrames.inc(stats.frames));
// The real gateway's fan-out (conflation, prevSeq, tick lag, messages sent); user topics are unused here.
const fanout = new Fanout(book, new PublishThrottle(limits.conflateMs), {
  publish: (topic, message) => ticks.publish(topic, message) > 0,
  numSubscribers: (topic) => ticks.subscriberCount(topic),
}, metrics, Date.now, limits.leaderboardTopEntries);

function onTick(tick: PriceTick, appendedAtMs: number, live: boolean): void {
  fanout.onTick(tick, appendedAtMs, live);
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
    onLatest: (latest, live) => fanout.onLatest(latest, live),
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
    maxMessagesPerSecond: limits.maxMessagesPerSecond, messageBurst: limits.messageBurst, conflateMs: limits.conflateMs, idleTimeoutSeconds: limits.idleTimeoutSeconds,
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
        ticks.subscribe(ws, priceTopic(player));
      }
    } else if (request.op === 'unsubscribe') {
      for (const player of request.players) { players.delete(player); ticks.unsubscribe(ws, priceTopic(player)); }
    }
  });
  ws.on('close', () => {
    connections -= 1;
    for (const player of players) ticks.unsubscribe(ws, priceTopic(player));
  });
  ws.on('error', () => ws.terminate());
});

const send = parentChannel<GatewayIn, GatewayOut>((message) => {
  if (message.type === 'sample') void sampleProcess(message.id, message.gc, { connections, metrics }).then(send);
  else if (message.type === 'stop') {
    fanout.stop();
    ticks.stop();
    server.close();
    void feed.stop().finally(() => { send({ type: 'stopped' }); process.exit(0); });
  }
});
send({ type: 'ready', port: args.port });
