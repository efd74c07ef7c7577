// Which HTTP modules a gateway serves, on which port: main.ts runs exactly
// this, and the authorization matrix test starts the same list, so a route
// added here without a row in the matrix fails that test.
import type { RouteModule } from './http/routes';
import { orderRoutes } from './orders';
import { staticRoutes } from './http/static';
import { portfolioRoutes } from './portfolio';
import { adminRoutes } from './admin';
import { leaderboardRoutes } from './leaderboard';
import { authRoutes, tokenAdminRoutes } from './auth';
import type { DeploymentSettings } from './deployment';

export interface GatewayModules {
  routeModules: RouteModule[];
  internalRouteModules: RouteModule[];
}

export function gatewayModules(settings: Pick<DeploymentSettings, 'devLogin' | 'adminToken'>, web: RouteModule = staticRoutes()): GatewayModules {
  return {
    routeModules: [authRoutes({ devLogin: settings.devLogin }), orderRoutes(), portfolioRoutes(), leaderboardRoutes(), web],
    // Operators only: on GATEWAY_INTERNAL_PORT, never on the public port.
    internalRouteModules: [adminRoutes(settings.adminToken), tokenAdminRoutes(settings.adminToken)],
  };
}
