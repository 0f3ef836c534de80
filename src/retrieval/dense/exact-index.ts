// Brute-force cosine search over every vector: the exact answer the HNSW index is checked against.
import type { VectorHit, VectorIndex } from '../types.ts';
import { dot, toUnitLength } from './vectors.ts';

export class ExactVectorIndex implements VectorIndex {
  private readonly vectors: Float32Array[];

  /** Vectors are copied and scaled to unit length, so similarities are cosines; label = position. */
  constructor(vectors: readonly Float32Array[]) {
    this.vectors = vectors.map((v) => toUnitLength(Float32Array.from(v)));
  }

  get size(): number {
    return this.vectors.length;
  }

  search(vector: Float32Array, k: number): VectorHit[] {
    const query = toUnitLength(Float32Array.from(vector));
    const hits = this.vectors.map((v, label) => ({ label, similarity: dot(query, v) }));
    hits.sort((a, b) => b.similarity - a.similarity);
    return hits.slice(0, Math.max(0, k));
  }
}
