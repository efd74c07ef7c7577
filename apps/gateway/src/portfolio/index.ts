// Portfolio module of the gateway: GET /portfolio, priced from the gateway's own latest ticks.
import type { RouteModule } from '../http/routes';
import { registerPortfolioRoutes } from './routes';

export { registerPortfolioRoutes, type PortfolioRoutesDeps } from './routes';

export const portfolioRoutes = (): RouteModule => (app, deps) => {
  registerPortfolioRoutes(app, { tokens: deps.tokens, pool: deps.pool, latestPrice: (playerId) => deps.book.state(playerId)?.priceCents, logger: deps.logger });
};
