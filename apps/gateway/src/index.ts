// Public surface of the gateway: run it in-process (cli, tests, benchmarks),
// its config, its wire codes, and what HTTP route modules build on.
export { startGateway, type GatewayOptions, type RunningGateway } from './gateway';
export { loadGatewayConfig, validateLimits, DEFAULT_LIMITS, DEFAULT_ALLOWED_ORIGINS, type GatewayConfig, type GatewayLimits } from './config';
export { CLOSE, ERROR, PROTOCOL_VERSION, SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX, CLOSE_RECONNECT_RANGE, CLOSE_DO_NOT_RECONNECT_RANGE, shouldReconnect, type CloseCode, type ErrorName } from './protocol/codes';
export { WS_PATH } from './ws/socket-server';
export { priceTopic, userTopic } from './fanout/fanout';
export type { GatewayDeps, GatewayStatus, RouteModule } from './http/routes';
export { writeAnswer, errorAnswer, serveAsync, type HttpAnswer } from './http/respond';
