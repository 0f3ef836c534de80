// Cross-cutting request hooks: security headers on every response, connections closed during shutdown,
// the per-IP caps on /api and /admin routes (decided on the route fastify matched, after percent-decoding,
// so `/%61pi/chat` counts exactly like `/api/chat`), and one structured log line plus a metrics count per request
// (route pattern only: no query strings, no path parameters, no bodies — search texts and dossier
// codes never reach the log).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { sendError } from './errors.ts';
import type { RateLimitDecision, TokenBucketLimiter } from './rate-limit.ts';

/** Only same-origin resources; no inline script or style; the page cannot be framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The route pattern (e.g. `/api/dossiers/:code`), or `unmatched` for 404s: safe to log and to use as a label. */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function worst(a: RateLimitDecision, b: RateLimitDecision): RateLimitDecision {
  if (a.allowed && b.allowed) return a;
  return { allowed: false, retryAfterSeconds: Math.max(a.retryAfterSeconds, b.retryAfterSeconds) };
}

const QUIET_ROUTES = new Set(['/healthz', '/metrics']);

/** Which per-IP caps apply to a matched route pattern: every /api route, and /admin routes (tighter too). */
export function limitsFor(route: string | undefined): { api: boolean; admin: boolean } {
  if (route === undefined) return { api: false, admin: false };
  const admin = route === '/admin' || route.startsWith('/admin/');
  return { api: admin || route === '/api' || route.startsWith('/api/'), admin };
}

export interface HookOptions {
  ipLimiter: TokenBucketLimiter;
  /** Admin requests per IP (token guessing stays slow whatever the path spelling). */
  adminLimiter: TokenBucketLimiter;
  metrics: ServerMetrics;
}

export function installHooks(app: FastifyInstance, options: HookOptions) {
  const { ipLimiter, adminLimiter, metrics } = options;

  // onRequest runs after routing: routeOptions.url is the pattern fastify matched, never the raw URL.
  app.addHook('onRequest', async (request, reply) => {
    const limits = limitsFor(request.routeOptions.url);
    if (!limits.api) return;
    const decision = limits.admin
      ? worst(adminLimiter.take(request.ip), ipLimiter.take(request.ip))
      : ipLimiter.take(request.ip);
    if (decision.allowed) return;
    metrics.rejected.inc({ route: routeLabel(request), reason: 'ip_rate_limited' });
    reply.header('Retry-After', String(decision.retryAfterSeconds));
    return sendError(
      reply,
      'rate_limited',
      `Có quá nhiều yêu cầu từ địa chỉ của bạn. Bạn đợi khoảng ${decision.retryAfterSeconds} giây rồi thử lại nhé.`,
    );
  });

  // Once shutdown starts, answers to requests still in flight close their connection: a kept-alive
  // socket would otherwise hold server.close() open until the client's keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (closing) reply.header('Connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request);
    const status = reply.statusCode;
    metrics.httpRequests.inc({ route, method: request.method, status: String(status) });
    const line = { method: request.method, route, status, ms: Math.round(reply.elapsedTime) };
    if (QUIET_ROUTES.has(route) && status < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}
