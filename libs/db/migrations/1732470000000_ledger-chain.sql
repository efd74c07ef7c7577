-- Up Migration
-- The ledger's hash chain (libs/domain/src/ledger/chain.ts): one chain per user,
-- hash = sha256(previous hash || canonical content). Per user rather than per
-- posting account because the market and issuance accounts are shared by every
-- orders partition; a user's orders settle serially on one partition, so each
-- chain has one writer, and the unique (user_id, chain_seq) turns a fork into
-- a constraint failure (the batch is retried). Rows written before this
-- migration are chained here, in entry_id order, with the same canonical text.
ALTER TABLE ledger_entries
  ADD COLUMN user_id   text,
  ADD COLUMN chain_seq bigint,
  ADD COLUMN hash      text;

-- Issuance transactions are 'issue:<userId>'; every other one is an order id.
UPDATE ledger_entries l
   SET user_id = coalesce((SELECT o.user_id FROM orders o WHERE o.order_id = l.transaction_id), substr(l.transaction_id, 7));

DO $$
DECLARE
  r record;
  prev text := NULL;
  cur_user text := NULL;
  seq bigint := 0;
  canonical text;
BEGIN
  FOR r IN SELECT entry_id, user_id, transaction_id, account, amount_cents FROM ledger_entries ORDER BY user_id, entry_id LOOP
    IF cur_user IS DISTINCT FROM r.user_id THEN
      cur_user := r.user_id; seq := 0; prev := repeat('0', 64);
    END IF;
    seq := seq + 1;
    canonical := octet_length(r.user_id) || ':' || r.user_id
              || octet_length(seq::text) || ':' || seq::text
              || octet_length(r.transaction_id) || ':' || r.transaction_id
              || octet_length(r.account) || ':' || r.account
              || octet_length(r.amount_cents::text) || ':' || r.amount_cents::text;
    prev := encode(sha256(convert_to(prev || canonical, 'UTF8')), 'hex');
    UPDATE ledger_entries SET chain_seq = seq, hash = prev WHERE entry_id = r.entry_id;
  END LOOP;
END $$;

ALTER TABLE ledger_entries
  ALTER COLUMN user_id SET NOT NULL,
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN hash SET NOT NULL,
  ADD CONSTRAINT ledger_entries_chain_seq_positive CHECK (chain_seq > 0);
CREATE UNIQUE INDEX ledger_entries_chain ON ledger_entries (user_id, chain_seq);

-- Down Migration
DROP INDEX ledger_entries_chain;
ALTER TABLE ledger_entries DROP COLUMN hash, DROP COLUMN chain_seq, DROP COLUMN user_id;
