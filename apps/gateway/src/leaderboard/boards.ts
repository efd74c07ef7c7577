// The latest snapshot of every board, in memory, from the gateway's one Kafka
// feed (the compacted `leaderboard` topic is read from its start).
import type { LeaderboardSnapshot } from '@inplay/contracts';

export interface LeaderboardBoards {
  apply(snapshot: LeaderboardSnapshot): void;
  snapshot(boardId: string): LeaderboardSnapshot | undefined;
}

export function createLeaderboardBoards(): LeaderboardBoards {
  const boards = new Map<string, LeaderboardSnapshot>();
  return {
    apply(snapshot) {
      const known = boards.get(snapshot.boardId);
      if (!known || known.computedAt <= snapshot.computedAt) boards.set(snapshot.boardId, snapshot);
    },
    snapshot: (boardId) => boards.get(boardId),
  };
}
