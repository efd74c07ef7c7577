// `inplay replay` (the audit: rebuild every projection from the topics into a
// fresh database and prove it equal to the live one) and `inplay backfill`.
import { resolve } from 'node:path';
import { ConfigError } from '@inplay/config';
import { parseFairnessSettings } from '@inplay/domain';
import { timeOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';

export async function replayCommand(options: { json?: string }): Promise<void> {
  const { runReplayAudit } = await import('@inplay/audit');
  const settings = loadSettings();
  const fairness = parseFairnessSettings(process.env['FAIRNESS_POLICY'], process.env['FAIRNESS_POLICY_BY_MATCH']);
  if (!fairness.ok) throw new ConfigError(fairness.errors);
  const e = runningEndpoints(settings);
  if (!e.adminDatabaseUrl) throw new Error('the audit rebuilds into a fresh database: it needs the embedded Postgres of `inplay up`, or ADMIN_DATABASE_URL (a role that may CREATE DATABASE) beside KAFKA_BROKERS, DATABASE_URL and SCHEMA_REGISTRY_URL');
  const report = await runReplayAudit({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, liveDatabaseUrl: e.databaseUrl,
    topicPrefix: settings.TOPIC_PREFIX, fairness: fairness.settings, ...(options.json ? { json: resolve(options.json) } : {}),
  });
  if (!report.equal) process.exitCode = 4;
}

export async function backfillCommand(options: { board: string; from?: string }): Promise<void> {
  const from = timeOption('from', options.from);
  const { runBackfill } = await import('@inplay/audit');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  let stop = false;
  process.once('SIGINT', () => { stop = true; console.error('\nstopping after the current record; run the same command again to resume'); });
  const report = await runBackfill({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, board: options.board,
    topicPrefix: settings.TOPIC_PREFIX, ...(from !== undefined ? { from } : {}), stopped: () => stop,
  });
  console.log(JSON.stringify(report, null, 2));
}
