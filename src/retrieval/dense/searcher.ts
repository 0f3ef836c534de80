// The DenseSearcher the retrieval engine calls: embeds the question (query side) and maps the nearest vectors
// back to procedure UUIDs with their cosine similarity.
import type { DenseSearcher } from '../search-engine.ts';
import type { Embedder, VectorIndex } from '../types.ts';

export class IndexDenseSearcher implements DenseSearcher {
  readonly modelId: string;

  constructor(
    private readonly embedder: Embedder,
    private readonly index: VectorIndex,
    /** label -> procedure UUID. */
    private readonly ids: readonly string[],
  ) {
    this.modelId = embedder.modelId;
  }

  get size(): number {
    return this.index.size;
  }

  async similar(query: string, k: number): Promise<{ id: string; similarity: number }[]> {
    if (query.trim() === '' || k <= 0 || this.index.size === 0) return [];
    const vector = await this.embedder.embedQuery(query);
    const results: { id: string; similarity: number }[] = [];
    for (const { label, similarity } of this.index.search(vector, k)) {
      const id = this.ids[label];
      if (id !== undefined) results.push({ id, similarity });
    }
    return results;
  }
}
