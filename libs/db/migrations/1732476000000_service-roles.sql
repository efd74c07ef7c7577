-- Up Migration
-- Least-privilege Postgres roles, one per service (issue 17, point 3): a bug or
-- a stolen credential in one service can do only what that service does. The
-- roles are NOLOGIN groups here; ensureServiceLogins (libs/db/src/roles.ts)
-- gives each LOGIN and its password from the stack's credentials. The owner
-- (who runs migrations) keeps every right. A table added later is reachable by
-- no service until its migration GRANTs it (no default privileges on purpose).
--
-- Who may do what (docs/security.md has the same matrix, with the code that needs it):
--
--   table                 gateway        settlement                   pricing  feed_ingest                leaderboard
--   users                 -              SELECT INSERT                -        -                          -
--   accounts              SELECT         SELECT INSERT UPDATE(cash)   -        -                          -
--   holdings              SELECT         SELECT INSERT UPDATE(qty)    -        -                          -
--   ledger_entries        SELECT         SELECT INSERT                -        -                          SELECT
--   orders                SELECT         SELECT INSERT UPDATE(result) -        -                          -
--   order_voids           -              SELECT INSERT                -        -                          -
--   pending_orders        SELECT         SELECT INSERT UPDATE DELETE  -        -                          -
--   order_keys            SELECT INSERT  -                            -        -                          -
--                         UPDATE(swept_at)
--   outbox                -              SELECT INSERT UPDATE(sent_at) -       -                          -
--   consumer_offsets      -              SELECT INSERT UPDATE(offset) -        -                          -
--   matches               SELECT         -                            SELECT   SELECT INSERT UPDATE(prov) -
--   players               SELECT         -                            SELECT   SELECT INSERT UPDATE(roster) SELECT
--   feed_events           -              -                            -        SELECT INSERT UPDATE(status) -
--   webhook_deliveries    -              -                            -        SELECT INSERT              -
--   leaderboard_snapshots -              -                            -        -                          SELECT INSERT UPDATE
--   backfill_progress     -              -                            -        -                          -   (inplay audit backfill runs as the owner)
--   pgmigrations          SELECT (every service: ensureMigrated at start-up; only the owner migrates)
--
-- Nobody but the owner may UPDATE or DELETE ledger_entries: the ledger is append-only.
-- UPDATE is granted per column where a service updates only some: what it cannot
-- change (an order's id, a player's initial price, a claim's order) stays as written.
-- pending_orders needs table UPDATE for the executor's FOR UPDATE SKIP LOCKED.

-- Roles are cluster-wide, and many test databases migrate at once on one server:
-- a role another transaction created first is fine (duplicate_object, or
-- unique_violation when both inserted into pg_authid at once).
DO $$
DECLARE
  service_role text;
BEGIN
  FOREACH service_role IN ARRAY ARRAY['inplay_gateway', 'inplay_settlement', 'inplay_pricing', 'inplay_feed_ingest', 'inplay_leaderboard'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service_role) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', service_role);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END $$;

-- The schema the tables live in (public, or a test file's own schema): PUBLIC
-- loses its default USAGE (and CREATE, before Postgres 15), so a role that is
-- not granted below (the schema registry's, say) sees nothing here.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', current_schema());
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO inplay_gateway, inplay_settlement, inplay_pricing, inplay_feed_ingest, inplay_leaderboard', current_schema());
END $$;

-- Every service checks at start-up that the migrations it was built with are applied.
GRANT SELECT ON pgmigrations TO inplay_gateway, inplay_settlement, inplay_pricing, inplay_feed_ingest, inplay_leaderboard;

-- gateway: reads the market, the portfolio and results; claims Idempotency-Keys.
GRANT SELECT ON matches, players, accounts, holdings, ledger_entries, orders, pending_orders TO inplay_gateway;
GRANT SELECT, INSERT ON order_keys TO inplay_gateway;
GRANT UPDATE (swept_at) ON order_keys TO inplay_gateway;

-- settlement: owns the ledger, accounts, orders, its outbox and consumed offsets.
GRANT SELECT, INSERT ON users, ledger_entries, order_voids TO inplay_settlement;
GRANT SELECT, INSERT ON accounts, holdings, orders, outbox, consumer_offsets TO inplay_settlement;
GRANT UPDATE (cash_cents, version) ON accounts TO inplay_settlement;
GRANT UPDATE (quantity) ON holdings TO inplay_settlement;
GRANT UPDATE (status, reason, cash_after_cents, settled_at) ON orders TO inplay_settlement;
GRANT UPDATE (sent_at) ON outbox TO inplay_settlement;
GRANT UPDATE (next_offset, updated_at) ON consumer_offsets TO inplay_settlement;
GRANT SELECT, INSERT, UPDATE, DELETE ON pending_orders TO inplay_settlement;
GRANT USAGE ON SEQUENCE ledger_entries_entry_id_seq, outbox_outbox_id_seq TO inplay_settlement;

-- pricing: reads the rosters.
GRANT SELECT ON matches, players TO inplay_pricing;

-- feed-ingest: registers matches and rosters, its feed outbox and webhook replay guard.
GRANT SELECT, INSERT ON matches, players, feed_events, webhook_deliveries TO inplay_feed_ingest;
GRANT UPDATE (provider) ON matches TO inplay_feed_ingest;
GRANT UPDATE (match_id, name, team_id, team_name, position, jersey) ON players TO inplay_feed_ingest;
GRANT UPDATE (status) ON feed_events TO inplay_feed_ingest;

-- leaderboard: opening balances (the ledger's genesis rows), rosters, its snapshots.
GRANT SELECT ON ledger_entries, players TO inplay_leaderboard;
GRANT SELECT, INSERT ON leaderboard_snapshots TO inplay_leaderboard;
GRANT UPDATE (computed_at, total_users, entries, updated_at) ON leaderboard_snapshots TO inplay_leaderboard;

-- Down Migration
-- The roles stay: they are cluster-wide and other databases may use them.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM inplay_gateway, inplay_settlement, inplay_pricing, inplay_feed_ingest, inplay_leaderboard;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM inplay_gateway, inplay_settlement, inplay_pricing, inplay_feed_ingest, inplay_leaderboard;
REVOKE USAGE ON SCHEMA public FROM inplay_gateway, inplay_settlement, inplay_pricing, inplay_feed_ingest, inplay_leaderboard;
GRANT USAGE ON SCHEMA public TO PUBLIC;
