-- Up Migration
-- Leaderboard snapshots (the latest per board, as published on the compacted
-- `leaderboard` topic) and the progress of backfills, so that a backfill
-- interrupted by Ctrl-C resumes where it stopped.
CREATE TABLE leaderboard_snapshots (
  board_id     text PRIMARY KEY,
  computed_at  timestamptz NOT NULL,
  total_users  integer NOT NULL CHECK (total_users >= 0),
  entries      jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per backfill run of a board: the offsets consumed so far and the
-- folded state at those offsets (written together, so a resume is exact).
CREATE TABLE backfill_progress (
  board_id     text PRIMARY KEY,
  from_ms      bigint,
  offsets      jsonb NOT NULL,
  state        jsonb NOT NULL,
  events       bigint NOT NULL DEFAULT 0,
  done         boolean NOT NULL DEFAULT false,
  result       jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE backfill_progress;
DROP TABLE leaderboard_snapshots;
