-- Up Migration
-- Fairness policies that execute later or undo a fill.
-- pending_orders: orders accepted under delayed execution or a sealed batch,
-- written with the consumed offset (so they survive restarts: the log put
-- them here, not a timer) and settled by the pending executor once due.
CREATE TABLE pending_orders (
  order_id         text PRIMARY KEY,
  user_id          text NOT NULL,
  idempotency_key  text NOT NULL,
  player_id        text NOT NULL,
  placed_at        timestamptz NOT NULL,
  execute_at       timestamptz NOT NULL,
  payload          jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX pending_orders_due ON pending_orders (execute_at, order_id);

-- order_voids: a fill reversed by event-time void. The order row stays FILLED
-- and its ledger entries stay; the reversal is its own ledger transaction
-- (void:<orderId>) and its own order.results record (status VOIDED).
CREATE TABLE order_voids (
  order_id          text PRIMARY KEY REFERENCES orders (order_id),
  user_id           text NOT NULL,
  player_id         text NOT NULL,
  reason            text NOT NULL,
  event_id          text,
  event_tick_seq    bigint NOT NULL,
  event_occurred_at timestamptz NOT NULL,
  cash_after_cents  bigint NOT NULL,
  voided_at         timestamptz NOT NULL
);
CREATE INDEX orders_player_placed ON orders (player_id, placed_at);

-- Down Migration
DROP INDEX orders_player_placed;
DROP TABLE order_voids;
DROP TABLE pending_orders;
