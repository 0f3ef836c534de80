// Database faults as the rest of the service sees them: a StoreUnavailableError naming the reason (disk full,
// busy, damaged, read-only, unreachable), told apart from programming errors, so callers can answer
// "hệ thống đang bận" (chat), 503 store_unavailable (API) and name the reason on /healthz.

export type StoreFaultReason = 'disk_full' | 'busy' | 'corrupt' | 'read_only' | 'unreachable' | 'io_error';

/** Human-readable (Vietnamese) description of each reason, for logs and /healthz. */
export const STORE_FAULT_TEXT: Record<StoreFaultReason, string> = {
  disk_full: 'ổ đĩa đầy (disk full)',
  busy: 'cơ sở dữ liệu đang bận (database busy)',
  corrupt: 'tệp cơ sở dữ liệu bị hỏng (database file damaged)',
  read_only: 'cơ sở dữ liệu chỉ đọc được, không ghi được (read-only)',
  unreachable: 'không kết nối được cơ sở dữ liệu (database unreachable)',
  io_error: 'lỗi đọc/ghi ổ đĩa (I/O error)',
};

/** What a chat user is told while the store is down (every channel). */
export const STORE_BUSY_TEXT = 'Hệ thống đang bận, bạn thử lại sau ít phút. Cần gấp, bạn gọi tổng đài 18001096.';

export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: StoreFaultReason,
    options?: { cause?: unknown },
  ) {
    super(`store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

const SQLITE_CODES: [RegExp, StoreFaultReason][] = [
  [/^SQLITE_FULL/, 'disk_full'],
  [/^SQLITE_(BUSY|LOCKED)/, 'busy'],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'corrupt'],
  [/^SQLITE_(READONLY|PERM|AUTH)/, 'read_only'],
  [/^SQLITE_CANTOPEN/, 'io_error'],
  [/^SQLITE_IOERR/, 'io_error'],
];

const ERRNO: Record<string, StoreFaultReason> = {
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  EROFS: 'read_only',
  EACCES: 'read_only',
  EPERM: 'read_only',
  EIO: 'io_error',
  ECONNREFUSED: 'unreachable',
  ECONNRESET: 'unreachable',
  ETIMEDOUT: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENOTFOUND: 'unreachable',
  EPIPE: 'unreachable',
  EAI_AGAIN: 'unreachable',
};

/** PostgreSQL SQLSTATE codes (and classes) that mean the database, not the query, is at fault. */
function postgresReason(code: string): StoreFaultReason | undefined {
  if (code === '53100') return 'disk_full';
  if (code === '53300' || code === '53400' || code === '53200' || code === '55P03' || code === '40P01') return 'busy';
  if (code === '25006') return 'read_only';
  if (code === 'XX001' || code === 'XX002') return 'corrupt';
  if (code === '58030') return 'io_error';
  if (code.startsWith('08') || code.startsWith('57P')) return 'unreachable';
  return undefined;
}

/** The fault behind an error from better-sqlite3, node-postgres or the file system; undefined for other errors. */
export function classifyStoreError(error: unknown): StoreFaultReason | undefined {
  if (error instanceof StoreUnavailableError) return error.reason;
  if (!error || typeof error !== 'object') return undefined;
  const code = String((error as { code?: unknown }).code ?? '');
  for (const [pattern, reason] of SQLITE_CODES) if (pattern.test(code)) return reason;
  if (ERRNO[code]) return ERRNO[code];
  if (/^[0-9A-Z]{5}$/.test(code)) return postgresReason(code);
  const message = String((error as { message?: unknown }).message ?? '');
  // node-postgres: every pooled connection busy for too long (overload, not an outage).
  if (/timeout exceeded when trying to connect/i.test(message)) return 'busy';
  // node-postgres reports a lost or refused connection without a code.
  if (
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Client was closed/i.test(
      message,
    )
  ) {
    return 'unreachable';
  }
  return undefined;
}
