// `inplay users create`: demo users with starting cash, and a token to use them.
import { createUser, issueDevToken, MAX_STARTING_CASH_CENTS } from '@inplay/settlement';
import { eurosOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';
import { devSecrets } from '../secrets';

export const DEFAULT_STARTING_CASH_CENTS = 100_000;

export async function usersCreate(userIds: string[], options: { cash?: string; name?: string; json?: boolean }): Promise<void> {
  // Whole cents as written: "12.345" was rounded, "0x10" read as 16 and "" as 0.
  const cashCents = eurosOption('cash', options.cash, MAX_STARTING_CASH_CENTS) ?? DEFAULT_STARTING_CASH_CENTS;
  const settings = loadSettings();
  const { databaseUrl } = runningEndpoints(settings);
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
