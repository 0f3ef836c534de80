// The dossier-status capability as the conversation engine and the API see it.
// Implementations (embedded SQLite records, an operator's HTTP API, demo data) live beside this file.

export type DossierState =
  | 'received' // đã tiếp nhận
  | 'processing' // đang xử lý
  | 'needs_supplement' // cần bổ sung hồ sơ
  | 'result_ready' // đã có kết quả
  | 'returned' // đã trả kết quả
  | 'overdue'; // quá hạn

/** Only status fields: never the applicant's personal data. */
export interface DossierStatus {
  code: string;
  state: DossierState;
  procedureName?: string;
  /** Portal UUID of the procedure when known, so the conversation can offer its guidance. */
  procedureId?: string;
  /** Public procedure code (mã thủ tục, e.g. `1.001193`) when the source gave a code but no name. */
  procedureCode?: string;
  /** ISO dates (YYYY-MM-DD). */
  receivedOn?: string;
  dueOn?: string;
  returnedOn?: string;
  agency?: string;
  note?: string;
  /** True when the record comes from the demo data set (every reply must say so). */
  demo?: boolean;
}

export type DossierLookup =
  | { kind: 'found'; status: DossierStatus }
  /** `demo` is true when the demo data set was searched. */
  | { kind: 'not_found'; code: string; demo?: boolean }
  | { kind: 'unavailable'; code: string; reason: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number };

/** What a message or URL contained that looks like a dossier code. */
export type DossierCodeMatch =
  | { kind: 'valid'; code: string }
  | { kind: 'malformed'; code: string; problem: string }
  | { kind: 'maybe'; candidate: string };

export interface DossierService {
  /** Finds a dossier code anywhere in a text, or undefined when there is none. */
  detect(text: string): DossierCodeMatch | undefined;
  /**
   * Looks up a valid code on behalf of one conversation and, when known, one client (`dossierClient()`: the
   * channel's user, or the IP on the web). Rate limits and the guessing slow-down apply to each of them and
   * globally, so a client inventing fresh conversation ids stays within its own numbers.
   */
  lookup(code: string, conversationId: string, clientId?: string): Promise<DossierLookup>;
}

/** The client a lookup is charged to: the channel's user (`telegram:123`, `web:web-ip:1.2.3.4`). */
export function dossierClient(channel: string, userId: string): string | undefined {
  return userId === '' ? undefined : `${channel}:${userId}`;
}
