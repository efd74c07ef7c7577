-- Up Migration
-- Matches and the players of each (markets), from a provider's lineups.
-- feed-ingest writes them before a match's first event; pricing reads the
-- roster (team, position, initial price) when the match kicks off; the
-- gateway serves them at GET /players.
CREATE TABLE matches (
  match_id      text PRIMARY KEY,
  provider      text NOT NULL,
  home_team_id  text NOT NULL,
  home_team     text NOT NULL,
  away_team_id  text NOT NULL,
  away_team     text NOT NULL,
  kick_off_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE players (
  player_id           text PRIMARY KEY,
  match_id            text NOT NULL REFERENCES matches (match_id),
  name                text NOT NULL,
  team_id             text NOT NULL,
  team_name           text NOT NULL,
  position            text NOT NULL CHECK (position IN ('GK', 'DEF', 'MID', 'FWD')),
  jersey              integer,
  initial_price_cents bigint NOT NULL CHECK (initial_price_cents > 0)
);
CREATE INDEX players_match ON players (match_id);

-- Feed dedupe (provider event id) and webhook replay protection (delivery id).
CREATE TABLE feed_events (
  event_id     text PRIMARY KEY,
  match_id     text NOT NULL REFERENCES matches (match_id),
  status       text NOT NULL CHECK (status IN ('pending', 'sent')),
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_events_pending ON feed_events (status) WHERE status = 'pending';

CREATE TABLE webhook_deliveries (
  delivery_id  text PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE webhook_deliveries;
DROP TABLE feed_events;
DROP TABLE players;
DROP TABLE matches;
