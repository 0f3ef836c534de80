// HTTP client for the portal's public catalogue APIs (list and detail), used by kb:sync. Polite by design:
// a request-rate limit, a per-request timeout, and bounded retries with exponential backoff and jitter on
// timeouts, network errors, 429/5xx answers and malformed JSON. Answers are validated leniently with zod.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { PortalDetailEnvelope } from './portal-format.ts';

export const PORTAL_BASE_URL = 'https://dichvucong.gov.vn';
export const LIST_ENDPOINT = '/api/v1/submitting/formality/list-all-public-formality-by-citizen';
export const DETAIL_ENDPOINT = '/api/v1/configuring/formality/get-formality-by-citizen';

export interface PortalClientOptions {
  baseUrl?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** First retry waits about this long, doubling each time (default 1 s). */
  backoffMs?: number;
  /** Cap of one backoff wait (default 30 s). */
  maxBackoffMs?: number;
  /** Request starts per second, across list and detail calls (default 2). */
  requestsPerSecond?: number;
  /** Stops waiting and requesting when aborted (Ctrl+C). */
  signal?: AbortSignal;
  /** Told about each retry, for the maintainer's console. */
  onRetry?: (info: RetryInfo) => void;
  /** Source of jitter, replaceable in tests (default Math.random). */
  random?: () => number;
}

export interface RetryInfo {
  endpoint: string;
  attempt: number;
  reason: string;
  delayMs: number;
}

/** A failed portal request; `retryable` failures were already retried up to the attempt limit. */
export class PortalError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

export interface ListPageRequest {
  limit: number;
  /** Id of the last record of the previous page; '' for the first page. */
  lastId: string;
  q?: string;
  categoryId?: string;
  departmentCode?: string;
}

export interface ListPage {
  /** Records as the portal sent them (kept raw, so catalog.jsonl mirrors the portal). */
  records: Record<string, unknown>[];
  /** The portal's own cursor for the next page, when it sends one. */
  lastId?: string;
  /** The portal's total count, when it sends one. */
  total?: number;
}

/**
 * What the list endpoint answers. Observed crawlers read `{code, data: {items, lastId}, message}`; we also accept
 * `data` as a bare array, `data.content`/`data.data`/`data.records`/`data.list` instead of `items`, or a bare
 * array as the whole body, because this endpoint is undocumented and may change. Records are checked by the
 * caller (one odd record must not sink a page).
 */
const ListItems = z.array(z.record(z.string(), z.unknown()));
const ListData = z.union([
  ListItems,
  z.looseObject({
    items: ListItems.optional(),
    content: ListItems.optional(),
    data: ListItems.optional(),
    records: ListItems.optional(),
    list: ListItems.optional(),
    lastId: z.string().nullish(),
    total: z.number().nullish(),
    totalElements: z.number().nullish(),
  }),
]);
const ListEnvelope = z.union([
  ListItems,
  z.looseObject({ code: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish(), data: ListData }),
]);

const DEFAULTS = {
  baseUrl: PORTAL_BASE_URL,
  timeoutMs: 30_000,
  maxAttempts: 5,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  requestsPerSecond: 2,
};

export class PortalClient {
  private readonly options: typeof DEFAULTS & PortalClientOptions;
  private nextStart = 0;

  constructor(options: PortalClientOptions = {}) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...DEFAULTS, ...defined };
    this.options.baseUrl = this.options.baseUrl.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** One page of the public list, `limit` records after `lastId`. */
  async listPage(request: ListPageRequest): Promise<ListPage> {
    const body = { q: '', categoryId: '', departmentCode: '', ...request };
    const json = await this.post(LIST_ENDPOINT, body);
    const parsed = ListEnvelope.safeParse(json);
    if (!parsed.success) {
      throw new PortalError(`danh sách thủ tục trả về dạng không nhận ra: ${summarizeIssues(parsed.error)}`, false);
    }
    const envelope = parsed.data;
    const data = Array.isArray(envelope) ? envelope : envelope.data;
    if (Array.isArray(data)) return { records: data };
    const records = data.items ?? data.content ?? data.data ?? data.records ?? data.list ?? [];
    return {
      records,
      lastId: data.lastId ?? undefined,
      total: data.total ?? data.totalElements ?? undefined,
    };
  }

  /** The detail envelope `{code, data, message}` of one procedure, raw, after checking its shape. */
  async detail(id: string): Promise<Record<string, unknown>> {
    const json = await this.post(DETAIL_ENDPOINT, { id });
    const parsed = PortalDetailEnvelope.safeParse(json);
    if (!parsed.success) {
      throw new PortalError(`chi tiết thủ tục trả về dạng không nhận ra: ${summarizeIssues(parsed.error)}`, false);
    }
    if (!parsed.data.data) {
      throw new PortalError(`cổng không trả chi tiết (${parsed.data.code ?? ''} ${parsed.data.message ?? ''})`, false);
    }
    if (parsed.data.data.id && parsed.data.data.id !== id) {
      throw new PortalError(`cổng trả chi tiết của thủ tục khác (${parsed.data.data.id})`, false);
    }
    return json as Record<string, unknown>;
  }

  /** POST JSON with rate limit, timeout and retries; resolves to the parsed JSON body. */
  private async post(endpoint: string, body: unknown): Promise<unknown> {
    const { maxAttempts } = this.options;
    for (let attempt = 1; ; attempt++) {
      await this.waitForTurn();
      try {
        return await this.once(endpoint, body);
      } catch (error) {
        const failure = classify(error, this.options.signal);
        if (!failure.retryable || attempt >= maxAttempts) {
          throw new PortalError(
            failure.retryable ? `${failure.reason} (sau ${attempt} lần thử)` : failure.reason,
            failure.retryable,
            failure.status,
          );
        }
        const delayMs = this.backoff(attempt, failure.retryAfterMs);
        this.options.onRetry?.({ endpoint, attempt, reason: failure.reason, delayMs });
        await sleep(delayMs, undefined, { signal: this.options.signal }).catch(() => {
          throw new PortalError('đã dừng theo yêu cầu', false);
        });
      }
    }
  }

  private async once(endpoint: string, body: unknown): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    const response = await fetch(`${this.options.baseUrl}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    if (!response.ok) throw new HttpStatusError(response.status, response.headers.get('retry-after'));
    try {
      return JSON.parse(text);
    } catch {
      throw new MalformedJsonError();
    }
  }

  /** Spaces request starts evenly: at most `requestsPerSecond` starts per second. */
  private async waitForTurn(): Promise<void> {
    const interval = 1000 / this.options.requestsPerSecond;
    const now = Date.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + interval;
    if (start > now) {
      await sleep(start - now, undefined, { signal: this.options.signal }).catch(() => {
        throw new PortalError('đã dừng theo yêu cầu', false);
      });
    }
  }

  /** Exponential backoff with jitter (50–100 % of the step), at least the server's Retry-After, capped. */
  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const { backoffMs, maxBackoffMs } = this.options;
    const step = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
    const jittered = step * (0.5 + 0.5 * (this.options.random ?? Math.random)());
    return Math.round(Math.min(maxBackoffMs, Math.max(jittered, retryAfterMs ?? 0)));
  }
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}`);
  }
}

class MalformedJsonError extends Error {
  constructor() {
    super('JSON không hợp lệ');
  }
}

interface Failure {
  retryable: boolean;
  reason: string;
  status?: number;
  retryAfterMs?: number;
}

function classify(error: unknown, signal: AbortSignal | undefined): Failure {
  if (signal?.aborted) return { retryable: false, reason: 'đã dừng theo yêu cầu' };
  if (error instanceof HttpStatusError) {
    const retryable = error.status >= 500 || error.status === 429 || error.status === 408;
    const seconds = Number(error.retryAfter);
    return {
      retryable,
      reason: `cổng trả HTTP ${error.status}`,
      status: error.status,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
    };
  }
  if (error instanceof MalformedJsonError) return { retryable: true, reason: 'cổng trả JSON không hợp lệ' };
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { retryable: true, reason: 'hết thời gian chờ' };
  // fetch rejects with a TypeError on DNS, connection and socket errors.
  return { retryable: true, reason: `lỗi mạng: ${(error as Error)?.message ?? String(error)}` };
}

function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(gốc)'}: ${i.message}`)
    .join('; ');
}
