// Reads and validates configuration from the environment (documented in .env.example).
// Invalid configuration stops startup with one readable line per problem, never a stack trace.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('127.0.0.1'),
  /** Behind a reverse proxy: trust X-Forwarded-For from it (true, a hop count, or comma-separated addresses). */
  TRUST_PROXY: optionalString,
  /** Open HTTP connections at most; the longest-idle one is closed to make room. Default: 1000, fewer under a low ulimit -n. */
  HTTP_MAX_CONNECTIONS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(8).max(100_000).optional(),
  ),
  DATA_DIR: z.string().default('./data'),
  KNOWLEDGE_DIR: z.string().default('./knowledge'),
  CATALOG_DIR: optionalString,
  /** postgres://… = every store in PostgreSQL, shared by all instances; unset = embedded SQLite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\/\S+$/, 'phải là postgres://user:password@host:port/database')
        .optional(),
    )
    .optional(),
  DATABASE_POOL_SIZE: int(10, 1, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Dense retrieval (optional; without a model the engine runs lexically).
  EMBEDDING_MODEL: z.string().default('Xenova/multilingual-e5-small'),
  EMBEDDING_MODEL_DIR: optionalString,
  EMBEDDING_LOAD_TIMEOUT_MS: int(15_000, 100),
  // Conversation.
  SESSION_IDLE_MINUTES: int(60, 1),
  CHAT_RATE_PER_MINUTE: int(30, 1),
  CHAT_RATE_BURST: int(10, 1),
  /** New web conversations one client (IP) may open a minute; each costs a stored session. */
  NEW_CONVERSATIONS_PER_MINUTE: int(10, 1),
  /** Days answer feedback and the unanswered-question log are kept; older entries are deleted. */
  FEEDBACK_RETENTION_DAYS: int(180, 1, 36_500),
  // Telegram.
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  // Zalo personal account (zca-js).
  ZALO_CREDENTIALS_FILE: optionalString,
  ZALO_COOKIE: optionalString,
  ZALO_IMEI: optionalString,
  ZALO_USER_AGENT: optionalString,
  // Zalo Official Account webhook.
  ZALO_OA_APP_ID: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_OA_ACCESS_TOKEN: optionalString,
  ZALO_OA_API_ROOT: optionalUrl,
  ZALO_OA_REFRESH_TOKEN: optionalString,
  ZALO_OA_APP_SECRET: optionalString,
  ZALO_OA_OAUTH_ROOT: optionalUrl,
  ZALO_OA_REPLAY_WINDOW_SECONDS: int(300, 1),
  // Zalo Bot Platform (official bot API).
  ZALO_BOT_TOKEN: optionalString,
  ZALO_BOT_API_ROOT: optionalUrl,
  ZALO_BOT_WEBHOOK_URL: optionalUrl,
  ZALO_BOT_WEBHOOK_SECRET: optionalString,
  // Dossier status.
  DOSSIER_PROVIDER: z.enum(['local', 'http', 'demo']).default('local'),
  DOSSIER_HTTP_BASE_URL: optionalUrl,
  DOSSIER_HTTP_AUTH_HEADER: optionalString,
  DOSSIER_HTTP_FIELD_MAP: optionalString,
  DOSSIER_HTTP_TIMEOUT_MS: int(5_000, 100),
  DOSSIER_LOOKUPS_PER_MINUTE: int(10, 1),
  DOSSIER_GLOBAL_LOOKUPS_PER_MINUTE: int(300, 1),
  DOSSIER_NOT_FOUND_LIMIT: int(5, 1),
  DOSSIER_HTTP_RETRIES: int(2, 0, 5),
  DOSSIER_HTTP_BREAKER_FAILURES: int(5, 1),
  DOSSIER_HTTP_BREAKER_COOLDOWN_MS: int(30_000, 1_000),
  DOSSIER_HTTP_CACHE_SECONDS: int(60, 0, 3_600),
  // Maintenance.
  ADMIN_TOKEN: optionalString,
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  dataDir: string;
  knowledgeDir: string;
  catalogDir: string | undefined;
}

/** `npm run kb:import -- … --out data/catalog` is picked up without further settings. */
export const DEFAULT_CATALOG_SUBDIR = 'catalog';

function importedCatalogIn(dataDir: string): string | undefined {
  const dir = join(dataDir, DEFAULT_CATALOG_SUBDIR);
  return existsSync(join(dir, 'procedures.jsonl')) ? dir : undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cấu hình không hợp lệ:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The web chat page gives up on a request after this long (adapters/web/app.js uses the same value). */
export const WEB_REQUEST_TIMEOUT_MS = 20_000;
/** Wait before the first retry of the dossier HTTP provider, doubled for each further retry. */
export const DOSSIER_HTTP_BACKOFF_MS = 200;
/** What Telegram accepts as a webhook secret token. */
const TELEGRAM_SECRET = /^[A-Za-z0-9_-]{1,256}$/;
/** The shortest ADMIN_TOKEN accepted: shorter ones can be guessed. */
export const ADMIN_TOKEN_MIN_CHARS = 32;

/** Longest a dossier lookup over HTTP can take: every attempt timing out, plus the waits between them (jitter up to ×2). */
export function worstDossierLookupMs(timeoutMs: number, retries: number): number {
  let backoff = 0;
  for (let attempt = 0; attempt < retries; attempt++) backoff += 2 * DOSSIER_HTTP_BACKOFF_MS * 2 ** attempt;
  return timeoutMs * (retries + 1) + backoff;
}

/** Settings that are each valid but do not work together (or are unsafe), as readable lines. */
function crossCheck(values: Env): string[] {
  const problems: string[] = [];
  if (values.ADMIN_TOKEN !== undefined && values.ADMIN_TOKEN.length < ADMIN_TOKEN_MIN_CHARS) {
    problems.push(
      `ADMIN_TOKEN: cần ít nhất ${ADMIN_TOKEN_MIN_CHARS} ký tự (đang có ${values.ADMIN_TOKEN.length}); tạo bằng: openssl rand -hex 32`,
    );
  }
  if (values.TELEGRAM_WEBHOOK_SECRET !== undefined && !TELEGRAM_SECRET.test(values.TELEGRAM_WEBHOOK_SECRET)) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: Telegram chỉ nhận 1–256 ký tự A–Z, a–z, 0–9, "_" và "-"');
  }
  if (values.DOSSIER_PROVIDER === 'http') {
    const worst = worstDossierLookupMs(values.DOSSIER_HTTP_TIMEOUT_MS, values.DOSSIER_HTTP_RETRIES);
    if (worst > WEB_REQUEST_TIMEOUT_MS) {
      problems.push(
        `DOSSIER_HTTP_TIMEOUT_MS × (DOSSIER_HTTP_RETRIES + 1): một lần tra cứu có thể mất ${(worst / 1000).toFixed(1)} s, lâu hơn ${WEB_REQUEST_TIMEOUT_MS / 1000} s trang web chờ; giảm thời gian chờ hoặc số lần thử lại`,
      );
    }
  }
  return problems;
}

/** Parses configuration from an environment object (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const values = parsed.data;
  const problems: string[] = crossCheck(values);
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_WEBHOOK_URL: cần có TELEGRAM_BOT_TOKEN');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: bắt buộc khi dùng webhook (Telegram gửi nó trong header để xác thực)');
  }
  if (values.ZALO_BOT_WEBHOOK_URL && !values.ZALO_BOT_TOKEN) {
    problems.push('ZALO_BOT_WEBHOOK_URL: cần có ZALO_BOT_TOKEN');
  }
  if (values.ZALO_BOT_WEBHOOK_URL && !values.ZALO_BOT_WEBHOOK_SECRET) {
    problems.push(
      'ZALO_BOT_WEBHOOK_SECRET: bắt buộc khi dùng webhook (Zalo gửi nó trong header X-Bot-Api-Secret-Token)',
    );
  }
  const botSecret = values.ZALO_BOT_WEBHOOK_SECRET;
  if (botSecret && (botSecret.length < 8 || botSecret.length > 256)) {
    problems.push('ZALO_BOT_WEBHOOK_SECRET: cần từ 8 đến 256 ký tự');
  }
  if (values.ZALO_OA_REFRESH_TOKEN && !values.ZALO_OA_APP_SECRET) {
    problems.push('ZALO_OA_APP_SECRET: bắt buộc khi có ZALO_OA_REFRESH_TOKEN (để làm mới access token)');
  }
  if (values.DOSSIER_PROVIDER === 'http' && !values.DOSSIER_HTTP_BASE_URL) {
    problems.push('DOSSIER_HTTP_BASE_URL: bắt buộc khi DOSSIER_PROVIDER=http');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = resolve(values.DATA_DIR);
  return {
    ...values,
    dataDir,
    knowledgeDir: resolve(values.KNOWLEDGE_DIR),
    catalogDir: values.CATALOG_DIR ? resolve(values.CATALOG_DIR) : importedCatalogIn(dataDir),
  };
}
