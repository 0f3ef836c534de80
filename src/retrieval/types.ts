// What the retrieval engine answers, and the pluggable parts of its dense path.
import type { MatchFeatures } from './confidence.ts';

export interface SearchHit {
  /** Portal UUID. */
  id: string;
  code: string;
  name: string;
  /** Fused score, higher is better (comparable only within one result). */
  score: number;
  /** Id of the name family this hit belongs to (same name at another level or province). */
  family: string;
}

/** Near-identical procedures grouped together so a conversation can ask which one. */
export interface HitGroup {
  family: string;
  /** Shared display name of the family. */
  name: string;
  ids: string[];
}

export type RetrievalPath = 'lexical' | 'hybrid';

export interface SearchResult {
  hits: SearchHit[];
  groups: HitGroup[];
  /** Calibrated 0..1: how likely the first hit is what the citizen asked for. */
  confidence: number;
  /** True when the question looks out of scope or nothing matches well enough. */
  abstain: boolean;
  /** The top candidates are too close to pick one: the conversation should ask. */
  ambiguous: boolean;
  /**
   * The best match is plausible but uncertain: rather than "not found", offer the first two or three as a menu
   * (set together with `ambiguous`, so a conversation that only knows `ambiguous` already asks).
   */
  offerMenu?: boolean;
  path: RetrievalPath;
  /** What the confidence was computed from (absent when nothing matched). */
  features?: MatchFeatures;
}

export interface SearchOptions {
  limit?: number;
}

export interface Retriever {
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
}

/** Turns texts into unit-length vectors. Query and passage sides may differ (e5 prefixes). */
export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  embedQuery(text: string): Promise<Float32Array>;
  embedPassages(texts: string[]): Promise<Float32Array[]>;
}

export interface VectorHit {
  /** Position of the vector in the index (the caller maps it back to a procedure). */
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export interface VectorIndex {
  readonly size: number;
  search(vector: Float32Array, k: number): VectorHit[];
}
