// Startup helper: finds and loads the embedding model within a time bound, or settles for the lexical path.
// Logs exactly one line saying which retrieval path is active and why. Never downloads anything.
import type { Logger } from '../../log/logger.ts';
import type { Embedder } from '../types.ts';
import { findLocalModel, type LocalModel, type ModelDtype, modelRoots } from './model-files.ts';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.ts';

export interface LoadEmbedderOptions {
  modelId: string;
  /** EMBEDDING_MODEL_DIR; when unset, ./models and the transformers.js cache are searched. */
  modelDir?: string | undefined;
  /** EMBEDDING_LOAD_TIMEOUT_MS: past this the server starts lexical-only. */
  timeoutMs: number;
  logger: Logger;
  /** Force an ONNX variant instead of the preferred one on disk. */
  dtype?: ModelDtype;
  embedder?: TransformersEmbedderOptions;
  /** Replaces the transformers.js loader (tests use it to simulate a slow or broken model). */
  load?: (model: LocalModel) => Promise<Embedder>;
}

type Outcome = { kind: 'loaded'; embedder: Embedder } | { kind: 'failed'; error: unknown } | { kind: 'timeout' };

export async function loadEmbedder(options: LoadEmbedderOptions): Promise<Embedder | undefined> {
  const { modelId, logger, timeoutMs } = options;
  const roots = modelRoots(options.modelDir);
  const model = findLocalModel(modelId, roots, options.dtype);
  if (!model) {
    logger.info(
      { retrievalPath: 'lexical', modelId, searched: roots },
      `retrieval path: lexical (no embedding model ${modelId} found in ${roots.join(', ')}; ` +
        'run npm run model:pull on a machine with internet and set EMBEDDING_MODEL_DIR)',
    );
    return undefined;
  }
  const load = options.load ?? ((m: LocalModel) => TransformersEmbedder.load(m, options.embedder));
  const loading = load(model);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race<Outcome>([
    loading.then(
      (embedder) => ({ kind: 'loaded', embedder }),
      (error: unknown) => ({ kind: 'failed', error }),
    ),
    new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind === 'loaded') {
    const { embedder } = outcome;
    logger.info(
      { retrievalPath: 'hybrid', modelId, dimension: embedder.dimension, dtype: model.dtype, dir: model.dir },
      `retrieval path: hybrid (model ${modelId}, dim ${embedder.dimension}, ${model.dtype})`,
    );
    return embedder;
  }
  if (outcome.kind === 'timeout') {
    // The load cannot be cancelled: free the model if it arrives after all.
    loading.then((late) => disposeQuietly(late)).catch(() => {});
    logger.warn(
      { retrievalPath: 'lexical', modelId, timeoutMs },
      `retrieval path: lexical (embedding model ${modelId} did not load within ${timeoutMs} ms)`,
    );
    return undefined;
  }
  const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  logger.warn(
    { retrievalPath: 'lexical', modelId, dir: model.dir, reason },
    `retrieval path: lexical (embedding model ${modelId} in ${model.dir} failed to load: ${reason})`,
  );
  return undefined;
}

function disposeQuietly(embedder: Embedder): void {
  const disposable = embedder as Partial<{ dispose(): Promise<void> }>;
  disposable.dispose?.().catch(() => {});
}
