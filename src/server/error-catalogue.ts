// The one catalogue of error answers: every error response of the server (routes, fastify's own errors,
// the chat channels' webhooks) has the shape `{ error: { code, message } }`, its code is listed here with
// its HTTP status and a Vietnamese message, and `ApiError` is the one error class a handler may throw.
// docs/http-api.md lists the same table (a test keeps them in step).

export interface CatalogueEntry {
  status: number;
  /** Default message for the user, in Vietnamese; a route may give a more precise one. */
  message: string;
}

export const ERROR_CATALOGUE = {
  invalid_request: { status: 400, message: 'Yêu cầu không hợp lệ.' },
  malformed_json: { status: 400, message: 'Nội dung gửi lên không phải JSON hợp lệ. (Malformed JSON body.)' },
  bad_content_length: {
    status: 400,
    message: 'Độ dài nội dung không khớp Content-Length. (Content-Length mismatch.)',
  },
  bad_request: { status: 400, message: 'Yêu cầu không hợp lệ.' },
  bad_url: { status: 400, message: 'Địa chỉ yêu cầu không hợp lệ.' },
  empty_text: { status: 400, message: 'Tin nhắn đang trống. Bạn nhập câu hỏi rồi gửi lại nhé.' },
  invalid_query: { status: 400, message: 'Tham số q không hợp lệ.' },
  invalid_id: { status: 400, message: 'Mã thủ tục phải là UUID của Cổng Dịch vụ công.' },
  invalid_code: { status: 400, message: 'Đây không phải mã hồ sơ.' },
  malformed_code: { status: 400, message: 'Mã hồ sơ chưa đúng.' },
  invalid_update: { status: 400, message: 'Nội dung gửi tới webhook không phải sự kiện hợp lệ.' },
  unauthorized: { status: 401, message: 'Cần mã quản trị hợp lệ (Authorization: Bearer …).' },
  invalid_signature: { status: 401, message: 'Chữ ký của sự kiện không hợp lệ.' },
  forbidden: { status: 403, message: 'Không có quyền gọi địa chỉ này.' },
  stale_event: { status: 403, message: 'Sự kiện đã quá cũ.' },
  not_found: { status: 404, message: 'Không tìm thấy địa chỉ này.' },
  procedure_not_found: { status: 404, message: 'Không tìm thấy thủ tục này.' },
  dossier_not_found: { status: 404, message: 'Không tìm thấy hồ sơ này trong dữ liệu tra cứu.' },
  request_timeout: { status: 408, message: 'Yêu cầu gửi lên quá chậm. Bạn thử lại nhé.' },
  reindex_running: { status: 409, message: 'Đang dựng lại chỉ mục, bạn đợi lần chạy trước xong nhé.' },
  body_too_large: { status: 413, message: 'Nội dung gửi lên quá lớn. (Request body too large.)' },
  unsupported_media_type: {
    status: 415,
    message: 'Chỉ nhận nội dung dạng application/json. (Unsupported media type.)',
  },
  invalid_knowledge: { status: 422, message: 'Kho tri thức có lỗi; chỉ mục cũ vẫn đang phục vụ.' },
  rate_limited: { status: 429, message: 'Có quá nhiều yêu cầu. Bạn đợi một lát rồi thử lại nhé.' },
  too_many_conversations: {
    status: 429,
    message: 'Bạn vừa mở quá nhiều cuộc trò chuyện mới. Bạn đợi một lát rồi thử lại nhé.',
  },
  headers_too_large: { status: 431, message: 'Phần đầu của yêu cầu quá lớn.' },
  internal: { status: 500, message: 'Xin lỗi, hệ thống đang gặp sự cố. Bạn thử lại sau ít phút nhé.' },
  reindex_failed: { status: 500, message: 'Không dựng lại được chỉ mục; chỉ mục cũ vẫn đang phục vụ.' },
  store_unavailable: {
    status: 503,
    message: 'Hệ thống đang bận, bạn thử lại sau ít phút.',
  },
  lookup_unavailable: {
    status: 503,
    message: 'Hệ thống tra cứu hồ sơ đang gián đoạn. Bạn thử lại sau hoặc tra cứu trên Cổng Dịch vụ công.',
  },
  unavailable: { status: 503, message: 'Hệ thống đang khởi động lại. Bạn thử lại sau ít phút nhé.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** The body of an error answer; `message` replaces the catalogue's default with a more precise one. */
export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { error: { code, message: message ?? ERROR_CATALOGUE[code].message } };
}

/** The one error class for answers from the catalogue: thrown in a handler, it becomes that answer. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'ApiError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}
