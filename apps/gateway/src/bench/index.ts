// The fan-out benchmark (`inplay bench fanout`): see bench-fanout.ts for what
// it measures and docs/scaling.md for what the numbers mean at scale.
export { benchFanout, DEFAULTS as BENCH_FANOUT_DEFAULTS, type BenchFanoutOptions, type FanoutReport, type RunResult } from './bench-fanout';
