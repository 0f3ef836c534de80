// Holds the index the assistant serves and replaces it on demand: the startup index is built in-process;
// every reindex builds the next one in a worker thread (worker-index.ts) and swaps it in only when it is
// complete, so chat and health checks keep being answered meanwhile. One reindex runs at a time; knowledge
// that is wrong (a broken file, no curated procedures) leaves the served index as it was.
import type { Catalogue } from '../knowledge/loader.ts';
import type { Logger } from '../log/logger.ts';
import { ensureDenseIndex } from '../retrieval/dense/dense-index.ts';
import type { DenseRuntime } from '../retrieval/dense/setup.ts';
import { buildIndexInWorker, type ServedIndex, WorkerIndex } from './worker-index.ts';

/** A reindex was asked for while another one is running. */
export class ReindexBusyError extends Error {
  constructor() {
    super('a reindex is already running');
    this.name = 'ReindexBusyError';
  }
}

export interface ReindexResult {
  version: string;
  procedures: number;
}

export interface IndexHolder {
  current(): ServedIndex;
  /** Builds the next index off the event loop and swaps it in; ReindexBusyError while one runs. */
  reindex(): Promise<ReindexResult>;
  readonly reindexing: boolean;
  close(): Promise<void>;
}

export interface IndexHolderOptions {
  initial: ServedIndex;
  sources: { knowledgeDir: string; catalogDir?: string | undefined };
  dense: DenseRuntime | undefined;
  dataDir: string;
  logger: Logger;
}

export function createIndexHolder(options: IndexHolderOptions): IndexHolder {
  const { sources, dense, logger } = options;
  let served = options.initial;
  let running: AbortController | undefined;
  let closed = false;
  // A serving worker that dies (out of memory, a crash) is replaced by a fresh build; searches fail meanwhile.
  const recover = (error: Error) => {
    logger.error({ err: error.message }, 'the search worker stopped: rebuilding the index');
    if (closed || running) return;
    holder.reindex().catch((failure: unknown) => {
      logger.error({ err: (failure as Error)?.message }, 'rebuilding the index after a worker failure failed');
    });
  };
  if (served instanceof WorkerIndex) served.onFailure(recover);

  const denseFor = (catalogue: Catalogue) =>
    dense
      ? ensureDenseIndex({ catalogue, embedder: dense.embedder, dataDir: options.dataDir, logger })
      : Promise.resolve(undefined);

  const holder: IndexHolder = {
    current: () => served,
    get reindexing() {
      return running !== undefined;
    },
    async reindex() {
      if (running) throw new ReindexBusyError();
      const control = new AbortController();
      running = control;
      try {
        const next = await buildIndexInWorker({
          ...sources,
          requireCurated: true,
          dataDir: options.dataDir,
          denseModelId: dense?.searcher.modelId,
          signal: control.signal,
          onFailure: (error) => recover(error),
        });
        try {
          if (dense) next.useDense(await denseFor(await next.fullCatalogue(control.signal)));
          control.signal.throwIfAborted();
        } catch (error) {
          next.retire();
          throw error;
        }
        const previous = served;
        served = next;
        previous.retire?.();
        logger.info({ procedures: next.size, knowledgeVersion: next.catalogue.version }, 'search index swapped');
        return { version: next.catalogue.version, procedures: next.size };
      } finally {
        if (running === control) running = undefined;
      }
    },
    async close() {
      closed = true;
      running?.abort();
      served.retire?.();
    },
  };
  return holder;
}
