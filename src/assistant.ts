// Composition root of the assistant's core: knowledge, retrieval, stores, dossier lookups and the
// conversation engine, wired from configuration. Used by the server (src/main.ts), the terminal chat and tests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import { Engine, type Outcome } from './conversation/engine.ts';
import { readSession } from './conversation/session.ts';
import type { ConversationEngine } from './conversation/types.ts';
import { createDossierService } from './dossier/service.ts';
import type { DossierService } from './dossier/types.ts';
import { loadCatalogue } from './knowledge/loader.ts';
import { loadProvinces, PROVINCES_FILE } from './knowledge/provinces.ts';
import type { Procedure } from './knowledge/schema.ts';
import type { Logger } from './log/logger.ts';
import { createIndexHolder } from './reindex/reindexer.ts';
import { buildIndexInWorker, WorkerIndex } from './reindex/worker-index.ts';
import { buildRetrievalEngine } from './retrieval/build.ts';
import { setupDenseRetrieval } from './retrieval/dense/setup.ts';
import { loadLearned } from './retrieval/learned.ts';
import type { RetrievalPath, Retriever } from './retrieval/types.ts';
import { followReindexes } from './store/follow-reindex.ts';
import { openStores, type StoreBundle } from './store/open.ts';
import { startRetention } from './store/retention.ts';
import type { FeedbackStore } from './store/types.ts';

export interface Assistant {
  engine: ConversationEngine;
  retriever: Retriever;
  getProcedure(id: string): Procedure | undefined;
  dossiers: DossierService;
  feedback: FeedbackStore;
  /** Every store (sessions, seen ids, rate limits, order lock, state, dossier records, poller election). */
  stores: StoreBundle;
  /**
   * Reloads the knowledge base and rebuilds the search index in a worker thread, then swaps it in; conversations
   * continue meanwhile. Rejects with ReindexBusyError while another reindex runs, KnowledgeError when the
   * knowledge is wrong (the served index stays).
   */
  reindex(): Promise<{ version: string; procedures: number }>;
  status(): { knowledgeVersion: string; procedures: number; retrievalPath: RetrievalPath };
  engineOutcomes(): Record<string, number>;
  /** Whether a conversation's session is still kept, and the menu the engine would accept next. */
  conversationState(conversationId: string): Promise<{ active: boolean; menuId?: string }>;
  close(): Promise<void>;
}

export interface AssistantOptions {
  /** Keep sessions and feedback in memory instead of SQLite (tests, terminal chat). */
  inMemory?: boolean;
  now?: () => number;
  /**
   * Serve search from a worker thread from the start (the server does): the main thread's heap stays small
   * and searches never hold its event loop. Off by default, so tests and scripts build in-process.
   */
  indexInWorker?: boolean;
}

export { DATABASE_FILE } from './store/open.ts';

export async function createAssistant(
  config: Config,
  logger: Logger,
  options: AssistantOptions = {},
): Promise<Assistant> {
  const sources = { knowledgeDir: config.knowledgeDir, catalogDir: config.catalogDir };
  const started = performance.now();
  const catalogue = loadCatalogue(sources);
  // The dense path is optional: without a local model it logs why and the engine runs lexically.
  const dense = await setupDenseRetrieval({ config, catalogue, logger });
  const retrieval = options.indexInWorker
    ? await buildIndexInWorker({
        ...sources,
        dataDir: config.dataDir,
        requireCurated: false,
        denseModelId: dense?.searcher.modelId,
      })
    : buildRetrievalEngine(sources, {
        catalogue,
        dense: dense?.searcher,
        learned: loadLearned(config.dataDir, (message) => logger.warn({ dataDir: config.dataDir }, message)),
      });
  if (retrieval instanceof WorkerIndex) retrieval.useDense(dense?.searcher);
  const index = createIndexHolder({ initial: retrieval, sources, dense, dataDir: config.dataDir, logger });
  logger.info(
    {
      procedures: retrieval.size,
      curated: [...catalogue.origin.values()].filter((o) => o === 'curated').length,
      knowledgeVersion: catalogue.version,
      path: retrieval.path,
      ms: Math.round(performance.now() - started),
    },
    'knowledge loaded',
  );

  const stores = await openStores(config, logger, options);
  const { sessions, feedback } = stores;
  const retention = startRetention(feedback, {
    days: config.FEEDBACK_RETENTION_DAYS,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  // The bundle owns the record store (closed with the bundle), so the service gets a view without close().
  const records = stores.dossiers;
  const dossiers = createDossierService({
    config,
    logger,
    records: {
      find: (code) => records.find(code),
      count: () => records.count(),
      upsertAll: (list, at) => records.upsertAll(list, at),
      close: () => undefined,
    },
  });
  const provinces = existsSync(join(config.knowledgeDir, PROVINCES_FILE))
    ? loadProvinces(config.knowledgeDir)
    : undefined;
  const outcomes: Record<string, number> = {};
  const engine = new Engine({
    finder: () => index.current(),
    sessions,
    feedback,
    dossiers,
    ...(provinces ? { provinces } : {}),
    logger,
    ...(options.now ? { now: options.now } : {}),
    onOutcome: (outcome: Outcome) => {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    },
  });

  const assistant: Assistant = {
    engine,
    retriever: { search: (query, searchOptions) => index.current().search(query, searchOptions) },
    getProcedure: (id) => index.current().get(id),
    dossiers,
    feedback,
    stores,
    reindex: () => index.reindex(),
    status: () => {
      const current = index.current();
      return {
        knowledgeVersion: current.catalogue.version,
        procedures: current.size,
        retrievalPath: current.path,
      };
    },
    engineOutcomes: () => ({ ...outcomes }),
    async conversationState(conversationId) {
      const stored = await sessions.load(conversationId);
      if (stored === undefined) return { active: false };
      const menuId = readSession(stored).menu?.id;
      return menuId ? { active: true, menuId } : { active: true };
    },
    async close() {
      await index.close();
      await dense?.close();
      dossiers.close();
      retention.stop();
      await retention.first;
      await stores.close();
    },
  };
  // With PostgreSQL, a reindex on one instance is announced to the others, which rebuild too.
  return followReindexes(assistant, stores.events, logger);
}
