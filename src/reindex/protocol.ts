// Messages between the main thread and the search worker (src/reindex/worker.ts). The worker loads and
// validates the knowledge, builds the retrieval engine and then answers searches; the main thread keeps the
// procedures themselves (cards need them synchronously) and asks the worker only to rank.
import type { KnowledgeProblem } from '../knowledge/loader.ts';
import type { SearchOptions, SearchResult } from '../retrieval/types.ts';

export interface WorkerInput {
  knowledgeDir: string;
  catalogDir?: string | undefined;
  /** Set when the main thread has a dense searcher: the worker's engine asks it for similarities. */
  denseModelId?: string | undefined;
  /** Refuse a knowledge base without curated procedures (a reindex must not silently drop them). */
  requireCurated: boolean;
  /** DATA_DIR: its learned questions (npm run kb:learn) are searched too. */
  dataDir?: string | undefined;
}

/** The built index, described compactly: the procedures as JSON lines (transferred, not copied). */
export interface ReadyMessage {
  type: 'ready';
  version: string;
  /** UTF-8 JSON, one procedure after another in the engine's order; procedure i is bytes [offsets[i], offsets[i+1]). */
  procedures: Uint8Array;
  offsets: Int32Array;
  /** Procedure UUIDs in the same order. */
  ids: string[];
  /** Positions of curated procedures (the others were imported). */
  curated: Int32Array;
  /** Families: member positions in preference order, family after family; `familyStarts` indexes into it. */
  familyMembers: Int32Array;
  familyStarts: Int32Array;
  /** Family number of each position. */
  familyOf: Int32Array;
  ms: number;
}

export interface FailedMessage {
  type: 'failed';
  /** Set when the knowledge itself is wrong (files, fields); otherwise `message` says what broke. */
  problems?: KnowledgeProblem[];
  message: string;
}

export type FromWorker =
  | ReadyMessage
  | FailedMessage
  | { type: 'result'; id: number; result: SearchResult }
  | { type: 'error'; id: number; message: string }
  | { type: 'dense'; id: number; query: string; k: number };

export type ToWorker =
  | { type: 'search'; id: number; query: string; options?: SearchOptions }
  | { type: 'dense-result'; id: number; hits: { id: string; similarity: number }[]; error?: string };
