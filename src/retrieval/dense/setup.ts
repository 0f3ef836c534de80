// Entry points for composition roots: turn the configuration into a working dense path (or none).
import type { Config } from '../../config/config.ts';
import type { Catalogue } from '../../knowledge/loader.ts';
import type { Logger } from '../../log/logger.ts';
import type { DenseSearcher } from '../search-engine.ts';
import type { Embedder } from '../types.ts';
import { type BuildDenseOptions, buildDenseIndex, type DenseBuildResult, ensureDenseIndex } from './dense-index.ts';
import { loadEmbedder } from './load-embedder.ts';
import type { TransformersEmbedder } from './transformers-embedder.ts';

export type DenseConfig = Pick<
  Config,
  'EMBEDDING_MODEL' | 'EMBEDDING_MODEL_DIR' | 'EMBEDDING_LOAD_TIMEOUT_MS' | 'dataDir'
>;

export interface DenseRuntime {
  /** Keep it to rebuild the index in-process (POST /admin/reindex) with `buildDenseIndex`. */
  embedder: Embedder;
  searcher: DenseSearcher;
  /** Frees the model (call on shutdown). */
  close(): Promise<void>;
}

function embedderFor(config: DenseConfig, logger: Logger): Promise<Embedder | undefined> {
  return loadEmbedder({
    modelId: config.EMBEDDING_MODEL,
    modelDir: config.EMBEDDING_MODEL_DIR,
    timeoutMs: config.EMBEDDING_LOAD_TIMEOUT_MS,
    logger,
  });
}

/**
 * Server startup: loads the model (bounded wait) and opens the index, building it when missing or stale.
 * Undefined means lexical-only; the reason has been logged.
 */
export async function setupDenseRetrieval(options: {
  config: DenseConfig;
  catalogue: Catalogue;
  logger: Logger;
}): Promise<DenseRuntime | undefined> {
  const { config, catalogue, logger } = options;
  const embedder = await embedderFor(config, logger);
  if (!embedder) return undefined;
  const close = () => (embedder as Partial<TransformersEmbedder>).dispose?.() ?? Promise.resolve();
  const searcher = await ensureDenseIndex({ catalogue, embedder, dataDir: config.dataDir, logger });
  if (!searcher) {
    await close();
    return undefined;
  }
  return { embedder, searcher, close };
}

/**
 * `npm run reindex`: rebuilds the dense index (re-embedding only changed procedures) and swaps it in.
 * Undefined when no embedding model is available (the reason has been logged); build errors are thrown.
 */
export async function reindexDense(options: {
  config: DenseConfig;
  catalogue: Catalogue;
  logger: Logger;
  onProgress?: BuildDenseOptions['onProgress'];
}): Promise<DenseBuildResult | undefined> {
  const { config, catalogue, logger, onProgress } = options;
  const embedder = await embedderFor(config, logger);
  if (!embedder) return undefined;
  return buildDenseIndex({
    catalogue,
    embedder,
    dataDir: config.dataDir,
    logger,
    ...(onProgress ? { onProgress } : {}),
  });
}
