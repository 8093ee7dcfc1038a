import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** The route pattern as registered (`/api/trades/:id`). */
  url: string;
}

const LINE = /^(?<indent>[│ ]*)[├└]── (?<segment>\S*)(?: \((?<methods>[A-Z, ]+)\))?$/u;

/**
 * Every route Fastify has registered, read back from `printRoutes({ commonPrefix: false })`: the
 * tree prints one node per line, four columns per level, each node's segment to be appended to
 * its parent's path, and the methods registered on it in brackets. Reading Fastify's own table
 * (instead of a list kept by hand) means a route added tomorrow shows up in every matrix.
 */
export function parseRouteTree(tree: string): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match?.groups) throw new Error(`unreadable route tree line: ${JSON.stringify(line)}`);
    const depth = match.groups.indent!.length / 4;
    const segment = match.groups.segment!;
    // Top-level nodes carry whole paths, except the catch-all, printed as a bare `*`.
    const path = depth === 0 && !segment.startsWith('/') ? `/${segment}` : (stack[depth - 1] ?? '') + segment;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match.groups.methods ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)) {
      routes.push({ method, url: path });
    }
  }
  return routes;
}

/** The app's routes, HEAD left out (Fastify adds it to every GET). */
export function routeInventory(app: FastifyInstance): RegisteredRoute[] {
  return parseRouteTree(app.printRoutes({ commonPrefix: false })).filter((r) => r.method !== 'HEAD');
}

export const routeKey = (route: RegisteredRoute) => `${route.method} ${route.url}`;
