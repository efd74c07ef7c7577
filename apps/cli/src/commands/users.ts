// `inplay users create`: demo users with starting cash, and a token to use them.
import { createUser, issueDevToken } from '@inplay/settlement';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';
import { devSecrets } from '../secrets';

export const DEFAULT_STARTING_CASH_CENTS = 100_000;

export async function usersCreate(userIds: string[], options: { cash?: string; name?: string; json?: boolean }): Promise<void> {
  const settings = loadSettings();
  const { databaseUrl } = runningEndpoints(settings);
  const cashCents = options.cash === undefined ? DEFAULT_STARTING_CASH_CENTS : Math.round(Number(options.cash) * 100);
  if (!Number.isSafeInteger(cashCents) || cashCents < 0) throw new Error(`--cash must be an amount in euros, got ${JSON.stringify(options.cash)}`);
  const { JWT_SECRET } = devSecrets(settings.stateDir);
  const out: { userId: string; created: boolean; cashCents: number; token: string }[] = [];
  for (const userId of userIds) {
    const result = await createUser(databaseUrl, { userId, displayName: options.name ?? userId, cashCents });
    if (!result.ok) throw new Error(`${userId}: ${result.message} (${result.code})`);
    out.push({ userId, created: result.created, cashCents, token: await issueDevToken({ jwtSecret: JWT_SECRET, userId }) });
  }
  if (options.json) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  for (const u of out) {
    console.log(`${u.userId}: ${u.created ? 'created' : 'already existed'}${u.created ? ` with €${(u.cashCents / 100).toFixed(2)}` : ''}`);
    console.log(`  token: ${u.token}`);
  }
}
