// The contract of every record: TypeScript types generated from schemas/ and the
// topic table. Pure (no I/O); the .avsc files are read through '@inplay/contracts/schemas'.
export * from './generated';
export * from './topics';
export type { SchemaName as RecordName } from './topics';
import type * as G from './generated';
import type { SchemaName } from './topics';

/** The TypeScript type of each record, by schema name. */
export interface RecordTypes {
  MatchEvent: G.MatchEvent;
  PriceTick: G.PriceTick;
  LatestPrice: G.LatestPrice;
  Order: G.Order;
  OrderResult: G.OrderResult;
  Trade: G.Trade;
  LeaderboardSnapshot: G.LeaderboardSnapshot;
  PricingCommand: G.PricingCommand;
  PricingSnapshot: G.PricingSnapshot;
}
export type RecordOf<N extends SchemaName> = RecordTypes[N];
