// Approximate nearest-neighbour search with hnswlib-node (HNSW graph, cosine space), saved to and read from a file.
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import type { VectorHit, VectorIndex } from '../types.ts';

export interface HnswParameters {
  /** Graph degree. */
  m: number;
  efConstruction: number;
  /** Candidate list size at query time (raised to k when k is larger). */
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswParameters = { m: 16, efConstruction: 200, efSearch: 128, seed: 100 };

export class HnswVectorIndex implements VectorIndex {
  private constructor(
    private readonly graph: HierarchicalNSW,
    readonly dimension: number,
    private readonly efSearch: number,
  ) {}

  /** Builds an index over `vectors`; the label of each vector is its position. */
  static build(vectors: readonly Float32Array[], dimension: number, params: HnswParameters = DEFAULT_HNSW) {
    const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
    graph.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, params.seed);
    vectors.forEach((vector, label) => {
      if (vector.length !== dimension)
        throw new Error(`vector ${label} has ${vector.length} dimensions, not ${dimension}`);
      graph.addPoint(Array.from(vector), label);
    });
    return new HnswVectorIndex(graph, dimension, params.efSearch);
  }

  /** Reads an index file written by `write`; throws when the file is unreadable or not an index. */
  static read(file: string, dimension: number, efSearch = DEFAULT_HNSW.efSearch): HnswVectorIndex {
    const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
    graph.readIndexSync(file);
    return new HnswVectorIndex(graph, dimension, efSearch);
  }

  write(file: string): void {
    this.graph.writeIndexSync(file);
  }

  get size(): number {
    return this.graph.getCurrentCount();
  }

  search(vector: Float32Array, k: number): VectorHit[] {
    const n = Math.min(Math.max(0, Math.floor(k)), this.size);
    if (n === 0) return [];
    if (vector.length !== this.dimension)
      throw new Error(`query has ${vector.length} dimensions, not ${this.dimension}`);
    this.graph.setEf(Math.max(this.efSearch, n));
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), n);
    return neighbors
      .map((label, i) => ({ label, similarity: 1 - (distances[i] as number) }))
      .sort((a, b) => b.similarity - a.similarity);
  }
}
