/**
 * Who may talk to the dashboard. Bound to a loopback address, it answers only requests whose Host names that
 * address (no DNS rebinding). Bound anywhere else it needs OVERSEER_DASHBOARD_TOKEN, which every API request
 * carries in `X-Overseer-Token`. Every state-changing request must also come from the page itself: an Origin that
 * matches the Host, and a JSON body (a cross-site form cannot send one).
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const TOKEN_HEADER = 'x-overseer-token';

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Refuses to listen beyond loopback without a token. */
export function checkListen(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new Error(`the dashboard listens on ${host} only with a token: set OVERSEER_DASHBOARD_TOKEN (a long random string), or keep the default --host 127.0.0.1`);
  }
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hostAllowed(hostHeader: string | undefined, bindHost: string, port: () => number): boolean {
  if (!isLoopback(bindHost)) return true; // the token guards it
  if (!hostHeader) return false;
  const p = port();
  return [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`].includes(hostHeader.toLowerCase());
}

/** Same-origin check of a state-changing request: Origin must be this server, the body JSON. */
export function sameOriginProblem(method: string, origin: string | undefined, host: string | undefined, contentType: string | undefined): string | undefined {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method)) return undefined;
  if (!origin || !host) return 'a state-changing request needs Origin and Host headers';
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return `bad Origin ${origin}`;
  }
  if (o.host.toLowerCase() !== host.toLowerCase()) return `cross-origin request refused (Origin ${origin}, Host ${host})`;
  if (!(contentType ?? '').toLowerCase().startsWith('application/json')) return 'a state-changing request must send application/json';
  return undefined;
}

export function guard(opts: { host: string; token?: string; port: () => number }): MiddlewareHandler {
  return async (c, next) => {
    const req = c.req;
    if (!hostAllowed(req.header('host'), opts.host, opts.port)) return c.json({ error: `unexpected Host ${req.header('host') ?? '(none)'}` }, 421);
    if (!req.path.startsWith('/api/') || req.path === '/api/config') return next();
    if (opts.token && !sameToken(req.header(TOKEN_HEADER), opts.token)) return c.json({ error: 'the dashboard token is missing or wrong' }, 401);
    const problem = sameOriginProblem(req.method, req.header('origin'), req.header('host'), req.header('content-type'));
    if (problem) return c.json({ error: problem }, 403);
    return next();
  };
}
