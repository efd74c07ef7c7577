// Which routes each listener serves, as registered: uWS cannot list its own
// routes, so the app handed to route modules records every registration. The
// authorization matrix test reads the list to prove every route has a row.
import type { TemplatedApp } from 'uWebSockets.js';

const ROUTE_METHODS = ['get', 'post', 'put', 'del', 'patch', 'options', 'head', 'connect', 'trace', 'any', 'ws'] as const;

/** "GET /orders/:id", "WS /ws", "ANY /*": the method as uWS spells it, upper-cased, and the pattern. */
export type RouteName = string;

/** The app, with every route registered through it appended to `routes`. */
export function recordingRoutes(app: TemplatedApp, routes: RouteName[]): TemplatedApp {
  return new Proxy(app, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!(ROUTE_METHODS as readonly (string | symbol)[]).includes(property)) return (value as (...args: unknown[]) => unknown).bind(target);
      return (pattern: string, ...rest: unknown[]) => {
        routes.push(`${String(property).toUpperCase()} ${pattern}`);
        return (value as (...args: unknown[]) => unknown).call(target, pattern, ...rest);
      };
    },
  });
}
