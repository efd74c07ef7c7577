-- Up Migration
-- Users and their cash. Cash is integer cents and can never go below zero:
-- the CHECK is the last line of defence behind settlement's atomic guard.
CREATE TABLE users (
  user_id      text PRIMARY KEY,
  display_name text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  user_id    text PRIMARY KEY REFERENCES users (user_id),
  cash_cents bigint NOT NULL CHECK (cash_cents >= 0),
  version    bigint NOT NULL DEFAULT 0
);

-- Down Migration
DROP TABLE accounts;
DROP TABLE users;
