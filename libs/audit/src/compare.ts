// Compares the projection rebuilt from the topics with the live one, row by
// row, and re-verifies the live ledger's hash chains. Every difference is a
// Discrepancy naming the row and both values.
import {
  verifyChains, type ChainedEntry, type Discrepancy, type RebuiltOrderRow, type RebuiltProjection, type Sha256Hex,
} from '@inplay/domain';
import type { LiveProjection } from './live';

const ORDER_FIELDS = [
  'userId', 'idempotencyKey', 'playerId', 'side', 'quantity', 'limitPriceCents', 'placedAt', 'status', 'reason',
  'fillPriceCents', 'tickSeq', 'costCents', 'retryAfterMs', 'cashAfterCents', 'settledAt',
] as const satisfies readonly (keyof RebuiltOrderRow)[];

const LEDGER_FIELDS = ['transactionId', 'account', 'amountCents', 'hash'] as const satisfies readonly (keyof ChainedEntry)[];

const who = (key: string) => key.replace('\u0000', '/');

export function compareProjections(rebuilt: RebuiltProjection, live: LiveProjection, sha256: Sha256Hex): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const [userId, cash] of rebuilt.cash) {
    const liveCash = live.cash.get(userId);
    if (liveCash === undefined) out.push({ kind: 'ACCOUNT_MISSING', subject: userId, detail: `the topics give ${userId} ${cash} cents; Postgres has no account` });
    else if (liveCash !== cash) out.push({ kind: 'ACCOUNT_CASH_MISMATCH', subject: userId, detail: `accounts.cash_cents of ${userId} is ${liveCash}, the topics give ${cash} (off by ${liveCash - cash})`, context: { live: liveCash, rebuilt: cash } });
  }
  for (const [userId, cash] of live.cash) {
    if (!rebuilt.cash.has(userId)) out.push({ kind: 'ACCOUNT_UNEXPECTED', subject: userId, detail: `Postgres has an account for ${userId} (${cash} cents) the topics know nothing of` });
  }
  for (const key of new Set([...rebuilt.holdings.keys(), ...live.holdings.keys()])) {
    const a = rebuilt.holdings.get(key) ?? 0;
    const b = live.holdings.get(key) ?? 0;
    if (a !== b) out.push({ kind: 'HOLDING_MISMATCH', subject: who(key), detail: `holdings of ${who(key)}: Postgres ${b}, topics ${a}`, context: { live: b, rebuilt: a } });
  }
  for (const [orderId, row] of rebuilt.orders) {
    const liveRow = live.orders.get(orderId);
    if (!liveRow) { out.push({ kind: 'ORDER_ROW_MISSING', subject: orderId, detail: `result ${row.status} of ${row.userId} is on order.results but not in orders` }); continue; }
    const fields = ORDER_FIELDS.filter((f) => liveRow[f] !== row[f]);
    if (fields.length > 0) {
      out.push({
        kind: 'ORDER_ROW_MISMATCH', subject: orderId,
        detail: `order ${orderId} of ${row.userId} differs in ${fields.map((f) => `${f} (Postgres ${String(liveRow[f])}, topics ${String(row[f])})`).join(', ')}`,
        context: { fields, live: Object.fromEntries(fields.map((f) => [f, liveRow[f]])), rebuilt: Object.fromEntries(fields.map((f) => [f, row[f]])) },
      });
    }
  }
  for (const [orderId, row] of live.orders) {
    if (!rebuilt.orders.has(orderId)) out.push({ kind: 'ORDER_ROW_UNEXPECTED', subject: orderId, detail: `orders has ${orderId} (${row.status}, ${row.userId}) but order.results does not` });
  }
  const liveLedger = new Map(live.ledger.map((e) => [`${e.userId}#${e.chainSeq}`, e]));
  const rebuiltKeys = new Set<string>();
  for (const e of rebuilt.ledger) {
    const key = `${e.userId}#${e.chainSeq}`;
    rebuiltKeys.add(key);
    const liveRow = liveLedger.get(key);
    const what = `${e.transactionId} ${e.account} ${e.amountCents}`;
    if (!liveRow) { out.push({ kind: 'LEDGER_ROW_MISSING', subject: key, detail: `ledger row ${key} (${what}) is missing from Postgres` }); continue; }
    const fields = LEDGER_FIELDS.filter((f) => liveRow[f] !== e[f]);
    if (fields.length > 0) {
      out.push({
        kind: 'LEDGER_ROW_MISMATCH', subject: key,
        detail: `ledger row ${key} (entry_id ${liveRow.entryId}) differs in ${fields.map((f) => `${f} (Postgres ${String(liveRow[f]).slice(0, 16)}, topics ${String(e[f]).slice(0, 16)})`).join(', ')}`,
        context: { entryId: liveRow.entryId, fields },
      });
    }
  }
  for (const [key, e] of liveLedger) {
    if (!rebuiltKeys.has(key)) out.push({ kind: 'LEDGER_ROW_UNEXPECTED', subject: key, detail: `Postgres has ledger row ${key} (entry_id ${e.entryId}: ${e.transactionId} ${e.account} ${e.amountCents}) the topics do not explain` });
  }
  for (const b of verifyChains(live.ledger, sha256)) {
    out.push({ kind: b.kind === 'SEQ_GAP' ? 'CHAIN_SEQ_GAP' : 'CHAIN_HASH_MISMATCH', subject: `${b.userId}#${b.chainSeq}`, detail: b.detail });
  }
  return out;
}
