// Where the running infrastructure is, for commands that use it (feed,
// users, bench...): the running `inplay up`, else the environment.
import { readStackState, isAlive, type Endpoints } from '@inplay/infra';
import { kafkaSecurityOf } from '@inplay/config';
import type { CliSettings } from './settings';

export function runningEndpoints(settings: CliSettings): Endpoints {
  const state = readStackState(settings.stateDir);
  if (state && isAlive(state.upPid)) return state;
  if (settings.KAFKA_BROKERS && settings.DATABASE_URL && settings.SCHEMA_REGISTRY_URL) {
    return {
      kafkaBrokers: settings.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(settings), databaseUrl: settings.DATABASE_URL, schemaRegistryUrl: settings.SCHEMA_REGISTRY_URL,
      ...(settings.ADMIN_DATABASE_URL ? { adminDatabaseUrl: settings.ADMIN_DATABASE_URL } : {}),
    };
  }
  throw new Error('nothing is running: start `npx inplay up` (or `npx inplay up --infra-only`) first, or set KAFKA_BROKERS, DATABASE_URL and SCHEMA_REGISTRY_URL');
}
