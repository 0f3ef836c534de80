// GET /healthz (liveness plus what the assistant serves, and the state of each configured chat channel:
// "degraded", still 200, while one is not running) and GET /metrics (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { ChannelStates } from '../../channels/states.ts';
import { PROMETHEUS_CONTENT_TYPE, type Registry } from '../../metrics/registry.ts';
import type { ServerAssistant } from '../deps.ts';

export function registerHealthRoutes(
  app: FastifyInstance,
  assistant: Pick<ServerAssistant, 'status'>,
  registry: Registry,
  channels?: ChannelStates,
): void {
  const startedAt = Date.now();
  app.get('/healthz', async (_request, reply) => {
    const status = assistant.status();
    return reply.header('Cache-Control', 'no-store').send({
      status: channels && !channels.allRunning() ? 'degraded' : 'ok',
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
