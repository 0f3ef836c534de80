// The main thread's side of the search worker: builds a new index in a worker thread (loading, validation
// and indexing never block the event loop), takes the procedures over in small slices, and then serves
// search through the worker while `get` and `familyOf` answer from the main thread's own copy.
import type { Worker } from 'node:worker_threads';
import type { ProcedureFinder } from '../conversation/engine.ts';
import { type Catalogue, KnowledgeError, type Origin } from '../knowledge/loader.ts';
import { loadOutOfScope, type OutOfScope } from '../knowledge/out-of-scope.ts';
import type { Procedure } from '../knowledge/schema.ts';
import type { DenseSearcher } from '../retrieval/search-engine.ts';
import type { RetrievalPath, Retriever, SearchOptions, SearchResult } from '../retrieval/types.ts';
import type { FromWorker, ReadyMessage, ToWorker, WorkerInput } from './protocol.ts';
import { spawnSearchWorker } from './spawn.ts';

/** What the assistant serves from: the in-process engine built at startup, or a worker-hosted one. */
export interface ServedIndex extends ProcedureFinder, Retriever {
  readonly catalogue: { readonly version: string };
  readonly size: number;
  readonly path: RetrievalPath;
  /** Frees what the index holds once searches in flight have finished. */
  retire?(): void;
}

/** Main-thread work per slice while taking a new index over; the event loop runs between slices. */
const SLICE_MS = 8;
/** A retired worker is stopped at the latest this long after the swap, searches in flight or not. */
const RETIRE_GRACE_MS = 30_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface WorkerBuildOptions extends Omit<WorkerInput, 'denseModelId'> {
  /** The dense searcher's model id, when there is one (the searcher itself is given with `useDense`). */
  denseModelId?: string | undefined;
  /** Called when a serving worker stops unexpectedly (its searches fail until the next reindex). */
  onFailure?: (error: Error) => void;
  /** Aborting stops the build (the worker is terminated and the promise rejects). */
  signal?: AbortSignal;
}

/** Builds an index in a worker; rejects with KnowledgeError when the knowledge is wrong (the worker is stopped). */
export async function buildIndexInWorker(options: WorkerBuildOptions): Promise<WorkerIndex> {
  const worker = spawnSearchWorker({
    knowledgeDir: options.knowledgeDir,
    catalogDir: options.catalogDir,
    denseModelId: options.denseModelId,
    requireCurated: options.requireCurated,
    dataDir: options.dataDir,
  });
  const abort = () => void worker.terminate();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const ready = await firstAnswer(worker);
    // Serving: the worker lives as long as the index is in use, but never keeps the process alive by itself.
    worker.unref();
    // The conversation checks messages against the out-of-scope list the worker's engine refuses by.
    const outOfScope = loadOutOfScope(options.knowledgeDir);
    return new WorkerIndex(worker, ready, options.denseModelId !== undefined, options.onFailure, outOfScope);
  } catch (error) {
    await worker.terminate();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

function firstAnswer(worker: Worker): Promise<ReadyMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      cleanup();
      if (message.type === 'ready') resolve(message);
      else reject(message.problems ? new KnowledgeError(message.problems) : new Error(message.message));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the index worker stopped (exit code ${code}) before the index was ready`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * The procedures of a worker-built index, kept as the UTF-8 JSON the worker sent and parsed one at a time
 * when first needed: taking a new index over costs the main thread (and its garbage collector) almost nothing.
 */
class LazyProcedures {
  private readonly parsed: (Procedure | undefined)[];
  private readonly decoder = new TextDecoder();
  readonly positionById = new Map<string, number>();

  constructor(private readonly ready: Pick<ReadyMessage, 'procedures' | 'offsets' | 'ids'>) {
    this.parsed = new Array(ready.ids.length);
    for (const [i, id] of ready.ids.entries()) this.positionById.set(id, i);
  }

  get size(): number {
    return this.ready.ids.length;
  }

  at(position: number): Procedure {
    let procedure = this.parsed[position];
    if (!procedure) {
      const { offsets } = this.ready;
      const bytes = this.ready.procedures.subarray(offsets[position] as number, offsets[position + 1] as number);
      procedure = JSON.parse(this.decoder.decode(bytes)) as Procedure;
      this.parsed[position] = procedure;
    }
    return procedure;
  }

  /** Every procedure as a Catalogue (the dense index needs them all), parsed in slices between other work. */
  async catalogue(version: string, curatedPositions: Int32Array, signal?: AbortSignal): Promise<Catalogue> {
    const curated = new Set(curatedPositions);
    const procedures: Procedure[] = [];
    const byId = new Map<string, Procedure>();
    const origin = new Map<string, Origin>();
    let sliceStart = performance.now();
    for (let i = 0; i < this.size; i++) {
      const procedure = this.at(i);
      procedures.push(procedure);
      byId.set(procedure.id, procedure);
      origin.set(procedure.id, curated.has(i) ? 'curated' : 'imported');
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        signal?.throwIfAborted();
        sliceStart = performance.now();
      }
    }
    return { version, procedures, byId, origin };
  }
}

export class WorkerIndex implements ServedIndex {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: SearchResult) => void; reject: (e: Error) => void }>();
  private readonly procedures: LazyProcedures;
  readonly catalogue: { version: string };
  private dense: DenseSearcher | undefined;
  private readonly expectsDense: boolean;
  private stopped: Error | undefined;
  private retiring = false;
  private failureHandler: ((error: Error) => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly ready: ReadyMessage,
    expectsDense: boolean,
    onFailure?: (error: Error) => void,
    readonly outOfScope?: OutOfScope,
  ) {
    this.expectsDense = expectsDense;
    this.failureHandler = onFailure;
    this.catalogue = { version: ready.version };
    this.procedures = new LazyProcedures(ready);
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    const fail = (error: Error) => {
      if (this.stopped) return;
      this.stopped = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      if (!this.retiring) this.failureHandler?.(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the search worker stopped (exit code ${code})`)));
  }

  get size(): number {
    return this.procedures.size;
  }

  /** All procedures as a Catalogue, for building the dense index of this version. */
  fullCatalogue(signal?: AbortSignal): Promise<Catalogue> {
    return this.procedures.catalogue(this.ready.version, this.ready.curated, signal);
  }

  get path(): RetrievalPath {
    return this.expectsDense && this.dense ? 'hybrid' : 'lexical';
  }

  /** Called when the worker stops unexpectedly while serving (replaces the one given at build). */
  onFailure(handler: (error: Error) => void): void {
    this.failureHandler = handler;
  }

  /** The dense searcher the worker's engine asks for similarities (set before the index is served). */
  useDense(searcher: DenseSearcher | undefined): void {
    this.dense = searcher;
  }

  search(query: string, options?: SearchOptions): Promise<SearchResult> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'search', id, query, ...(options ? { options } : {}) });
    });
  }

  get(id: string): Procedure | undefined {
    const position = this.procedures.positionById.get(id);
    return position === undefined ? undefined : this.procedures.at(position);
  }

  familyOf(id: string): Procedure[] {
    const position = this.procedures.positionById.get(id);
    if (position === undefined) return [];
    const { familyMembers, familyStarts, familyOf } = this.ready;
    const family = familyOf[position] as number;
    const members: Procedure[] = [];
    for (let k = familyStarts[family] as number; k < (familyStarts[family + 1] as number); k++) {
      members.push(this.procedures.at(familyMembers[k] as number));
    }
    return members;
  }

  /** Stops the worker once the searches in flight have been answered (or after a grace period). */
  retire(): void {
    if (this.retiring) return;
    this.retiring = true;
    if (this.pending.size === 0) {
      void this.worker.terminate();
      return;
    }
    const timer = setTimeout(() => void this.worker.terminate(), RETIRE_GRACE_MS);
    timer.unref();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'result':
      case 'error': {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.type === 'result') waiting?.resolve(message.result);
        else waiting?.reject(new Error(`search failed in the worker (${message.message})`));
        if (this.retiring && this.pending.size === 0) void this.worker.terminate();
        return;
      }
      case 'dense': {
        const dense = this.dense;
        if (!dense) {
          // No dense index for this catalogue (the model is gone, or building failed): rank lexically.
          this.post({ type: 'dense-result', id: message.id, hits: [] });
          return;
        }
        dense.similar(message.query, message.k).then(
          (hits) => this.post({ type: 'dense-result', id: message.id, hits }),
          (error: unknown) =>
            this.post({ type: 'dense-result', id: message.id, hits: [], error: (error as Error)?.name ?? 'Error' }),
        );
        return;
      }
      default:
        return;
    }
  }
}
