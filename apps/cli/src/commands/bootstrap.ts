// `inplay bootstrap`: topics, migrations and schemas on infrastructure that
// runs elsewhere (KAFKA_BROKERS, DATABASE_URL, SCHEMA_REGISTRY_URL), then exit.
// The schemas are registered as the registry's writer: SCHEMA_REGISTRY_USER and
// SCHEMA_REGISTRY_PASSWORD from the environment.
// The Helm chart runs it as a pre-install job.
import { startInfra } from '@inplay/infra';
import { loadSettings, externalEndpoints } from '../settings';

export async function bootstrap(): Promise<void> {
  const settings = loadSettings();
  const infra = await startInfra({
    mode: 'external',
    cacheDir: settings.cacheDir,
    stateDir: settings.stateDir,
    external: externalEndpoints(settings),
  });
  await infra.stop();
}
