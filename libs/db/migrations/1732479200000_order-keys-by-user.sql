-- Up Migration
-- GET /orders lists a user's own orders newest first, a page at a time, from
-- the gateway's claims (every order it took) joined to settlement's results:
-- the keyset (placed_at, order_id) per user, read backwards from a cursor.
CREATE INDEX order_keys_user_placed ON order_keys (user_id, placed_at DESC, order_id DESC);

-- Down Migration
DROP INDEX order_keys_user_placed;
