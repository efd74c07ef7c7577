// @inplay/bench: benchmarks, load generators and the fairness experiment.
// Not production code: it may wire services together (the CLI's
// `inplay bench …` and `inplay fairness` call it), and no service imports it.
export { DEFAULT_REPETITIONS, MAX_REPETITIONS, MIN_REPETITIONS } from './shared/repeat';
export { benchPricing, DEFAULT_BENCH_RATES, DEFAULT_THROUGHPUT_EVENTS, type BenchPricingOptions, type BenchPricingReport } from './pricing/bench';
export { benchSettlement, BENCH_DEFAULTS, type BenchSettlementOptions, type StrategyReport } from './settlement/bench';
export { benchFanout, DEFAULTS as BENCH_FANOUT_DEFAULTS, type BenchFanoutOptions, type FanoutReport, type RunResult } from './fanout/bench-fanout';
export { benchReplay, REPLAY_GOAL_EVENTS_PER_SEC, type BenchReplayOptions } from './replay/bench';
export { recordHistory, matchOfPlayer, playerOf, type HistoryShape } from './replay/history';
export { runFairnessExperiment, runFairnessPolicy, type ExperimentOptions, type ExperimentReport, type PolicyOutcome } from './fairness/experiment';
export { EXPERIMENT_DELAY_MS, EXPERIMENT_FEED_JITTER_MS, EXPERIMENT_FEED_LAG_MS, experimentPolicies } from './fairness/policies';
export { formatFairnessTable, runFairness, type FairnessRunOptions, type FairnessSweepReport } from './fairness/run';
export { MAX_SWEEP_CONCURRENCY, MAX_SWEEP_SEEDS, parseConcurrency } from './fairness/sweep';
