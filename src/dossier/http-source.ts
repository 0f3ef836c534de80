// The HTTP provider: a provincial or agency status API configured by the operator (URL with `{code}` or an
// appended path, an auth header, a JSON field mapping). Timeout, retries with backoff for these idempotent
// reads, a circuit breaker and a short cache of found results. Only mapped status fields are read: names,
// addresses and any other personal data in the response are dropped.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { PROCEDURE_CODE_PATTERN, UUID_PATTERN } from '../knowledge/schema.ts';
import type { Logger } from '../log/logger.ts';
import { fingerprint } from '../log/logger.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { parseDate, vietnamDate } from './dates.ts';
import { type DossierSource, SourceUnavailableError } from './source.ts';
import { DOSSIER_STATES, parseState } from './states.ts';
import { TtlCache } from './ttl-cache.ts';
import type { DossierState, DossierStatus } from './types.ts';

const Path = z
  .string()
  .trim()
  .regex(/^[^.\s]+(?:\.[^.\s]+)*$/, { error: 'phải là tên trường hoặc đường dẫn có dấu chấm, ví dụ data.trangThai' });

/** Where each of our fields is in the API's JSON response (dotted paths; array items by index, e.g. `items.0.x`). */
export const FieldMapSchema = z.strictObject({
  state: Path,
  procedureName: Path.optional(),
  procedureId: Path.optional(),
  procedureCode: Path.optional(),
  receivedOn: Path.optional(),
  dueOn: Path.optional(),
  returnedOn: Path.optional(),
  agency: Path.optional(),
  note: Path.optional(),
  /** The API's own state values (e.g. "1", "DXL") mapped to ours, when they are not words we recognise. */
  stateValues: z.record(z.string(), z.enum(DOSSIER_STATES)).optional(),
});
export type FieldMap = z.infer<typeof FieldMapSchema>;

/** Used when DOSSIER_HTTP_FIELD_MAP is not set: the API already uses our field names. */
export const DEFAULT_FIELD_MAP: FieldMap = {
  state: 'state',
  procedureName: 'procedureName',
  procedureId: 'procedureId',
  procedureCode: 'procedureCode',
  receivedOn: 'receivedOn',
  dueOn: 'dueOn',
  returnedOn: 'returnedOn',
  agency: 'agency',
  note: 'note',
};

export interface AuthHeader {
  name: string;
  value: string;
}

/** Reads DOSSIER_HTTP_FIELD_MAP (JSON); throws an Error with a readable message when it is wrong. */
export function parseFieldMap(json: string | undefined): FieldMap {
  if (!json) return DEFAULT_FIELD_MAP;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('không phải JSON hợp lệ (ví dụ {"state":"trangThai","dueOn":"ngayHenTra"})');
  }
  const parsed = FieldMapSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** Reads DOSSIER_HTTP_AUTH_HEADER ("Name: value"); throws an Error with a readable message when it is wrong. */
export function parseAuthHeader(raw: string | undefined): AuthHeader | undefined {
  if (!raw) return undefined;
  const colon = raw.indexOf(':');
  const name = raw.slice(0, Math.max(colon, 0)).trim();
  const value = raw.slice(colon + 1).trim();
  if (colon < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === '') {
    throw new Error('phải có dạng "Tên: giá trị", ví dụ "Authorization: Bearer abc"');
  }
  return { name, value };
}

/** The request URL for a code: `{code}` replaced, or the code appended as the last path segment. */
export function dossierUrl(base: string, code: string): string {
  const encoded = encodeURIComponent(code);
  if (base.includes('{code}')) return base.replaceAll('{code}', encoded);
  return `${base.replace(/\/+$/, '')}/${encoded}`;
}

export interface HttpSourceOptions {
  baseUrl: string;
  authHeader?: AuthHeader;
  fieldMap: FieldMap;
  timeoutMs: number;
  /** Extra attempts after the first for network errors, timeouts, 429 and 5xx. */
  retries: number;
  /** First backoff delay; doubled at each retry, plus jitter. */
  backoffMs: number;
  breaker: CircuitBreaker;
  /** How long a found status is reused without asking the API again (0 = no cache). */
  cacheTtlMs: number;
  logger: Logger;
  now: () => number;
}

type Attempt = { kind: 'found'; status: DossierStatus } | { kind: 'not_found' };

class AttemptFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
  }
}

const MAX_BODY_CHARS = 1_000_000;

export class HttpDossierSource implements DossierSource {
  readonly kind = 'http';
  private readonly cache: TtlCache<DossierStatus>;

  constructor(private readonly options: HttpSourceOptions) {
    this.cache = new TtlCache(options.cacheTtlMs);
  }

  async find(code: string): Promise<DossierStatus | undefined> {
    const { breaker, logger, now } = this.options;
    const cached = this.cache.get(code, now());
    if (cached) return cached;
    if (!breaker.tryAcquire(now())) throw new SourceUnavailableError('circuit open');
    const dossier = fingerprint(code);
    let failure: AttemptFailure | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(this.options.backoffMs * 2 ** (attempt - 1) * (1 + Math.random()));
      try {
        const result = await this.attempt(code);
        breaker.onSuccess();
        if (result.kind === 'not_found') return undefined;
        this.cache.set(code, result.status, now());
        return result.status;
      } catch (error) {
        failure = error instanceof AttemptFailure ? error : new AttemptFailure('unexpected error', false);
        logger.debug({ dossier, attempt: attempt + 1, reason: failure.reason }, 'dossier API attempt failed');
        if (!failure.retryable) break;
      }
    }
    const reason = failure?.reason ?? 'unknown';
    const opened = breaker.onFailure(now());
    logger.warn({ dossier, reason, circuitOpened: opened }, 'dossier API unavailable');
    throw new SourceUnavailableError(reason);
  }

  close(): void {
    this.cache.clear();
  }

  private async attempt(code: string): Promise<Attempt> {
    const { authHeader, timeoutMs } = this.options;
    let response: Response;
    try {
      response = await fetch(dossierUrl(this.options.baseUrl, code), {
        headers: { accept: 'application/json', ...(authHeader ? { [authHeader.name]: authHeader.value } : {}) },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AttemptFailure(isTimeout(error) ? 'timeout' : 'network error', true);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (error) {
      throw new AttemptFailure(isTimeout(error) ? 'timeout' : 'body read error', true);
    }
    if (response.status === 404 || response.status === 410) return { kind: 'not_found' };
    if (response.status === 429 || response.status >= 500) {
      throw new AttemptFailure(`http ${response.status}`, true);
    }
    if (!response.ok) throw new AttemptFailure(`http ${response.status}`, false);
    if (body.length > MAX_BODY_CHARS) throw new AttemptFailure('response too large', false);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new AttemptFailure('malformed json', false);
    }
    return this.mapResponse(code, json);
  }

  /** Reads only the mapped status fields; everything else in the response is ignored. */
  private mapResponse(code: string, json: unknown): Attempt {
    const map = this.options.fieldMap;
    const record = Array.isArray(json) ? json[0] : json;
    if (typeof record !== 'object' || record === null) return { kind: 'not_found' };
    const rawState = scalar(pick(record, map.state));
    if (rawState === undefined) return { kind: 'not_found' };
    const state = mapState(rawState, map.stateValues);
    if (!state) {
      this.options.logger.warn({ stateValue: rawState.slice(0, 40) }, 'dossier API returned an unknown state value');
      throw new AttemptFailure('unknown state value', false);
    }
    const status: DossierStatus = { code, state };
    const textField = (path: string | undefined, max: number) => {
      const value = path ? scalar(pick(record, path)) : undefined;
      return value ? value.slice(0, max) : undefined;
    };
    const dateField = (path: string | undefined) => (path ? toDate(pick(record, path)) : undefined);
    const procedureName = textField(map.procedureName, 300);
    const procedureId = textField(map.procedureId, 36);
    const procedureCode = textField(map.procedureCode, 20);
    const receivedOn = dateField(map.receivedOn);
    const dueOn = dateField(map.dueOn);
    const returnedOn = dateField(map.returnedOn);
    const agency = textField(map.agency, 200);
    const note = textField(map.note, 500);
    if (procedureName) status.procedureName = procedureName;
    if (procedureId && UUID_PATTERN.test(procedureId)) status.procedureId = procedureId.toLowerCase();
    if (procedureCode && PROCEDURE_CODE_PATTERN.test(procedureCode)) status.procedureCode = procedureCode;
    if (receivedOn) status.receivedOn = receivedOn;
    if (dueOn) status.dueOn = dueOn;
    if (returnedOn) status.returnedOn = returnedOn;
    if (agency) status.agency = agency;
    if (note) status.note = note;
    return { kind: 'found', status };
  }
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A string or number as trimmed text; anything else (objects, empty strings) as undefined. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.normalize('NFC').trim();
  return text === '' ? undefined : text;
}

function mapState(raw: string, stateValues: Record<string, DossierState> | undefined): DossierState | undefined {
  return stateValues?.[raw] ?? parseState(raw);
}

/** A date string, or epoch milliseconds as some APIs send them. */
function toDate(value: unknown): string | undefined {
  if (typeof value === 'number' && value > 1e11) return vietnamDate(new Date(value));
  const text = scalar(value);
  return text ? parseDate(text) : undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
