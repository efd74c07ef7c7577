-- Up Migration
-- The gateways share token revocations through these tables (1732477000000):
-- the gateway role records and reads them, upserts on conflict (UPDATE) and
-- purges expired rows (DELETE). No other service touches them.
GRANT SELECT, INSERT, UPDATE, DELETE ON revoked_tokens, user_token_cutoffs TO inplay_gateway;

-- Down Migration
REVOKE ALL ON revoked_tokens, user_token_cutoffs FROM inplay_gateway;
