-- Up Migration
-- An order row holds its order's latest result: a fill reversed by event-time
-- void says VOIDED (with the void's reason, cash after and time) instead of
-- FILLED plus a row in order_voids that every reader had to join. order_voids
-- stays the record of why (the event, its tick) and when.
UPDATE orders o SET status = 'VOIDED', reason = v.reason, cash_after_cents = v.cash_after_cents, settled_at = v.voided_at
  FROM order_voids v WHERE v.order_id = o.order_id AND o.status = 'FILLED';
