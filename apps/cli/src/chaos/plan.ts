// The scenario matrix of `inplay chaos` and the arithmetic of its report:
// what each scenario does, and orders/s, p99 and time to recover in the
// windows around a fault. Pure: the run (run.ts) does the I/O.

export const SCENARIOS = {
  'kill-settlement': 'kill -9 of settlement mid-load, started again',
  'kill-pricing': 'kill -9 of pricing, started again',
  'kill-gateway': 'kill -9 of the gateway with orders in flight, started again (clients retry with the same key)',
  'kill-feed-ingest': 'kill -9 of feed-ingest mid-replay, started again (it resumes the match)',
  'kill-leaderboard': 'kill -9 of leaderboard, started again',
  'kill-registry': 'kill -9 of the schema registry, started again',
  'registry-new-schema': 'orders written with a schema id no consumer has cached (a new compatible version) while the registry is down',
  'kafka-restart': 'the broker stopped (controlled shutdown) and started again on its data',
  'kafka-kill': 'kill -9 of the broker, started again on its data',
  'postgres-restart': 'Postgres stopped (every connection cut) and started again on its data',
  'kafka-latency': '200 ms ± 50 ms added between every client and Kafka (toxiproxy)',
  'postgres-latency': '200 ms ± 50 ms added between every service and Postgres (toxiproxy)',
  'kafka-bandwidth': 'Kafka connections limited to 64 KB/s each way (toxiproxy)',
  'postgres-reset': 'Postgres connections reset by peer as they send (toxiproxy reset_peer)',
  'kafka-partition': 'Kafka cut off: data stops both ways, connections hang (toxiproxy timeout)',
  'postgres-partition': 'Postgres cut off: data stops both ways, connections hang (toxiproxy timeout)',
  'settlement-scale': 'settlement instances 1 → 3 → 1 under load (rebalances)',
  'clock-skew': 'settlement restarted with its clock 5 s ahead of pricing\'s (libfaketime)',
  'broker-kill': 'one of the three brokers of the container cluster killed (docker kill), started again',
} as const;
export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The timeline of one scenario. */
export interface ChaosTimings {
  /** Steady load before the fault. */
  warmMs: number;
  /** How long the fault lasts (a process down, a toxic in place). */
  faultMs: number;
  /** Steady load after recovery. */
  afterMs: number;
  /** How long accepted orders may take to settle once the load stops. */
  drainTimeoutMs: number;
}

export const DEFAULT_TIMINGS: ChaosTimings = { warmMs: 10_000, faultMs: 10_000, afterMs: 15_000, drainTimeoutMs: 90_000 };

export type ChaosInfra = 'local' | 'containers';

/**
 * Where each scenario runs. Local: one broker and Postgres as processes here, toxiproxy in front of both.
 * Containers: the 3-broker cluster (one broker can die without loss), toxiproxy in front of Postgres only
 * (the brokers advertise their own ports), the registry in a container.
 */
const LOCAL_ONLY: readonly ScenarioName[] = ['kill-registry', 'registry-new-schema', 'kafka-restart', 'kafka-kill', 'postgres-restart', 'kafka-latency', 'kafka-bandwidth', 'kafka-partition'];
const CONTAINERS_ONLY: readonly ScenarioName[] = ['broker-kill'];

export function scenariosFor(infra: ChaosInfra): ScenarioName[] {
  const excluded = infra === 'local' ? CONTAINERS_ONLY : LOCAL_ONLY;
  return SCENARIO_NAMES.filter((n) => !excluded.includes(n));
}

/** Scenario names from `--scenario a,b` (all of the infra's when absent); unknown names and names of the other infra refused. */
export function parseScenarios(option: string | undefined, infra: ChaosInfra = 'local'): ScenarioName[] {
  const available = scenariosFor(infra);
  if (option === undefined) return available;
  const names = option.split(',').map((s) => s.trim()).filter(Boolean);
  // hasOwn, not `in`: "constructor" or "toString" must not pass as a scenario through Object.prototype.
  const unknown = names.filter((n) => !Object.hasOwn(SCENARIOS, n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--scenario takes a comma-separated list of ${SCENARIO_NAMES.join(', ')}; got ${JSON.stringify(option)}`);
  }
  const elsewhere = names.filter((n) => !available.includes(n as ScenarioName));
  if (elsewhere.length > 0) throw new Error(`--scenario ${elsewhere.join(', ')}: not with --infra=${infra}; it runs ${available.join(', ')}`);
  return names as ScenarioName[];
}

/** The q-quantile (0..1) of the values, nearest rank; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface TimedOutcome {
  startedAt: number;
  endedAt: number;
  accepted: boolean;
  settled: boolean;
}

export interface WindowStats {
  /** Orders accepted per second, by when they were placed. */
  acceptedPerSec: number;
  /** Placed orders the gateway did not accept (after the client's retries). */
  notAccepted: number;
  /** p99 from placing an order to its result, for orders settled within the wait (ms). */
  p99Ms: number | null;
}

export function windowStats(outcomes: readonly TimedOutcome[], fromMs: number, toMs: number): WindowStats {
  const inWindow = outcomes.filter((o) => o.startedAt >= fromMs && o.startedAt < toMs);
  const seconds = Math.max(0.001, (toMs - fromMs) / 1_000);
  return {
    acceptedPerSec: Math.round((inWindow.filter((o) => o.accepted).length / seconds) * 10) / 10,
    notAccepted: inWindow.filter((o) => !o.accepted).length,
    p99Ms: quantile(inWindow.filter((o) => o.settled).map((o) => o.endedAt - o.startedAt), 0.99),
  };
}

/**
 * Time to recover: from the end of the fault to the first result of an order
 * placed after it (the earliest end among those that settled); null when none did.
 */
export function recoveryMs(outcomes: readonly TimedOutcome[], recoveredAt: number): number | null {
  const ends = outcomes.filter((o) => o.startedAt >= recoveredAt && o.settled).map((o) => o.endedAt);
  return ends.length ? Math.min(...ends) - recoveredAt : null;
}
