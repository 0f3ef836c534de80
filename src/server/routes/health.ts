// GET /healthz (liveness plus what the assistant serves, and the state of each configured chat channel:
// "degraded", still 200, while one is not running) and GET /metrics (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { ChannelStates } from '../../channels/states.ts';
import { PROMETHEUS_CONTENT_TYPE, type Registry } from '../../metrics/registry.ts';
import type { ServerAssistant } from '../deps.ts';

export function registerHealthRoutes(
  app: FastifyInstance,
  assistant: Pick<ServerAssistant, 'status' | 'stores'>,
  registry: Registry,
  channels?: ChannelStates,
): void {
  const startedAt = Date.now();
  app.get('/healthz', async (_request, reply) => {
    const status = assistant.status();
    const store = await assistant.stores?.health();
    // A database fault: 503 naming it, so a load balancer sends chats elsewhere; search still works here.
    if (store && !store.ok) reply.code(503);
    return reply.header('Cache-Control', 'no-store').send({
      // "degraded" (503) when the database is faulty; "degraded" (still 200) when a chat channel is not running.
      status: (store && !store.ok) || (channels && !channels.allRunning()) ? 'degraded' : 'ok',
      ...(store
        ? {
            store: store.ok
              ? { engine: store.engine, ok: true }
              : { engine: store.engine, ok: false, reason: store.reason, detail: store.detail },
          }
        : {}),
      ...(assistant.stores?.pollers ? { pollingLeader: assistant.stores.pollers.isLeader() } : {}),
      knowledgeVersion: status.knowledgeVersion,
      procedures: status.procedures,
      retrievalPath: status.retrievalPath,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      channels: channels?.snapshot() ?? {},
    });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('Cache-Control', 'no-store').type(PROMETHEUS_CONTENT_TYPE).send(registry.render()),
  );
}
