// Cross-cutting request hooks: security headers on every response, connections closed during shutdown,
// the per-IP cap on /api and /admin, and one structured log line plus a metrics count per request
// (route pattern only: no query strings, no path parameters, no bodies — search texts and dossier
// codes never reach the log).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { sendError } from './errors.ts';
import type { TokenBucketLimiter } from './rate-limit.ts';

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

const QUIET_ROUTES = new Set(['/healthz', '/metrics']);

export function installHooks(app: FastifyInstance, options: { ipLimiter: TokenBucketLimiter; metrics: ServerMetrics }) {
  const { ipLimiter, metrics } = options;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/admin/')) return;
    const decision = ipLimiter.take(request.ip);
    if (decision.allowed) return;
    metrics.rejected.inc({ route: routeLabel(request), reason: 'ip_rate_limited' });
    reply.header('Retry-After', String(decision.retryAfterSeconds));
    return sendError(
      reply,
      429,
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
