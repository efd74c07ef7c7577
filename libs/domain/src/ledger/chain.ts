// The ledger's hash chain: every ledger row carries
// hash = sha256(previous row's hash || canonical content), one chain per user
// (the user whose transaction the row belongs to: their issuance or their
// order). Per user, not per posting account, because the market and issuance
// accounts are shared by every partition: chaining them would serialise all of
// settlement. A user's orders all settle on one partition, serially, so a
// user's chain has one writer at a time; the unique (user, seq) index turns a
// fork into a constraint failure. Any edit, deletion or reordering of a
// user's rows breaks the recomputed chain. The digest is injected (pure code).
import { invariant } from '../invariant';
import type { Posting } from './postings';

/** The previous hash of a chain's first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export type Sha256Hex = (text: string) => string;

export interface ChainedEntry {
  /** The chain: the user whose transaction this row belongs to. */
  userId: string;
  /** 1, 2, 3... within the user's chain. */
  chainSeq: number;
  transactionId: string;
  account: string;
  amountCents: number;
  hash: string;
}

export interface ChainHead {
  chainSeq: number;
  hash: string;
}

const utf8 = new TextEncoder();

/**
 * The row's content as hashed: each field length-prefixed by its UTF-8 byte
 * count ("5:alice"), so no choice of ids can make two rows read the same.
 * The migration that chained pre-existing rows builds the same text in SQL.
 */
export function canonicalEntry(entry: Omit<ChainedEntry, 'hash'>): string {
  const fields = [entry.userId, String(entry.chainSeq), entry.transactionId, entry.account, String(entry.amountCents)];
  return fields.map((f) => `${utf8ByteLength(f)}:${f}`).join('');
}

/** UTF-8 byte count; ids are ASCII almost always, counted without encoding them (the audit hashes every row). */
function utf8ByteLength(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return utf8.encode(text).length;
  return text.length;
}

export function entryHash(previousHash: string, entry: Omit<ChainedEntry, 'hash'>, sha256: Sha256Hex): string {
  return sha256(previousHash + canonicalEntry(entry));
}

/**
 * Appends postings, in order, to their users' chains. `heads` holds each
 * chain's last row (absent: a new chain). Returns the rows and the new heads.
 */
export function chainPostings(
  heads: ReadonlyMap<string, ChainHead>,
  postings: readonly { userId: string; posting: Posting }[],
  sha256: Sha256Hex,
): { entries: ChainedEntry[]; heads: Map<string, ChainHead> } {
  const next = new Map(heads);
  const entries: ChainedEntry[] = [];
  for (const { userId, posting } of postings) {
    const head = next.get(userId) ?? { chainSeq: 0, hash: GENESIS_HASH };
    const content = { userId, chainSeq: head.chainSeq + 1, transactionId: posting.transactionId, account: posting.account, amountCents: posting.amountCents };
    invariant(Number.isSafeInteger(content.amountCents), () => `posting ${posting.account} is not integer cents: ${posting.amountCents}`);
    const entry = { ...content, hash: entryHash(head.hash, content, sha256) };
    entries.push(entry);
    next.set(userId, { chainSeq: entry.chainSeq, hash: entry.hash });
  }
  return { entries, heads: next };
}

export type ChainBreakKind = 'SEQ_GAP' | 'HASH_MISMATCH';

export interface ChainBreak {
  kind: ChainBreakKind;
  userId: string;
  chainSeq: number;
  detail: string;
}

/**
 * Recomputes every chain. `entries` must be sorted by user, then chainSeq (as
 * stored). Reports the first break of each chain: past it, every hash differs.
 */
export function verifyChains(entries: Iterable<ChainedEntry>, sha256: Sha256Hex): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let user: string | null = null;
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let broken = false;
  for (const entry of entries) {
    if (entry.userId !== user) {
      user = entry.userId;
      expectedSeq = 1;
      previousHash = GENESIS_HASH;
      broken = false;
    }
    if (broken) continue;
    if (entry.chainSeq !== expectedSeq) {
      breaks.push({ kind: 'SEQ_GAP', userId: entry.userId, chainSeq: entry.chainSeq, detail: `expected row ${expectedSeq} of ${entry.userId}'s chain, found ${entry.chainSeq} (a row was deleted or moved)` });
      broken = true;
      continue;
    }
    const expected = entryHash(previousHash, entry, sha256);
    if (expected !== entry.hash) {
      breaks.push({ kind: 'HASH_MISMATCH', userId: entry.userId, chainSeq: entry.chainSeq, detail: `row ${entry.chainSeq} of ${entry.userId} (${entry.transactionId} ${entry.account} ${entry.amountCents}) hashes to ${expected.slice(0, 12)}…, stored ${entry.hash.slice(0, 12)}… (edited, reordered or re-hashed)` });
      broken = true;
      continue;
    }
    previousHash = entry.hash;
    expectedSeq++;
  }
  return breaks;
}
