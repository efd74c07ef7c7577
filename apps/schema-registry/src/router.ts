// Maps method + path to a handler. Paths are patterns like
// `/subjects/:subject/versions/:version`; the pattern is also the route's
// metrics label. Segments are URL-decoded, so subjects may contain `/` as %2F.
import { ERROR_CODES, fail, type RegistryFailure } from './errors';
import type { Reply } from './http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestContext {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed JSON body, for routes that read one. */
  body: unknown;
}

export interface Route {
  method: HttpMethod;
  path: string;
  readsBody?: boolean;
  /**
   * A POST that only reads (a schema's lookup, a compatibility check): open to anyone, as every GET is.
   * Every other route changes the registry and only a writer may call it (auth.ts): a new route is closed unless it says so.
   */
  readOnly?: boolean;
  handle(ctx: RequestContext): Promise<Reply | RegistryFailure>;
}

export type RouteMatch =
  | { route: Route; params: Record<string, string> }
  | { route: undefined; failure: RegistryFailure };

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = segmentsOf(pattern);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return segmentsOf(pathname).map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const segments = decodeSegments(pathname);
  if (!segments) return { route: undefined, failure: fail(ERROR_CODES.badRequest, `Malformed URL path ${pathname}`) };
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { route, params };
    pathMatched = true;
  }
  return pathMatched
    ? { route: undefined, failure: fail(ERROR_CODES.methodNotAllowed, `Method ${method} not allowed on ${pathname}`) }
    : { route: undefined, failure: fail(ERROR_CODES.notFound, `No such endpoint: ${method} ${pathname}`) };
}

/** Whether the route changes the registry (register, delete, config), so needs a writer's credentials. */
export function changesRegistry(route: Route): boolean {
  return route.method !== 'GET' && route.readOnly !== true;
}

/** A path parameter the route's pattern guarantees. */
export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}

export function flag(ctx: RequestContext, name: string): boolean {
  return ctx.query.get(name)?.toLowerCase() === 'true';
}
