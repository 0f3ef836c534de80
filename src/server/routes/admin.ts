// POST /admin/reindex: rebuilds the search index on demand. Needs `Authorization: Bearer <ADMIN_TOKEN>`
// (compared in constant time); without ADMIN_TOKEN configured the route does not exist (404).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { KnowledgeError } from '../../knowledge/loader.ts';
import { ReindexBusyError } from '../../reindex/reindexer.ts';
import { SOCKET_IDLE_TIMEOUT_MS } from '../connections.ts';
import type { ServerAssistant } from '../deps.ts';
import { sendError } from '../errors.ts';

/** Constant-time comparison of a presented secret with the expected one (hashing evens out lengths). */
export function secretMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Sets a real socket's idle timeout (injected test requests have no socket to set). */
function setSocketTimeout(socket: { setTimeout?: unknown } | undefined, ms: number): void {
  if (socket && typeof socket.setTimeout === 'function') (socket as Socket).setTimeout(ms);
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

export function registerAdminRoutes(
  app: FastifyInstance,
  assistant: Pick<ServerAssistant, 'reindex'>,
  adminToken: string | undefined,
): void {
  let running: Promise<unknown> | undefined;
  app.post('/admin/reindex', async (request, reply) => {
    if (!adminToken) return sendError(reply, 'not_found', 'Không tìm thấy địa chỉ này.');
    const presented = bearerToken(request.headers.authorization);
    if (!presented || !secretMatches(presented, adminToken)) {
      request.log.warn('admin request with a missing or wrong token');
      reply.header('WWW-Authenticate', 'Bearer');
      return sendError(reply, 'unauthorized', 'Cần mã quản trị hợp lệ (Authorization: Bearer …).');
    }
    if (running) return sendError(reply, 'reindex_running', 'Đang dựng lại chỉ mục, bạn đợi lần chạy trước xong nhé.');
    const started = performance.now();
    // A whole-catalogue rebuild may outlast the idle-socket timeout on a busy machine: not on this connection.
    setSocketTimeout(request.raw.socket, 0);
    const job = assistant.reindex();
    running = job;
    try {
      const result = await job;
      const ms = Math.round(performance.now() - started);
      request.log.info({ version: result.version, procedures: result.procedures, ms }, 'reindex done');
      return reply.header('Cache-Control', 'no-store').send({ ...result, ms });
    } catch (error) {
      if (error instanceof ReindexBusyError) {
        return sendError(reply, 'reindex_running', 'Đang dựng lại chỉ mục, bạn đợi lần chạy trước xong nhé.');
      }
      request.log.error({ errName: (error as Error).name, err: (error as Error).message }, 'reindex failed');
      if (error instanceof KnowledgeError) {
        // The maintainer needs to know which file and field to fix; the old index keeps serving.
        return sendError(reply, 'invalid_knowledge', undefined, { problems: error.problems.slice(0, 100) });
      }
      return sendError(reply, 'reindex_failed', 'Không dựng lại được chỉ mục; chỉ mục cũ vẫn đang phục vụ.');
    } finally {
      running = undefined;
      setSocketTimeout(request.raw.socket, SOCKET_IDLE_TIMEOUT_MS);
    }
  });
}
