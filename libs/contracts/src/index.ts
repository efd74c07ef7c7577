export * from './generated';
export * from './topics';
export * from './schemas';
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
