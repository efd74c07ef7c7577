// Public surface of the gateway: run it in-process (cli, tests, benchmarks),
// its config, its wire codes, and what HTTP route modules build on.
export { startGateway, type GatewayOptions, type RunningGateway } from './gateway';
export { loadGatewayConfig, validateLimits, DEFAULT_LIMITS, DEFAULT_ALLOWED_ORIGINS, DEFAULT_GATEWAY_INTERNAL_PORT, type GatewayConfig, type GatewayLimits } from './config';
export { CLOSE, ERROR, PROTOCOL_VERSION, SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX, CLOSE_RECONNECT_RANGE, CLOSE_DO_NOT_RECONNECT_RANGE, shouldReconnect, type CloseCode, type ErrorName } from './protocol/codes';
export { WS_PATH } from './ws/socket-server';
export { priceTopic, userTopic } from './fanout/fanout';
export type { GatewayDeps, GatewayStatus, RouteModule } from './http/routes';
export { writeAnswer, errorAnswer, serveAsync, type HttpAnswer } from './http/respond';
// For tools (benchmarks, the ws baseline) that run the gateway's parts in processes of their own.
export { createGatewayMetrics, type GatewayMetrics } from './metrics';
export { PriceBook } from './fanout/price-book';
export { Fanout } from './fanout/fanout';
export { PublishThrottle } from './fanout/publish-throttle';
export { TickBatcher, type FlushStats } from './fanout/tick-batcher';
export { startKafkaFeed, type FeedHandlers, type KafkaFeed } from './feed/kafka-feed';
export { parseClientMessage } from './protocol/client-messages';
export { batchMessage, errorMessage, helloMessage, pongMessage, snapshotMessage, tickMessage } from './protocol/server-messages';
// The HTTP modules, each built on the gateway's own adapters (GatewayDeps).
export { orderRoutes, DEFAULT_ORDER_RATE_LIMIT, type OrderModuleOptions, type RateLimit } from './orders';
// The intake's idempotency record and its sweeper, for tests that stage a gateway dying between claiming and producing.
export { createOrderStore, parseOrderBody, sweepUnsentClaims, MAX_CLAIMS_PER_SWEEP, type OrderStore } from './orders';
export { leaderboardRoutes } from './leaderboard';
export { portfolioRoutes } from './portfolio';
export { adminRoutes } from './admin';
export { staticRoutes } from './http/static';
