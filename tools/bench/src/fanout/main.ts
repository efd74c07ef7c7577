// Runs the fan-out bench without the CLI, against the shared infrastructure:
//   node --import tsx apps/gateway/src/bench/main.ts --connections 5000 --json bench-results/fanout.json
// Endpoints from KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL (defaults: this machine's shared infra).
import { kafkaSecurityOf } from '@inplay/config';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { benchFanout } from './bench-fanout';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '5000' },
    json: { type: 'string', default: 'bench-results/fanout.json' },
    chart: { type: 'string' },
    'duration-s': { type: 'string' },
    'warmup-s': { type: 'string' },
    only: { type: 'string' },
    steps: { type: 'string' },
    players: { type: 'string' },
    subs: { type: 'string' },
    'ticks-per-sec': { type: 'string' },
    'gateway-processes': { type: 'string' },
    'load-processes': { type: 'string' },
    client: { type: 'string' },
    'conflate-ms': { type: 'string' },
    'flush-interval-ms': { type: 'string' },
    repetitions: { type: 'string' },
    'profile-dir': { type: 'string' },
  },
});
const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const only = values.only as 'uws' | 'ws' | 'both' | undefined;
await benchFanout({
  connections: Number(values.connections),
  json: resolve(values.json),
  chart: values.chart ? resolve(values.chart) : undefined,
  durationMs: values['duration-s'] ? Number(values['duration-s']) * 1000 : undefined,
  warmupMs: values['warmup-s'] ? Number(values['warmup-s']) * 1000 : undefined,
  only,
  steps: values.steps?.split(',').map(Number),
  players: num(values.players),
  subsPerConnection: num(values.subs),
  ticksPerSec: num(values['ticks-per-sec']),
  gatewayProcesses: num(values['gateway-processes']),
  loadProcesses: num(values['load-processes']),
  loadClient: values.client as 'raw' | 'ws' | undefined,
  gatewayLimits: values['conflate-ms'] || values['flush-interval-ms'] ? {
    ...(values['conflate-ms'] ? { conflateMs: Number(values['conflate-ms']) } : {}),
    ...(values['flush-interval-ms'] ? { flushIntervalMs: Number(values['flush-interval-ms']) } : {}),
  } : undefined,
  repetitions: num(values.repetitions),
  profileDir: values['profile-dir'] ? resolve(values['profile-dir']) : undefined,
  brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(','),
  kafkaSecurity: kafkaSecurityOf(process.env),
  registryUrl: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:18081',
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://inplay:inplay@127.0.0.1:15432/inplay',
});
process.exit(0);
