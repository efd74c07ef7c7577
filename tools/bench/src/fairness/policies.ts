// The policies the fairness experiment compares and the feed it runs them on.
import {
  DEFAULT_BATCH_WINDOW_MS, DEFAULT_VOID_HORIZON_MS, FAIRNESS_POLICY_NAMES, type FairnessPolicyConfig, type FairnessPolicyName,
} from '@inplay/domain';

/** The experiment's feed: 30 s lag plus up to 10 s jitter, inside the 15–40 s that real feeds show. */
export const EXPERIMENT_FEED_LAG_MS = 30_000;
export const EXPERIMENT_FEED_JITTER_MS = 10_000;
/** Delayed execution in the experiment waits out the feed's largest lag. */
export const EXPERIMENT_DELAY_MS = EXPERIMENT_FEED_LAG_MS + EXPERIMENT_FEED_JITTER_MS;

export function experimentPolicies(list: string | undefined, delayMs: number): { name: FairnessPolicyName; config: FairnessPolicyConfig }[] {
  const names = (list ?? FAIRNESS_POLICY_NAMES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(FAIRNESS_POLICY_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--policies takes a comma-separated list of ${FAIRNESS_POLICY_NAMES.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
  const configs: Record<FairnessPolicyName, FairnessPolicyConfig> = {
    none: { policy: 'none' },
    'trade-lock': { policy: 'trade-lock' },
    delayed: { policy: 'delayed', delayMs, onEvent: 'void' },
    'sealed-batch': { policy: 'sealed-batch', batchWindowMs: DEFAULT_BATCH_WINDOW_MS },
    'event-time-void': { policy: 'event-time-void', voidHorizonMs: DEFAULT_VOID_HORIZON_MS },
  };
  return [...new Set(names)].map((name) => ({ name: name as FairnessPolicyName, config: configs[name as FairnessPolicyName] }));
}
