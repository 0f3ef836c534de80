// JSON error bodies `{ error: { code, message } }` with Vietnamese messages, and the handlers that turn
// fastify's own errors (bad JSON, body too large, unknown route) into them without echoing the input.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { isStoreUnavailable, STORE_BUSY_TEXT } from '../store/errors.ts';

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(code, message));
}

/** A readable summary of a zod failure: field names and zod's messages, never the rejected values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function sendValidationError(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return sendError(reply, 400, 'invalid_request', `Yêu cầu không hợp lệ (${describeIssues(error)}).`);
}

/** Fastify error codes we answer with a specific message. Messages never include the request content. */
const KNOWN: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: 'Nội dung gửi lên không phải JSON hợp lệ. (Malformed JSON body.)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: 'Nội dung gửi lên đang trống. (Empty JSON body.)',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'body_too_large',
    message: 'Nội dung gửi lên quá lớn (tối đa 16 kB). (Request body too large.)',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Chỉ nhận nội dung dạng application/json. (Unsupported media type.)',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_content_length',
    message: 'Độ dài nội dung không khớp Content-Length. (Content-Length mismatch.)',
  },
};

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The database is down, full or damaged: a documented 503, the service keeps running (issue 10 item 2).
    if (isStoreUnavailable(error)) {
      request.log.warn({ reason: error.reason }, 'store unavailable');
      reply.header('Retry-After', '30');
      return sendError(reply, 503, 'store_unavailable', STORE_BUSY_TEXT);
    }
    const known = error.code ? KNOWN[error.code] : undefined;
    if (known) return sendError(reply, known.status, known.code, known.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ errCode: error.code, status }, 'request rejected');
      return sendError(reply, status, 'bad_request', 'Yêu cầu không hợp lệ.');
    }
    // The error object may carry user input in its message (engine errors): log only name, code and stack frames.
    request.log.error(
      { errName: error.name, errCode: error.code, stack: error.stack?.split('\n').slice(1, 6) },
      'unhandled error',
    );
    return sendError(reply, 500, 'internal', 'Xin lỗi, hệ thống đang gặp sự cố. Bạn thử lại sau ít phút nhé.');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'Không tìm thấy địa chỉ này.'));
}
