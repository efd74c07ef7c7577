export { startSettlement, SETTLEMENT_GROUP_ID, type RunningSettlement, type SettlementOptions } from './settlement';
export { createUser, issueDevToken, MAX_STARTING_CASH_CENTS, type CreateUserResult, type NewUser } from './users';
export { settlementStrategy, STRATEGY_NAMES, SettlementDivergence, type SettlementStrategy, type StrategyName } from './strategies';
export { settleOrders, inTransactionWithRetry, MAX_ORDERS_PER_TRANSACTION, type SettleContext, type SettledBatch } from './settle-orders';
export { loadSettlementSettings } from './settings';
export { checkLedgerInvariants, type LedgerAudit } from './audit';
export { OUTBOX_BATCH_ROWS } from './outbox-relay';
export { createSettlementMetrics, DEFAULT_SETTLEMENT_METRICS_PORT, type SettlementMetrics } from './metrics';
export type { OutboxBacklog } from './settlement';
