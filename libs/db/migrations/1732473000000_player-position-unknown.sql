-- Up Migration
-- A player the provider's data gives no position (an unused substitute) keeps
-- none: the page shows it as unknown, and his opening price follows the
-- documented rule for unknown positions (initialPriceCentsOf in libs/domain).
ALTER TABLE players ALTER COLUMN position DROP NOT NULL;
