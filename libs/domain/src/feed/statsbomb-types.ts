// The parts of the StatsBomb Open Data v4 event and lineup JSON the feed reads.
// Only what we use is typed; everything is optional where the spec allows it.

export interface SbRef {
  id: number;
  name: string;
}

export interface SbEvent {
  id: string;
  index: number;
  period: number;
  /** Within the period: "HH:MM:SS.mmm". */
  timestamp: string;
  minute: number;
  second: number;
  type: SbRef;
  team?: SbRef;
  player?: SbRef;
  position?: SbRef;
  related_events?: string[];
  tactics?: { lineup?: { player: SbRef; position: SbRef; jersey_number?: number }[] };
  pass?: { goal_assist?: boolean; recipient?: SbRef };
  shot?: {
    statsbomb_xg?: number;
    key_pass_id?: string;
    outcome?: SbRef;
    type?: SbRef;
    body_part?: SbRef;
  };
  goalkeeper?: { type?: SbRef; outcome?: SbRef };
  foul_committed?: { card?: SbRef; penalty?: boolean };
  foul_won?: { penalty?: boolean };
  bad_behaviour?: { card?: SbRef };
  substitution?: { replacement?: SbRef; outcome?: SbRef };
}

export interface SbLineupPlayer {
  player_id: number;
  player_name: string;
  player_nickname?: string | null;
  jersey_number?: number | null;
  /** Newer releases list positions played, the first with start_reason "Starting XI" for starters. */
  positions?: { position: string; start_reason?: string }[];
}

export interface SbLineup {
  team_id: number;
  team_name: string;
  lineup: SbLineupPlayer[];
}

/** One entry of a matches file (`matches/<competition>/<season>.json`). */
export interface SbMatch {
  match_id: number;
  match_date?: string;
  kick_off?: string | null;
  home_team: { home_team_id: number; home_team_name: string };
  away_team: { away_team_id: number; away_team_name: string };
  home_score?: number | null;
  away_score?: number | null;
}
