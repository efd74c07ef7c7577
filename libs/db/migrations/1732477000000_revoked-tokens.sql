-- Up Migration
-- Token revocation, shared by every gateway (issue 17). A row of revoked_tokens
-- refuses one token (its jti) until the token would have expired anyway, after
-- which the row may be purged. A row of user_token_cutoffs refuses every token of
-- a user issued before not_before (admin "revoke all"); once not_before is older
-- than the longest token lifetime (libs/auth MAX_TOKEN_TTL_MS) it refuses nothing
-- and may be purged. Each gateway reads both into memory every
-- GATEWAY_REVOCATION_REFRESH_MS (docs/protocol.md, "Tokens").
CREATE TABLE revoked_tokens (
  jti        text PRIMARY KEY CHECK (length(jti) BETWEEN 1 AND 64),
  -- Null when an operator revoked the jti without the token at hand.
  user_id    text,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);

CREATE TABLE user_token_cutoffs (
  user_id    text PRIMARY KEY,
  not_before timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_token_cutoffs_not_before ON user_token_cutoffs (not_before);

-- Down Migration
DROP TABLE user_token_cutoffs;
DROP TABLE revoked_tokens;
