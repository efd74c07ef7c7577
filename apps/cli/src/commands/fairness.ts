// `inplay fairness --json FILE`: the latency-arbitrage experiment of issue #5
// (apps/cli/src/fairness/experiment.ts) once per policy, a table on stdout, the
// report as JSON and a chart beside it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  DEFAULT_BATCH_WINDOW_MS, DEFAULT_FRONT_RUN_MS, DEFAULT_HONEST_MEAN_INTERVAL_MS, DEFAULT_SELL_AFTER_FEED_MS, DEFAULT_VOID_HORIZON_MS,
  FAIRNESS_POLICY_NAMES, type FairnessPolicyConfig, type FairnessPolicyName,
} from '@inplay/domain';
import { runningEndpoints } from '../endpoints';
import { textTable } from '@inplay/telemetry';
import { fairnessChartSvg } from '../fairness/chart';
import { runFairnessExperiment, type ExperimentReport } from '../fairness/experiment';
import { intOption } from '../options';
import { loadSettings } from '../settings';

/** The experiment's feed: 30 s lag plus up to 10 s jitter, inside the 15–40 s that real feeds show. */
export const EXPERIMENT_FEED_LAG_MS = 30_000;
export const EXPERIMENT_FEED_JITTER_MS = 10_000;
/** Delayed execution in the experiment waits out the feed's largest lag. */
export const EXPERIMENT_DELAY_MS = EXPERIMENT_FEED_LAG_MS + EXPERIMENT_FEED_JITTER_MS;

export interface FairnessCommandOptions {
  json?: string;
  policies?: string;
  speed?: string;
  honestUsers?: string;
  frontRunMs?: string;
  delayMs?: string;
  untilMinute?: string;
  seed?: string;
  keep?: boolean;
}

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

export async function fairnessCommand(options: FairnessCommandOptions): Promise<void> {
  const delayMs = intOption('delay-ms', options.delayMs, { min: 1, max: 600_000 }) ?? EXPERIMENT_DELAY_MS;
  const policies = experimentPolicies(options.policies, delayMs);
  const speed = intOption('speed', options.speed, { min: 1, max: 200 }) ?? 60;
  const honestUsers = intOption('honest-users', options.honestUsers, { min: 1, max: 5_000 }) ?? 200;
  const frontRunMs = intOption('front-run-ms', options.frontRunMs, { min: 0, max: 600_000 }) ?? DEFAULT_FRONT_RUN_MS;
  const seed = intOption('seed', options.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 1;
  const untilMinute = intOption('until-minute', options.untilMinute, { min: 1, max: 200 });
  const json = resolve(options.json ?? 'bench-results/fairness.json');
  const e = runningEndpoints(loadSettings());
  if (!e.adminDatabaseUrl) throw new Error('inplay fairness creates a database per run: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  const { anomalyReport, runReplayAudit } = await import('@inplay/audit');
  const tty = process.stderr.isTTY;
  const report = await runFairnessExperiment({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, policies, speed, honestUsers,
    honestMeanIntervalMs: DEFAULT_HONEST_MEAN_INTERVAL_MS, frontRunMs, sellAfterFeedMs: DEFAULT_SELL_AFTER_FEED_MS,
    feedLagMs: EXPERIMENT_FEED_LAG_MS, feedLagJitterMs: EXPERIMENT_FEED_JITTER_MS, seed, keep: options.keep ?? false,
    ...(untilMinute !== undefined ? { untilMinute } : {}),
    audit: async (run) => {
      const r = await runReplayAudit({ ...run, adminDatabaseUrl: e.adminDatabaseUrl!, liveDatabaseUrl: run.databaseUrl, dropRebuiltDatabase: true, progressOut: null, verdictOut: null });
      return { equal: r.equal, discrepancies: r.discrepancies.length };
    },
    rankUsers: async (run) => (await anomalyReport(run)).users.map((u) => u.userId),
    log: (line) => { if (tty) process.stderr.write('\r\x1b[2K'); console.error(line); },
    progress: (policy, minute, total, orders, results) => {
      const line = `[${policy}] match minute ${minute}/${total} · ${orders} orders · ${results} results`;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
  });
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(json.replace(/(\.json)?$/, '.svg'), fairnessChartSvg(report));
  console.log(formatFairnessTable(report));
  console.log(`wrote ${json} and its chart`);
}

export function formatFairnessTable(report: ExperimentReport): string {
  const header = ['policy', 'front-runner P&L €', 'FR buys filled/voided', 'honest fill rate', 'honest median fill s', 'FR anomaly rank', 'honest median P&L €', 'ledger', 'audit'];
  const rows = Object.entries(report.policies).map(([name, p]) => [
    name, (p.frontRunnerPnl / 100).toFixed(2), `${p.frontRunner.buysFilled}/${p.frontRunner.buysVoided}`, `${(p.honestFillRate * 100).toFixed(1)} %`,
    p.honestMedianTimeToFillMs === null ? '-' : (p.honestMedianTimeToFillMs / 1000).toFixed(1), String(p.frontRunnerRank ?? '-'),
    p.honest.medianPnlCents === null ? '-' : (p.honest.medianPnlCents / 100).toFixed(2),
    p.ledgerViolations === 0 ? 'ok' : `${p.ledgerViolations} violations`, p.auditEqual === null ? '-' : p.auditEqual ? 'equal' : 'DIFFERS',
  ]);
  return [
    `${report.match.provider} match ${report.match.providerMatchId}: ${report.match.events} events, ${report.match.goals} goals, ${report.match.minutes} min; ${report.setup.honestUsers} honest users, front-runner ${report.setup.frontRunMs / 1000} s ahead of the feed`,
    ...textTable(header, rows, { rule: true }),
  ].join('\n');
}
