// One store bundle from one setting. Without DATABASE_URL: embedded SQLite in DATA_DIR (sessions, feedback,
// seen ids and state in assistant.sqlite, dossier records in dossiers.sqlite), rate limits, the order lock and
// the poller election in this process. With DATABASE_URL=postgres://…: everything in PostgreSQL, shared by
// every instance. Every store is guarded: a database fault answers StoreUnavailableError and shows on
// health(); the database is probed until it works again, and a damaged SQLite file is reopened once replaced.
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { type DossierRecords, DossierStore, dossierDbPath } from '../dossier/store.ts';
import type { DossierStatus } from '../dossier/types.ts';
import type { Logger } from '../log/logger.ts';
import { classifyStoreError, STORE_FAULT_TEXT, type StoreFaultReason, StoreUnavailableError } from './errors.ts';
import { guard, type StoreEngine, StoreHealth, type StoreHealthState } from './health.ts';
import {
  LocalEvents,
  LocalPollerElection,
  MemoryConversationLock,
  MemoryFeedbackStore,
  MemoryRateLimitStore,
  MemorySeenMessageStore,
  MemorySessionStore,
  MemoryStateStore,
} from './memory.ts';
import { PgPollerElection } from './postgres/election.ts';
import { PgEvents } from './postgres/events.ts';
import { PgConversationLock } from './postgres/lock.ts';
import { migrate } from './postgres/migrate.ts';
import { createPool } from './postgres/pool.ts';
import {
  PgDossierRecords,
  PgFeedbackStore,
  PgRateLimitStore,
  PgSeenMessageStore,
  PgSessionStore,
  PgStateStore,
} from './postgres/stores.ts';
import {
  openDatabase,
  type SqliteDatabase,
  SqliteFeedbackStore,
  SqliteSeenMessageStore,
  SqliteSessionStore,
  SqliteStateStore,
} from './sqlite.ts';
import type {
  ConversationLock,
  FeedbackStore,
  PollerElection,
  RateLimitStore,
  SeenMessageStore,
  SessionStore,
  StateStore,
  StoreEvents,
} from './types.ts';

export const DATABASE_FILE = 'assistant.sqlite';

export interface StoreBundle {
  engine: StoreEngine;
  sessions: SessionStore<unknown>;
  feedback: FeedbackStore;
  seen: SeenMessageStore;
  rateLimits: RateLimitStore;
  conversationLock: ConversationLock;
  state: StateStore;
  /** The operator's dossier records (the local dossier provider; `npm run dossiers:import` writes them). */
  dossiers: DossierRecords;
  /** News between instances (reindex); nothing happens with one instance. */
  events: StoreEvents;
  /** Which instance runs the polling channels; always this one without PostgreSQL. */
  pollers: PollerElection;
  /** The database's state; while faulty, probes it (at most once a second) so recovery shows by itself. */
  health(): Promise<StoreHealthState>;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** Everything in this process's memory (tests, the terminal chat). */
  inMemory?: boolean;
  now?: () => number;
}

export async function openStores(
  config: Pick<Config, 'dataDir' | 'SESSION_IDLE_MINUTES' | 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>,
  logger: Logger,
  options: OpenStoresOptions = {},
): Promise<StoreBundle> {
  if (options.inMemory) return memoryStores(config, options.now);
  if (config.DATABASE_URL) return postgresStores(config, config.DATABASE_URL, logger, options.now);
  return sqliteStores(config, logger, options.now);
}

function memoryStores(config: Pick<Config, 'SESSION_IDLE_MINUTES'>, now?: () => number): StoreBundle {
  const pollers = new LocalPollerElection();
  return {
    engine: 'memory',
    sessions: new MemorySessionStore(config.SESSION_IDLE_MINUTES * 60_000, now),
    feedback: new MemoryFeedbackStore(),
    seen: new MemorySeenMessageStore(undefined, now),
    rateLimits: new MemoryRateLimitStore(undefined, now),
    conversationLock: new MemoryConversationLock(),
    state: new MemoryStateStore(),
    dossiers: new MemoryDossierRecords(),
    events: new LocalEvents(),
    pollers,
    health: async () => ({ ok: true, engine: 'memory' }),
    close: () => pollers.close(),
  };
}

/** Dossier records in memory (tests): the same behaviour as the SQLite and PostgreSQL ones. */
class MemoryDossierRecords implements DossierRecords {
  private readonly records = new Map<string, DossierStatus>();
  async find(code: string) {
    const found = this.records.get(code);
    return found ? structuredClone(found) : undefined;
  }
  async count() {
    return this.records.size;
  }
  async upsertAll(records: DossierStatus[]) {
    const counts = { inserted: 0, updated: 0 };
    for (const r of records) {
      if (this.records.has(r.code)) counts.updated++;
      else counts.inserted++;
      this.records.set(r.code, structuredClone(r));
    }
    return counts;
  }
  close(): void {}
}

/** A stand-in whose every method fails with the fault (a database that could not be opened). */
function unavailable<T extends object>(reason: StoreFaultReason): T {
  return new Proxy({} as T, {
    get: (_target, property) =>
      property === 'then'
        ? undefined
        : property === 'close'
          ? () => undefined
          : async () => {
              throw new StoreUnavailableError(reason);
            },
  });
}

/** The one readable line an operator gets when a database file cannot be used at startup. */
export function describeUnusableFile(
  path: string,
  error: unknown,
  meanwhile = 'tra cứu thủ tục vẫn chạy, trò chuyện trả lời "hệ thống đang bận"',
): string {
  const reason = classifyStoreError(error);
  const cause = reason ? STORE_FAULT_TEXT[reason] : 'không đọc được';
  const detail = (error as Error)?.message ? ` — ${(error as Error).message}` : '';
  return (
    `Không dùng được cơ sở dữ liệu ${path}: ${cause}${detail}. ` +
    `Cách xử lý: dừng máy chủ, chuyển tệp này (cùng ${path}-wal, ${path}-shm nếu có) sang chỗ khác ` +
    `hoặc khôi phục từ bản sao lưu, rồi khởi động lại; máy chủ không xoá gì. ` +
    `Trong lúc chờ, ${meanwhile}.`
  );
}

// ---- SQLite --------------------------------------------------------------------------------------------

interface SqliteStores {
  db: SqliteDatabase;
  sessions: SqliteSessionStore<unknown>;
  feedback: SqliteFeedbackStore;
  seen: SqliteSeenMessageStore;
  state: SqliteStateStore;
}

/** Reasons after which the file is reopened (it may have been replaced or made writable again). */
const REOPEN_ON: StoreFaultReason[] = ['corrupt', 'read_only', 'io_error'];

function sqliteStores(
  config: Pick<Config, 'dataDir' | 'SESSION_IDLE_MINUTES'>,
  logger: Logger,
  now?: () => number,
): StoreBundle {
  const path = join(config.dataDir, DATABASE_FILE);
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const open = (): SqliteStores => {
    const db = openDatabase(path, { check: true });
    return {
      db,
      sessions: new SqliteSessionStore(db, idleMs, now),
      feedback: new SqliteFeedbackStore(db),
      seen: new SqliteSeenMessageStore(db, now),
      state: new SqliteStateStore(db, now),
    };
  };
  let current: SqliteStores | undefined;
  let down: Record<string, object> | undefined;
  const setDown = (reason: StoreFaultReason) => {
    down = {
      sessions: unavailable(reason),
      feedback: unavailable(reason),
      seen: unavailable(reason),
      state: unavailable(reason),
    };
  };
  const health = new StoreHealth('sqlite', logger, async () => {
    const fault = health.state();
    if (!current || (!fault.ok && REOPEN_ON.includes(fault.reason))) {
      const fresh = open();
      const old = current;
      current = fresh;
      down = undefined;
      old?.db.close();
    }
    await current.state.set('health.probe', String(Date.now()));
  });
  try {
    current = open();
  } catch (error) {
    const reason = health.failed(error) ?? 'io_error';
    logger.error(describeUnusableFile(path, error));
    setDown(reason);
  }
  const pick = <K extends keyof Omit<SqliteStores, 'db'>>(name: K) =>
    guard(() => (current && !down ? current[name] : (down?.[name] as SqliteStores[K])), health);

  const dossierFile = dossierDbPath(config.dataDir);
  const dossiers = reopeningDossiers(dossierFile, logger);
  const pollers = new LocalPollerElection();
  return {
    engine: 'sqlite',
    sessions: pick('sessions'),
    feedback: pick('feedback'),
    seen: pick('seen'),
    state: pick('state'),
    rateLimits: new MemoryRateLimitStore(undefined, now),
    conversationLock: new MemoryConversationLock(),
    dossiers,
    events: new LocalEvents(),
    pollers,
    health: () => health.check(),
    async close() {
      await pollers.close();
      await dossiers.close();
      current?.db.close();
    },
  };
}

/** dossiers.sqlite, opened at start; when it cannot be opened, lookups answer "unavailable" and it is retried. */
function reopeningDossiers(file: string, logger: Logger): DossierRecords {
  let store: DossierStore | undefined;
  let failure: StoreFaultReason | undefined;
  let lastTry = 0;
  const tryOpen = (quiet: boolean) => {
    lastTry = Date.now();
    try {
      store = DossierStore.open(file);
      failure = undefined;
    } catch (error) {
      failure = classifyStoreError(error) ?? 'io_error';
      if (!quiet) logger.error(describeUnusableFile(file, error, 'trò chuyện vẫn chạy, chỉ tra cứu hồ sơ tạm ngưng'));
    }
  };
  tryOpen(false);
  const get = (): DossierStore => {
    if (!store && Date.now() - lastTry > 5_000) tryOpen(true);
    if (!store) throw new StoreUnavailableError(failure ?? 'io_error');
    return store;
  };
  return {
    find: async (code) => get().find(code),
    count: async () => get().count(),
    upsertAll: async (records, at) => get().upsertAll(records, at),
    close: () => store?.close(),
  };
}

// ---- PostgreSQL ----------------------------------------------------------------------------------------

async function postgresStores(
  config: Pick<Config, 'SESSION_IDLE_MINUTES' | 'DATABASE_POOL_SIZE'>,
  url: string,
  logger: Logger,
  now?: () => number,
): Promise<StoreBundle> {
  const log = logger.child({ component: 'postgres' });
  const pool = createPool(url, config.DATABASE_POOL_SIZE, log, 'queries');
  // A message waits at most 60 s for the one before it (on another instance) to finish.
  const lockPool = createPool(url, config.DATABASE_POOL_SIZE, log, 'locks', 30_000, { lock_timeout: '60s' });
  let ready = false;
  const prepare = async () => {
    if (ready) return;
    await migrate(pool, log);
    ready = true;
  };
  const health = new StoreHealth('postgres', log, async () => {
    await prepare();
    await pool.query('SELECT 1');
  });
  try {
    await prepare();
  } catch (error) {
    const reason = health.failed(error);
    if (!reason) {
      await Promise.allSettled([pool.end(), lockPool.end()]);
      throw error;
    }
    log.error(
      `PostgreSQL (${redactUrl(url)}) chưa dùng được: ${STORE_FAULT_TEXT[reason]} — ${(error as Error).message}. ` +
        'Máy chủ vẫn chạy (tra cứu thủ tục hoạt động, trò chuyện trả lời "hệ thống đang bận") và tự kết nối lại khi cơ sở dữ liệu sẵn sàng.',
    );
  }
  const stores = {
    sessions: new PgSessionStore<unknown>(pool, config.SESSION_IDLE_MINUTES * 60_000, now),
    feedback: new PgFeedbackStore(pool),
    seen: new PgSeenMessageStore(pool, now),
    rateLimits: new PgRateLimitStore(pool, now),
    state: new PgStateStore(pool, now),
    dossiers: new PgDossierRecords(pool),
  };
  const notReady = unavailable<Record<string, never>>('unreachable');
  const pick = <K extends keyof typeof stores>(name: K) =>
    guard(() => (ready ? stores[name] : (notReady as unknown as (typeof stores)[K])), health);
  const lock = new PgConversationLock(lockPool);
  const conversationLock: ConversationLock = {
    run: (conversationId, work) =>
      lock.run(conversationId, work).catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) health.failed(error);
        throw error;
      }),
  };
  const events = new PgEvents(url, pool, log);
  events.start();
  const pollers = new PgPollerElection({ url, logger: log });
  return {
    engine: 'postgres',
    sessions: pick('sessions'),
    feedback: pick('feedback'),
    seen: pick('seen'),
    rateLimits: pick('rateLimits'),
    state: pick('state'),
    dossiers: pick('dossiers'),
    conversationLock,
    events,
    pollers,
    health: () => health.check(),
    async close() {
      await pollers.close();
      await events.close();
      await lock.drain();
      await Promise.allSettled([pool.end(), lockPool.end()]);
    },
  };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db (never log a password). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * The dossier record store alone, for `npm run dossiers:import`: PostgreSQL with DATABASE_URL (migrations
 * applied first), else the SQLite file (`file`, default <DATA_DIR>/dossiers.sqlite).
 */
export async function openDossierRecords(
  config: Pick<Config, 'dataDir' | 'DATABASE_URL'>,
  logger: Logger,
  file?: string,
): Promise<{ records: DossierRecords; where: string; close(): Promise<void> }> {
  if (config.DATABASE_URL && !file) {
    const pool = createPool(config.DATABASE_URL, 2, logger, 'import');
    try {
      await migrate(pool, logger);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return { records: new PgDossierRecords(pool), where: redactUrl(config.DATABASE_URL), close: () => pool.end() };
  }
  const path = file ?? dossierDbPath(config.dataDir);
  const store = DossierStore.open(path);
  return { records: store, where: path, close: async () => store.close() };
}
