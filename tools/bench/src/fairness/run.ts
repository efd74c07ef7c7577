// `inplay fairness`: the latency-arbitrage experiment once per policy, wired
// to the audit replay and the anomaly report after each run; a table, the
// report as JSON and a chart beside it.
import { type KafkaSecurity } from '@inplay/kafka';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { anomalyReport, runReplayAudit } from '@inplay/audit';
import { DEFAULT_HONEST_MEAN_INTERVAL_MS, DEFAULT_SELL_AFTER_FEED_MS, type FairnessPolicyConfig, type FairnessPolicyName } from '@inplay/domain';
import { textTable } from '@inplay/telemetry';
import { fairnessChartSvg } from './chart';
import { runFairnessExperiment, type ExperimentReport } from './experiment';
import { EXPERIMENT_FEED_JITTER_MS, EXPERIMENT_FEED_LAG_MS } from './policies';

export interface FairnessRunOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  adminDatabaseUrl: string;
  /** Where the JSON report goes; the chart beside it (.svg). */
  json: string;
  policies: { name: FairnessPolicyName; config: FairnessPolicyConfig }[];
  speed: number;
  honestUsers: number;
  frontRunMs: number;
  seed: number;
  untilMinute?: number;
  keep: boolean;
}

export async function runFairness(o: FairnessRunOptions): Promise<ExperimentReport> {
  const tty = process.stderr.isTTY;
  const report = await runFairnessExperiment({
    brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, adminDatabaseUrl: o.adminDatabaseUrl, policies: o.policies, speed: o.speed, honestUsers: o.honestUsers,
    honestMeanIntervalMs: DEFAULT_HONEST_MEAN_INTERVAL_MS, frontRunMs: o.frontRunMs, sellAfterFeedMs: DEFAULT_SELL_AFTER_FEED_MS,
    feedLagMs: EXPERIMENT_FEED_LAG_MS, feedLagJitterMs: EXPERIMENT_FEED_JITTER_MS, seed: o.seed, keep: o.keep,
    ...(o.untilMinute !== undefined ? { untilMinute: o.untilMinute } : {}),
    audit: async (run) => {
      const r = await runReplayAudit({ ...run, adminDatabaseUrl: o.adminDatabaseUrl, liveDatabaseUrl: run.databaseUrl, dropRebuiltDatabase: true, progressOut: null, verdictOut: null });
      return { equal: r.equal, discrepancies: r.discrepancies.length };
    },
    rankUsers: async (run) => (await anomalyReport(run)).users.map((u) => u.userId),
    log: (line) => { if (tty) process.stderr.write('\r\x1b[2K'); console.error(line); },
    progress: (policy, minute, total, orders, results) => {
      const line = `[${policy}] match minute ${minute}/${total} · ${orders} orders · ${results} results`;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
  });
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(o.json.replace(/(\.json)?$/, '.svg'), fairnessChartSvg(report));
  console.log(formatFairnessTable(report));
  return report;
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
