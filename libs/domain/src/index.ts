// @inplay/domain: the pure heart of inplay. No I/O, no clock, no randomness
// but the injected seeded generator. Apps load state, call the deciders and
// persist what they return.
export { InvariantViolation, invariant } from './invariant';

export { createRandom, rngStateFromSeed, seedFromText, type RngState, type SeededRandom } from './random/seeded-random';

export {
  CONCEDING_KEEPER_ATTRIBUTE,
  MATCH_EVENT_TYPES,
  MATCH_WIDE_EVENT_TYPES,
  SCORING_EVENT_TYPES,
  isMatchEventType,
  type MatchEventDraft,
} from './match/match-event';
export {
  DEFAULT_INITIAL_PRICE_CENTS_BY_POSITION,
  initialPriceCentsOf,
  POSITIONS,
  keeperOf,
  opponentOf,
  type InitialPriceTable,
  type Position,
  type Roster,
  type RosterPlayer,
} from './match/roster';

export { DEFAULT_JUMP_TABLE, jumpBpFor, type EventRole, type JumpTable, type PlayerRole, type RoleJumpsBp } from './pricing/jump-table';
export {
  DEFAULT_PRICING_CONFIG,
  PRICING_LIMITS,
  minTickIntervalMs,
  validatePricingConfig,
  type PricingConfig,
  type PricingConfigResult,
} from './pricing/pricing-config';
export { BP_PER_UNIT, clampPriceCents, demandBp, driftBp, movePriceCents } from './pricing/price-moves';
export {
  SEEN_EVENT_IDS_LIMIT,
  SEEN_TRADE_IDS_LIMIT,
  evolve as evolvePricing,
  initialState as initialPricingState,
  ticksOf,
  type PlayerPriceState,
  type PricedPlayer,
  type PricingEvent,
  type PricingState,
} from './pricing/pricing-state';
export {
  isRejection,
  lockedUntilAfter,
  pricingDecider,
  type PricingCommand,
  type PricingDecider,
  type PricingDecision,
  type PricingRejection,
  type PricingRejectionCode,
} from './pricing/pricing-decider';
export { concedingKeeperId, rolesFor, type PlayerCommand } from './pricing/roles';

export { BIG_CHANCE_MIN_XG, mapStatsBombEvents, type StatsBombFeed, type StatsBombFeedOptions } from './feed/statsbomb-events';
export { statsBombTeams, type StatsBombTeams, type StatsBombTeamsResult } from './feed/statsbomb-teams';
export { MIN_PERIOD_BREAK_MS, PERIOD_NOMINAL_START_MS, parsePeriodTimestampMs, periodStartsMs } from './feed/statsbomb-clock';
export { positionFromStatsBomb, rosterFromLineups, type StatsBombRosterOptions } from './feed/statsbomb-roster';
export type { SbEvent, SbLineup, SbLineupPlayer, SbMatch, SbRef } from './feed/statsbomb-types';
export {
  ASSISTED_GOAL_SHARE,
  DEFAULT_SYNTHETIC_RATES_PER_HOUR,
  SYNTHETIC_LIMITS,
  SYNTHETIC_PROVIDER,
  generateSyntheticMatches,
  validateSyntheticOptions,
  type SyntheticMatches,
  type SyntheticMatchesOptions,
} from './feed/synthetic';

export {
  DEFAULT_FEED_LAG_JITTER_MS,
  DEFAULT_FEED_LAG_MS,
  REPLAY_LIMITS,
  paceDueAt,
  scheduleReplay,
  scopeEventIdToMatch,
  validateReplayTiming,
  wallTimeOf,
  type ReplayTiming,
} from './feed/replay-schedule';
export { SYNTHETIC_RUN_ID_PATTERN, scopeSyntheticMatches } from './feed/synthetic-instance';

export { MAX_BOARD_ENTRIES, compareEntries, portfolioValueCents, rankBoard, rankOf, restrictToPlayers, type Board, type Portfolio, type PriceLookup, type RankedEntry } from './leaderboard/ranking';

export {
  OVERALL_BOARD,
  applyFillToPosition,
  applyResult,
  applyTick,
  emptyPosition,
  holdingsOf,
  initialStandings,
  matchBoard,
  matchBoardId,
  openAccount,
  overallBoard,
  parseBoardId,
  playersByMatch,
  type Standings,
  type TradingPosition,
  type UserStanding,
} from './leaderboard/standings';
export { computeAllBoards, computeBoard, DEFAULT_TOP_ENTRIES, playersOfAllMatches, snapshotOf } from './leaderboard/boards';

export {
  batchWindowOf, DEFAULT_BATCH_WINDOW_MS, DEFAULT_DELAY_MS, DEFAULT_FAIRNESS_POLICY, DEFAULT_FAIRNESS_SETTINGS, EVENT_TIME_VOID, DEFAULT_VOID_HORIZON_MS, executeAt, FAIRNESS_POLICY_NAMES,
  fairnessVerdict, isEventTick, lowerMedian, MAX_POLICY_WINDOW_MS, NO_FAIRNESS, parseFairnessPolicy, parseFairnessSettings, policyForMatch, medianTick, priceAt, TRADE_LOCK, windowPrices, windowTicks,
  type DelayedOnEvent, type FairnessInput, type FairnessPolicyConfig, type FairnessPolicyName, type FairnessSettings, type FairnessVerdict, type ParsedPolicy, type PriceInForce,
} from './fairness/fairness-policy';
export {
  addProvisional, available, fillsVoidedBy, isProvisional, provisionalOf, voidFill, voidPostings, voidTransactionId,
  type LateEventTick, type VoidableFill, type VoidEffect,
} from './fairness/event-time-void';
export { GENESIS_HASH, canonicalEntry, chainPostings, entryHash, verifyChains, type ChainBreak, type ChainBreakKind, type ChainHead, type ChainedEntry, type Sha256Hex } from './ledger/chain';
export { ISSUANCE_ACCOUNT, accountBalances, balanced, cashAccount, fillPostings, issuancePostings, marketAccount, unbalancedTransactions, type Posting } from './ledger/postings';
export {
  evolve as evolveSettlement,
  initialState as initialSettlementState,
  orderKey,
  type AccountState,
  type OrderToSettle,
  type SettlementEvent,
  type SettlementRejectionCode,
  type SettlementState,
  type SettlementVoidReason,
  VOIDED_LATE_EVENT,
} from './orders/settlement-state';
export {
  DEFAULT_MAX_PRICE_AGE_MS,
  DEFAULT_SETTLEMENT_CONFIG,
  MAX_ORDER_QUANTITY,
  policyOf,
  settlementDecider,
  type FairnessSelector,
  type FilledOrder,
  type PriceHistoryLookup,
  type PriceInForceLookup,
  type SettleBatch,
  type SettlementConfig,
  type SettlementCommand,
  type SettlementDecider,
  type VoidLateFills,
} from './orders/settlement-decider';
export { guardsOf, resultOf, tradeOf, type CashGuard, type HoldingGuard } from './orders/settlement-effects';

export {
  holdingKey,
  startRebuild,
  tickKey,
  type Discrepancy,
  type DiscrepancyKind,
  type GenesisAccount,
  type Rebuild,
  type OrderRow,
  type RebuiltOrderRow,
  type RebuiltProjection,
} from './audit/rebuild';

export { portfolioView, type PortfolioFill, type PortfolioLine, type PortfolioView } from './portfolio/portfolio-view';
export {
  DEFAULT_FRONT_RUN_MS, DEFAULT_FRONT_RUN_TYPES, DEFAULT_HONEST_MEAN_INTERVAL_MS, DEFAULT_SELL_AFTER_FEED_MS, HONEST_MAX_QUANTITY,
  medianOf, planFrontRuns, planHonestOrders, type FrontRun, type HonestOrderPlan, type PlannedEvent,
} from './fairness/experiment-plan';
export {
  ANOMALY_LIMITS, DEFAULT_ANOMALY_EPSILON_MS, DEFAULT_ANOMALY_EVIDENCE_PER_USER, DEFAULT_ANOMALY_MIN_MOVE_BP,
  anomalyReport, edgeOf, inWindow, moveBp, validateAnomalyOptions,
  type AnomalyEvidence, type AnomalyOptions, type AnomalyOrder, type AnomalyReport, type AnomalyUser, type PriceMove,
} from './fairness/anomaly-report';
