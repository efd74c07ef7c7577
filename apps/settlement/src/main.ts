// The settlement process: read config, migrate, run until SIGTERM/SIGINT.
// Any unexpected error exits 1; a restart resumes from the offsets in Postgres.
import { migrate } from '@inplay/db';
import { createLogger } from '@inplay/telemetry';
import { startSettlement } from './settlement';
import { loadSettlementSettings } from './settings';

const settings = loadSettlementSettings();
const logger = createLogger('settlement', settings.logLevel);
await migrate(settings.databaseUrl);
const settlement = await startSettlement({ ...settings, logger });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    settlement.stop().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'stop failed'); process.exit(1); });
  });
}
