// Builds the HTTP server (fastify): web chat page, chat/search/procedure/dossier APIs, health and metrics,
// admin reindex. Everything it serves comes from the injected assistant, so tests can build it with any
// object of the ServerAssistant shape. Listening and shutdown are the caller's job (src/main.ts).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ChannelStates } from '../channels/states.ts';
import { createInboundPipeline } from '../inbound/setup.ts';
import { Registry } from '../metrics/registry.ts';
import { createServerMetrics } from '../metrics/server-metrics.ts';
import { projectPath } from '../paths.ts';
import {
  CHECK_INTERVAL_MS,
  defaultMaxConnections,
  guardConnections,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_REQUESTS_PER_SOCKET,
  REQUEST_TIMEOUT_MS,
  SOCKET_IDLE_TIMEOUT_MS,
} from './connections.ts';
import type { ServerDeps } from './deps.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors.ts';
import { installHooks } from './hooks.ts';
import { NewConversationLimiter } from './new-conversations.ts';
import { TokenBucketLimiter } from './rate-limit.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerChatRoute } from './routes/chat.ts';
import { registerChatStateRoute } from './routes/chat-state.ts';
import { registerDossierRoutes } from './routes/dossiers.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerProcedureRoute } from './routes/procedures.ts';
import { registerSearchRoute } from './routes/search.ts';
import { registerWebChatRoutes } from './routes/web-page.ts';

export type { ServerAssistant, ServerDeps } from './deps.ts';

/** adapters/web, next to src/ (the page is read from disk, not imported). */
export const DEFAULT_WEB_DIR = projectPath('adapters', 'web');

/** Largest request body on any route; /api/chat allows 16 kB (Telegram webhook updates may be larger). */
const BODY_LIMIT_BYTES = 64 * 1024;

/** Requests a minute one IP may make to /admin routes (wrong tokens included): token guessing stays slow. */
export const ADMIN_RATE_PER_MINUTE = 10;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { assistant, config, logger } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's own request lines would carry URLs (search texts, dossier codes): hooks.ts logs route patterns instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // While closing, new requests get 503 at once; in-flight ones finish.
    return503OnClosing: true,
    // Behind a reverse proxy the client address (for per-IP limits) comes from X-Forwarded-For.
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    // Slow or idle clients cannot hold connections: see connections.ts.
    connectionTimeout: SOCKET_IDLE_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    maxRequestsPerSocket: MAX_REQUESTS_PER_SOCKET,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CHECK_INTERVAL_MS },
    // Errors before a route runs answer in the catalogue's shape too (never echoing the URL).
    frameworkErrors,
    clientErrorHandler,
  });
  const registry = deps.registry ?? new Registry();
  const metrics = createServerMetrics({ registry, engineOutcomes: assistant.engineOutcomes?.bind(assistant) });
  const inbound = deps.inbound ?? createInboundPipeline({ config, engine: assistant.engine, logger, registry });
  const channelStates = deps.channelStates ?? new ChannelStates();
  if (!deps.channelStates) channelStates.registerMetrics(registry);
  const connections = guardConnections(app.server, {
    maxConnections: config.HTTP_MAX_CONNECTIONS ?? defaultMaxConnections(),
    onEvict: (reason) => metrics.connectionsClosed.inc({ reason }),
  });
  app.addHook('onClose', async () => connections.stop());
  const ipRate = deps.ipRatePerMinute ?? Math.max(120, 4 * config.CHAT_RATE_PER_MINUTE);
  const ipLimiter = new TokenBucketLimiter({ perMinute: ipRate });
  const adminLimiter = new TokenBucketLimiter({ perMinute: ADMIN_RATE_PER_MINUTE });

  installErrorHandlers(app);
  installHooks(app, { ipLimiter, adminLimiter, metrics });
  registerWebChatRoutes(app, deps.webDir ?? DEFAULT_WEB_DIR);
  registerChatRoute(app, {
    inbound,
    newConversations: new NewConversationLimiter({ perMinute: config.NEW_CONVERSATIONS_PER_MINUTE }),
    metrics,
  });
  registerChatStateRoute(app, assistant);
  registerSearchRoute(app, assistant.retriever);
  registerProcedureRoute(app, (id) => assistant.getProcedure(id));
  registerDossierRoutes(app, assistant.dossiers);
  registerHealthRoutes(app, assistant, metrics.registry, channelStates);
  registerAdminRoutes(app, assistant, config.ADMIN_TOKEN);
  return app;
}

/** TRUST_PROXY: unset = off, "true" = any proxy, a number = that many hops, otherwise a list of addresses. */
export function trustProxySetting(
  value: string | undefined,
): boolean | string | ((address: string, hop: number) => boolean) {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}
