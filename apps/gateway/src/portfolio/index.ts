// Portfolio module of the gateway: main calls registerPortfolioRoutes on its uWS app.
export { registerPortfolioRoutes, type PortfolioRoutesDeps } from './routes';
