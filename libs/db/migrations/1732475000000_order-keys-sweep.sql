-- Up Migration
-- The gateway claims an Idempotency-Key, then produces the order: a gateway
-- that dies in between leaves a claim no record on `orders` will ever settle.
-- order_record is the order as it is produced, so any gateway can send it
-- again (same orderId: settlement executes a key once); swept_at is when a
-- sweep found the claim with a result or sent it again, so each claim is
-- looked at once and the sweep reads only recent rows (partial index).
ALTER TABLE order_keys ADD COLUMN order_record jsonb, ADD COLUMN swept_at timestamptz;
CREATE INDEX order_keys_unswept ON order_keys (created_at) WHERE swept_at IS NULL;

-- Down Migration
DROP INDEX order_keys_unswept;
ALTER TABLE order_keys DROP COLUMN swept_at, DROP COLUMN order_record;
