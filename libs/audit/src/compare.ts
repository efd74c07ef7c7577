// Compares the projection rebuilt from the topics with the live one, row by
// row, and re-verifies the live ledger's hash chains. Every difference is a
// Discrepancy naming the row and both values.
import {
  verifyChains, type ChainedEntry, type Discrepancy, type RebuiltOrderRow, type RebuiltProjection, type Sha256Hex,
} from '@inplay/domain';
import type { LiveLedgerRow, LiveProjection } from './live';

const ORDER_FIELDS = [
  'userId', 'idempotencyKey', 'playerId', 'side', 'quantity', 'limitPriceCents', 'placedAt', 'status', 'reason',
  'fillPriceCents', 'tickSeq', 'costCents', 'retryAfterMs', 'cashAfterCents', 'settledAt',
] as const satisfies readonly (keyof RebuiltOrderRow)[];

const LEDGER_FIELDS = ['transactionId', 'account', 'amountCents', 'hash'] as const satisfies readonly (keyof ChainedEntry)[];

const who = (key: string) => key.replace('\u0000', '/');

/** Rows compared between two pause points of `compareProjectionsYielding`. */
export const COMPARE_ROWS_PER_SLICE = 4_096;

export interface CompareOptions {
  /**
   * Re-hash every live chain (the sequential audit). By default only the chains of users with a ledger row
   * missing, unexpected or different are re-hashed: a chain equal row for row (hash included) to the one the
   * replay computed with chainPostings is that chain, and is valid by construction.
   */
  verifyEveryChain?: boolean;
}

export function compareProjections(rebuilt: RebuiltProjection, live: LiveProjection, sha256: Sha256Hex, options: CompareOptions = {}): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const d of comparing(rebuilt, live, sha256, options)) if (d !== PAUSE) out.push(d);
  return out;
}

/** The same comparison, giving the event loop a turn every COMPARE_ROWS_PER_SLICE rows (the COPY into the rebuilt database goes on meanwhile). */
export async function compareProjectionsYielding(rebuilt: RebuiltProjection, live: LiveProjection, sha256: Sha256Hex, options: CompareOptions = {}): Promise<Discrepancy[]> {
  const out: Discrepancy[] = [];
  for (const d of comparing(rebuilt, live, sha256, options)) {
    if (d === PAUSE) await new Promise<void>((resolve) => setImmediate(resolve));
    else out.push(d);
  }
  return out;
}

const PAUSE = Symbol('pause');

function* comparing(rebuilt: RebuiltProjection, live: LiveProjection, sha256: Sha256Hex, options: CompareOptions): Generator<Discrepancy | typeof PAUSE> {
  let rows = 0;
  const pauseDue = () => (++rows % COMPARE_ROWS_PER_SLICE) === 0;
  for (const [userId, cash] of rebuilt.cash) {
    const liveCash = live.cash.get(userId);
    if (liveCash === undefined) yield { kind: 'ACCOUNT_MISSING', subject: userId, detail: `the topics give ${userId} ${cash} cents; Postgres has no account` };
    else if (liveCash !== cash) yield { kind: 'ACCOUNT_CASH_MISMATCH', subject: userId, detail: `accounts.cash_cents of ${userId} is ${liveCash}, the topics give ${cash} (off by ${liveCash - cash})`, context: { live: liveCash, rebuilt: cash } };
  }
  for (const [userId, cash] of live.cash) {
    if (!rebuilt.cash.has(userId)) yield { kind: 'ACCOUNT_UNEXPECTED', subject: userId, detail: `Postgres has an account for ${userId} (${cash} cents) the topics know nothing of` };
  }
  // Every key of either side once: the rebuilt ones, then those only Postgres has.
  const holding = (key: string, a: number, b: number): Discrepancy => ({ kind: 'HOLDING_MISMATCH', subject: who(key), detail: `holdings of ${who(key)}: Postgres ${b}, topics ${a}`, context: { live: b, rebuilt: a } });
  for (const [key, a] of rebuilt.holdings) {
    const b = live.holdings.get(key) ?? 0;
    if (a !== b) yield holding(key, a, b);
    if (pauseDue()) yield PAUSE;
  }
  for (const [key, b] of live.holdings) if (!rebuilt.holdings.has(key) && b !== 0) yield holding(key, 0, b);
  for (const [orderId, row] of rebuilt.orders) {
    if (pauseDue()) yield PAUSE;
    const liveRow = live.orders.get(orderId);
    if (!liveRow) { yield { kind: 'ORDER_ROW_MISSING', subject: orderId, detail: `result ${row.status} of ${row.userId} is on order.results but not in orders` }; continue; }
    if (ORDER_FIELDS.every((f) => liveRow[f] === row[f])) continue;
    {
      const fields = ORDER_FIELDS.filter((f) => liveRow[f] !== row[f]);
      yield {
        kind: 'ORDER_ROW_MISMATCH', subject: orderId,
        detail: `order ${orderId} of ${row.userId} differs in ${fields.map((f) => `${f} (Postgres ${String(liveRow[f])}, topics ${String(row[f])})`).join(', ')}`,
        context: { fields, live: Object.fromEntries(fields.map((f) => [f, liveRow[f]])), rebuilt: Object.fromEntries(fields.map((f) => [f, row[f]])) },
      };
    }
  }
  for (const [orderId, row] of live.orders) {
    if (!rebuilt.orders.has(orderId)) yield { kind: 'ORDER_ROW_UNEXPECTED', subject: orderId, detail: `orders has ${orderId} (${row.status}, ${row.userId}) but order.results does not` };
  }
  // The live rows by user, in chain order (as read): a rebuilt row finds its live one at index chainSeq − 1 unless a row is missing.
  const liveChains = new Map<string, LiveLedgerRow[]>();
  for (const e of live.ledger) {
    const chain = liveChains.get(e.userId);
    if (chain) chain.push(e); else liveChains.set(e.userId, [e]);
  }
  const liveRowOf = (userId: string, chainSeq: number): LiveLedgerRow | undefined => {
    const chain = liveChains.get(userId);
    const at = chain?.[chainSeq - 1];
    return at?.chainSeq === chainSeq ? at : chain?.find((e) => e.chainSeq === chainSeq);
  };
  const matched = new Set<LiveLedgerRow>();
  /** Users whose live chain is not row for row the rebuilt one: theirs are re-hashed. */
  const suspects = new Set<string>();
  for (const e of rebuilt.ledger) {
    if (pauseDue()) yield PAUSE;
    const liveRow = liveRowOf(e.userId, e.chainSeq);
    if (!liveRow) { suspects.add(e.userId); yield { kind: 'LEDGER_ROW_MISSING', subject: `${e.userId}#${e.chainSeq}`, detail: `ledger row ${e.userId}#${e.chainSeq} (${e.transactionId} ${e.account} ${e.amountCents}) is missing from Postgres` }; continue; }
    matched.add(liveRow);
    if (LEDGER_FIELDS.every((f) => liveRow[f] === e[f])) continue;
    suspects.add(e.userId);
    const key = `${e.userId}#${e.chainSeq}`;
    const fields = LEDGER_FIELDS.filter((f) => liveRow[f] !== e[f]);
    yield {
      kind: 'LEDGER_ROW_MISMATCH', subject: key,
      detail: `ledger row ${key} (entry_id ${liveRow.entryId}) differs in ${fields.map((f) => `${f} (Postgres ${String(liveRow[f]).slice(0, 16)}, topics ${String(e[f]).slice(0, 16)})`).join(', ')}`,
      context: { entryId: liveRow.entryId, fields },
    };
  }
  for (const e of live.ledger) {
    if (matched.has(e)) continue;
    suspects.add(e.userId);
    const key = `${e.userId}#${e.chainSeq}`;
    yield { kind: 'LEDGER_ROW_UNEXPECTED', subject: key, detail: `Postgres has ledger row ${key} (entry_id ${e.entryId}: ${e.transactionId} ${e.account} ${e.amountCents}) the topics do not explain` };
  }
  const rehashed = options.verifyEveryChain ? live.ledger : live.ledger.filter((e) => suspects.has(e.userId));
  for (const b of verifyChains(rehashed, sha256)) {
    yield { kind: b.kind === 'SEQ_GAP' ? 'CHAIN_SEQ_GAP' : 'CHAIN_HASH_MISMATCH', subject: `${b.userId}#${b.chainSeq}`, detail: b.detail };
  }
}
