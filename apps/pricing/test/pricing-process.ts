// Pricing as deployed (its own process) for the crash test: started by path,
// stopped with SIGTERM (must exit 0) or killed with SIGKILL (nothing flushed).
import { kafkaSecurityEnv, type KafkaSecurity } from '@inplay/kafka';
import { freePort, startTsProcess } from '@inplay/infra';

export interface PricingProcess {
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function spawnPricing(o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; databaseUrl: string; prefix: string; env?: Record<string, string> }): Promise<PricingProcess> {
  const child = await startTsProcess({
    entry: 'apps/pricing/src/main.ts', name: 'pricing', ready: (line) => line.includes('"pricing started"'),
    env: {
      KAFKA_BROKERS: o.brokers.join(','), ...kafkaSecurityEnv(o.kafkaSecurity), SCHEMA_REGISTRY_URL: o.registryUrl, DATABASE_URL: o.databaseUrl,
      TOPIC_PREFIX: o.prefix, METRICS_PORT: String(await freePort()), LOG_LEVEL: 'info', ...o.env,
    },
  });
  return { stop: () => child.stop({ expectCleanExit: true }), kill: () => child.kill() };
}
