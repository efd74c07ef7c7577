-- Up Migration
-- Orders and settlement: the exactly-once ledger. Settlement writes orders,
-- holdings, ledger entries, outbox rows and its consumed offsets in one
-- transaction per batch; the gateway writes order_keys so concurrent retries
-- of one Idempotency-Key converge on one orderId.

-- The gateway's idempotency record: one orderId per (user, key), with the body it was for.
CREATE TABLE order_keys (
  user_id          text NOT NULL REFERENCES users (user_id),
  idempotency_key  text NOT NULL,
  body_hash        text NOT NULL,
  order_id         text NOT NULL UNIQUE,
  placed_at        timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, idempotency_key)
);

-- One row per settled order and its one result.
CREATE TABLE orders (
  order_id          text PRIMARY KEY,
  user_id           text NOT NULL,
  idempotency_key   text NOT NULL,
  player_id         text NOT NULL,
  side              text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  quantity          integer NOT NULL CHECK (quantity > 0),
  limit_price_cents bigint,
  placed_at         timestamptz NOT NULL,
  status            text NOT NULL CHECK (status IN ('FILLED', 'REJECTED', 'VOIDED')),
  reason            text,
  fill_price_cents  bigint,
  tick_seq          bigint,
  cost_cents        bigint,
  retry_after_ms    bigint,
  cash_after_cents  bigint,
  settled_at        timestamptz NOT NULL,
  UNIQUE (user_id, idempotency_key)
);

CREATE TABLE holdings (
  user_id    text NOT NULL REFERENCES users (user_id),
  player_id  text NOT NULL,
  quantity   bigint NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (user_id, player_id)
);

-- Double-entry: amount > 0 is a debit, < 0 a credit; every transaction_id sums to 0.
CREATE TABLE ledger_entries (
  entry_id        bigserial PRIMARY KEY,
  transaction_id  text NOT NULL,
  account         text NOT NULL,
  amount_cents    bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account);

-- Records to publish (order.results, trades), written with the effects, relayed and marked sent.
CREATE TABLE outbox (
  outbox_id  bigserial PRIMARY KEY,
  topic      text NOT NULL,
  record_key text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX outbox_unsent ON outbox (outbox_id) WHERE sent_at IS NULL;

-- The next offset to consume per partition: the source of truth, Kafka's commit is a hint.
CREATE TABLE consumer_offsets (
  group_id     text NOT NULL,
  topic        text NOT NULL,
  partition    integer NOT NULL,
  next_offset  bigint NOT NULL CHECK (next_offset >= 0),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Down Migration
DROP TABLE consumer_offsets;
DROP TABLE outbox;
DROP TABLE ledger_entries;
DROP TABLE holdings;
DROP TABLE orders;
DROP TABLE order_keys;
