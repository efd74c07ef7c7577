// Settlement's configuration, read once from the environment and validated.
import { infraHints, infraShape, loadConfig, loadFairnessSettings, ORDER_SIGNING_KEY_HINT, orderSigningKey, positiveInt, postgresUrl, serviceInfra, z } from '@inplay/config';
import { DEFAULT_MAX_PRICE_AGE_MS } from '@inplay/domain';
import { DEFAULT_PENDING_GRACE_MS, DEFAULT_PENDING_POLL_MS } from './pending-executor';
import { STRATEGY_NAMES } from './strategies';

const shape = {
  ...infraShape,
  DATABASE_URL: postgresUrl,
  SETTLEMENT_STRATEGY: z.enum(STRATEGY_NAMES).default('atomic-guard'),
  SETTLEMENT_MAX_PRICE_AGE_MS: positiveInt.default(DEFAULT_MAX_PRICE_AGE_MS),
  SETTLEMENT_PENDING_POLL_MS: positiveInt.default(DEFAULT_PENDING_POLL_MS),
  SETTLEMENT_PENDING_GRACE_MS: positiveInt.default(DEFAULT_PENDING_GRACE_MS),
  FAIRNESS_POLICY: z.string().optional(),
  FAIRNESS_POLICY_BY_MATCH: z.string().optional(),
  ORDER_SIGNING_KEY: orderSigningKey,
};

export function loadSettlementSettings(env: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(shape, env, {
    ...infraHints,
    DATABASE_URL: 'Settlement keeps the ledger there',
    ORDER_SIGNING_KEY: ORDER_SIGNING_KEY_HINT,
    SETTLEMENT_STRATEGY: `One of ${STRATEGY_NAMES.join(', ')} (naive is incorrect by design: benchmarks only)`,
    SETTLEMENT_MAX_PRICE_AGE_MS: 'Orders are rejected PRICE_UNAVAILABLE when the latest tick is older than this',
    SETTLEMENT_PENDING_POLL_MS: 'How often due delayed / sealed-batch orders are looked for',
    SETTLEMENT_PENDING_GRACE_MS: 'How long a due order waits for ticks computed up to its execution time',
  });
  const fairness = loadFairnessSettings(env);
  return {
    ...serviceInfra(raw),
    strategy: raw.SETTLEMENT_STRATEGY,
    maxPriceAgeMs: raw.SETTLEMENT_MAX_PRICE_AGE_MS,
    pendingPollMs: raw.SETTLEMENT_PENDING_POLL_MS,
    pendingGraceMs: raw.SETTLEMENT_PENDING_GRACE_MS,
    fairness,
    orderSigningKey: raw.ORDER_SIGNING_KEY,
  };
}
