// The dossier service the conversation engine and the API use: detection, then lookups through the
// configured provider behind rate limits, with privacy-safe logging (codes and conversations as fingerprints).
// `createDossierService` is the factory for the composition root; the provider comes from configuration.
import { type Config, ConfigError, DOSSIER_HTTP_BACKOFF_MS } from '../config/config.ts';
import { fingerprint, type Logger } from '../log/logger.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { detectDossierCode, dossierLookupKey } from './code.ts';
import { DemoDossierSource } from './demo-source.ts';
import { HttpDossierSource, parseAuthHeader, parseFieldMap } from './http-source.ts';
import { LocalDossierSource } from './local-source.ts';
import { LookupLimiter } from './rate-limit.ts';
import { type DossierSource, SourceUnavailableError } from './source.ts';
import { type DossierRecords, DossierStore, dossierDbPath } from './store.ts';
import type { DossierCodeMatch, DossierLookup, DossierService } from './types.ts';

export class DossierLookupService implements DossierService {
  constructor(
    private readonly source: DossierSource,
    private readonly limiter: LookupLimiter,
    private readonly logger: Logger,
  ) {}

  get provider(): DossierSource['kind'] {
    return this.source.kind;
  }

  detect(text: string): DossierCodeMatch | undefined {
    return detectDossierCode(text);
  }

  async lookup(code: string, conversationId: string, clientId?: string): Promise<DossierLookup> {
    const conversation = fingerprint(conversationId);
    const key = dossierLookupKey(code);
    const dossier = fingerprint(key ?? code);
    const parties = clientId ? [conversationId, `client:${clientId}`] : [conversationId];
    const admission = this.limiter.admit(parties);
    if (!admission.ok) {
      this.logger.info({ conversation, scope: admission.scope }, 'dossier lookup rate limited');
      return { kind: 'rate_limited', retryAfterSeconds: admission.retryAfterSeconds };
    }
    const demo = this.source.kind === 'demo';
    if (!key) return this.notFound(code.trim(), parties, demo);
    try {
      const status = await this.source.find(key);
      if (!status) return this.notFound(key, parties, demo);
      this.logger.info({ conversation, dossier, provider: this.source.kind, state: status.state }, 'dossier found');
      return { kind: 'found', status: demo ? { ...status, demo: true } : status };
    } catch (error) {
      const reason = error instanceof SourceUnavailableError ? error.reason : 'provider error';
      if (!(error instanceof SourceUnavailableError)) {
        this.logger.error({ conversation, dossier, err: (error as Error).name }, 'dossier provider failed');
      }
      this.logger.info({ conversation, dossier, provider: this.source.kind, reason }, 'dossier source unavailable');
      return { kind: 'unavailable', code: key, reason };
    }
  }

  close(): void {
    this.source.close();
  }

  private notFound(code: string, parties: string[], demo: boolean): DossierLookup {
    const conversation = fingerprint(parties[0] ?? '');
    const verdict = this.limiter.recordNotFound(parties, code);
    this.logger.info({ conversation, dossier: fingerprint(code), provider: this.source.kind }, 'dossier not found');
    if (verdict.penaltySeconds !== undefined) {
      this.logger.warn(
        { conversation, distinctUnknownCodes: verdict.distinct, slowedForSeconds: verdict.penaltySeconds },
        'possible dossier code guessing: conversation and client slowed down',
      );
    }
    return demo ? { kind: 'not_found', code, demo: true } : { kind: 'not_found', code };
  }
}

export interface DossierServiceOptions {
  config: Config;
  logger: Logger;
  now?: () => Date;
  /** The record store of the local provider (the store bundle's); opened from DATA_DIR when absent. */
  records?: DossierRecords;
}

/** Builds the service with the provider chosen by DOSSIER_PROVIDER (local, http or demo). */
export function createDossierService(options: DossierServiceOptions): DossierLookupService {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const limiter = new LookupLimiter({
    perConversationPerMinute: config.DOSSIER_LOOKUPS_PER_MINUTE,
    globalPerMinute: config.DOSSIER_GLOBAL_LOOKUPS_PER_MINUTE,
    notFoundLimit: config.DOSSIER_NOT_FOUND_LIMIT,
    now: () => now().getTime(),
  });
  const source = createSource(config, logger, now, options.records);
  logger.info({ provider: source.kind }, 'dossier lookups ready');
  return new DossierLookupService(source, limiter, logger);
}

function createSource(config: Config, logger: Logger, now: () => Date, records?: DossierRecords): DossierSource {
  switch (config.DOSSIER_PROVIDER) {
    case 'demo':
      logger.warn('dossier provider: DEMO data (made-up records, every reply is marked as demo)');
      return new DemoDossierSource(now);
    case 'http':
      return createHttpSource(config, logger, now);
    default:
      return new LocalDossierSource(records ?? DossierStore.open(dossierDbPath(config.dataDir)));
  }
}

function createHttpSource(config: Config, logger: Logger, now: () => Date): HttpDossierSource {
  const problems: string[] = [];
  const attempt = <T>(name: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const authHeader = attempt('DOSSIER_HTTP_AUTH_HEADER', () => parseAuthHeader(config.DOSSIER_HTTP_AUTH_HEADER));
  const fieldMap = attempt('DOSSIER_HTTP_FIELD_MAP', () => parseFieldMap(config.DOSSIER_HTTP_FIELD_MAP));
  if (!config.DOSSIER_HTTP_BASE_URL) problems.push('DOSSIER_HTTP_BASE_URL: bắt buộc khi DOSSIER_PROVIDER=http');
  if (problems.length > 0 || !fieldMap || !config.DOSSIER_HTTP_BASE_URL) throw new ConfigError(problems);
  return new HttpDossierSource({
    baseUrl: config.DOSSIER_HTTP_BASE_URL,
    ...(authHeader ? { authHeader } : {}),
    fieldMap,
    timeoutMs: config.DOSSIER_HTTP_TIMEOUT_MS,
    retries: config.DOSSIER_HTTP_RETRIES,
    backoffMs: DOSSIER_HTTP_BACKOFF_MS,
    breaker: new CircuitBreaker(config.DOSSIER_HTTP_BREAKER_FAILURES, config.DOSSIER_HTTP_BREAKER_COOLDOWN_MS),
    cacheTtlMs: config.DOSSIER_HTTP_CACHE_SECONDS * 1000,
    logger,
    now: () => now().getTime(),
  });
}
