// Sends error answers from the one catalogue (error-catalogue.ts), and turns fastify's own errors (bad JSON,
// body too large, unknown route, bad URL, slow or oversized headers) into them without echoing the input.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { isStoreUnavailable, STORE_BUSY_TEXT } from '../store/errors.ts';
import { ApiError, ERROR_CATALOGUE, type ErrorCode, errorBody } from './error-catalogue.ts';

export { ApiError, type ErrorBody, type ErrorCode, errorBody } from './error-catalogue.ts';

/** Answers with the catalogue entry `code` (its status); `extra` adds fields beside `error` (e.g. problems). */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(ERROR_CATALOGUE[code].status)
    .type('application/json; charset=utf-8')
    .send({ ...errorBody(code, message), ...extra });
}

/** A readable summary of a zod failure: field names and zod's messages, never the rejected values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function sendValidationError(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return sendError(reply, 'invalid_request', `Yêu cầu không hợp lệ (${describeIssues(error)}).`);
}

/** Fastify error codes we answer with a specific message. Messages never include the request content. */
const KNOWN: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_json', message: 'Nội dung gửi lên đang trống. (Empty JSON body.)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_content_length' },
  FST_ERR_BAD_URL: { code: 'bad_url' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'bad_url' },
};

/** A 413 names the limit of the route that refused the body. */
function tooLargeMessage(limitBytes: number): string {
  const kb = Math.round(limitBytes / 1024);
  return `Nội dung gửi lên quá lớn (tối đa ${kb} kB cho địa chỉ này). (Request body too large: limit ${kb} kB.)`;
}

/** Answers of fastify's framework errors (bad URL encoding, over-long parameters) in the catalogue's shape. */
export function frameworkErrors(error: FastifyError, _request: unknown, reply: FastifyReply): FastifyReply {
  const known = error.code ? KNOWN[error.code] : undefined;
  return sendError(reply, known?.code ?? 'bad_request', known?.message);
}

/** Raw-socket answers for what never becomes a request (headers too slow or too large, unparsable HTTP). */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'bad_request';
  const body = JSON.stringify(errorBody(code));
  const { status } = ERROR_CATALOGUE[code];
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The database is down, full or damaged: a documented 503, the service keeps running (issue 10 item 2).
    if (isStoreUnavailable(error)) {
      request.log.warn({ reason: error.reason }, 'store unavailable');
      reply.header('Retry-After', '30');
      return sendError(reply, 'store_unavailable', STORE_BUSY_TEXT);
    }
    if (error instanceof ApiError) return sendError(reply, error.code, error.message);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 'body_too_large', tooLargeMessage(request.routeOptions.bodyLimit ?? 0));
    }
    const known = error.code ? KNOWN[error.code] : undefined;
    if (known) return sendError(reply, known.code, known.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ errCode: error.code, status }, 'request rejected');
      return sendError(reply, 'bad_request');
    }
    // The error object may carry user input in its message (engine errors): log only name, code and stack frames.
    request.log.error(
      { errName: error.name, errCode: error.code, stack: error.stack?.split('\n').slice(1, 6) },
      'unhandled error',
    );
    return sendError(reply, 'internal');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not_found'));
}
