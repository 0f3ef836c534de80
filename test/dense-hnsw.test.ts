// The HNSW vector index agrees with exact brute-force search, survives a write/read round trip, and the
// embedding cache's vector encoding is lossless.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seeded } from '../scripts/lib/seeded-random.ts';
import { ExactVectorIndex } from '../src/retrieval/dense/exact-index.ts';
import { HnswVectorIndex } from '../src/retrieval/dense/hnsw-index.ts';
import { toUnitLength, vectorFromBase64, vectorToBase64 } from '../src/retrieval/dense/vectors.ts';

function randomVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () =>
    toUnitLength(Float32Array.from({ length: dimension }, () => random() * 2 - 1)),
  );
}

const DIMENSION = 48;
const vectors = randomVectors(400, DIMENSION, 7);
const queries = randomVectors(50, DIMENSION, 11);
const hnsw = HnswVectorIndex.build(vectors, DIMENSION);
const exact = new ExactVectorIndex(vectors);
const dir = mkdtempSync(join(tmpdir(), 'dense-hnsw-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recallAt10(index: HnswVectorIndex): number {
  let found = 0;
  for (const query of queries) {
    const truth = new Set(exact.search(query, 10).map((h) => h.label));
    found += index.search(query, 10).filter((h) => truth.has(h.label)).length;
  }
  return found / (queries.length * 10);
}

describe('HnswVectorIndex', () => {
  it('finds at least 95% of the exact top-10 neighbours', () => {
    expect(hnsw.size).toBe(400);
    expect(recallAt10(hnsw)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns cosine similarities, best first, matching the exact ones', () => {
    const query = queries[0] as Float32Array;
    const approximate = hnsw.search(query, 5);
    const truth = exact.search(query, 5);
    expect(approximate.map((h) => h.label)).toEqual(truth.map((h) => h.label));
    approximate.forEach((hit, i) => {
      expect(hit.similarity).toBeCloseTo((truth[i] as { similarity: number }).similarity, 4);
    });
    for (let i = 1; i < approximate.length; i++) {
      expect((approximate[i - 1] as { similarity: number }).similarity).toBeGreaterThanOrEqual(
        (approximate[i] as { similarity: number }).similarity,
      );
    }
  });

  it('finds a stored vector as its own nearest neighbour with similarity 1', () => {
    const [top] = hnsw.search(vectors[123] as Float32Array, 1);
    expect(top?.label).toBe(123);
    expect(top?.similarity).toBeCloseTo(1, 5);
  });

  it('answers the same after being written and read back', () => {
    const file = join(dir, 'round-trip.hnsw');
    hnsw.write(file);
    const reread = HnswVectorIndex.read(file, DIMENSION);
    expect(reread.size).toBe(400);
    for (const query of queries.slice(0, 10)) {
      expect(reread.search(query, 10).map((h) => h.label)).toEqual(hnsw.search(query, 10).map((h) => h.label));
    }
  });

  it('caps k at the number of vectors and handles an empty index', () => {
    const small = HnswVectorIndex.build(vectors.slice(0, 3), DIMENSION);
    expect(small.search(queries[0] as Float32Array, 10)).toHaveLength(3);
    const empty = HnswVectorIndex.build([], DIMENSION);
    expect(empty.size).toBe(0);
    expect(empty.search(queries[0] as Float32Array, 10)).toEqual([]);
  });

  it('rejects vectors of the wrong dimension', () => {
    expect(() => HnswVectorIndex.build([new Float32Array(DIMENSION - 1)], DIMENSION)).toThrow(/dimensions/);
    expect(() => hnsw.search(new Float32Array(DIMENSION + 1), 3)).toThrow(/dimensions/);
  });
});

describe('ExactVectorIndex', () => {
  it('ranks by cosine even when vectors are not unit length', () => {
    const index = new ExactVectorIndex([Float32Array.of(10, 0), Float32Array.of(1, 1), Float32Array.of(0, -3)]);
    const hits = index.search(Float32Array.of(2, 0.1), 3);
    expect(hits.map((h) => h.label)).toEqual([0, 1, 2]);
    expect(hits[0]?.similarity).toBeCloseTo(0.99875, 4);
  });
});

describe('vector encoding', () => {
  it('round-trips float32 vectors through base64 and rejects the wrong length', () => {
    const vector = vectors[5] as Float32Array;
    const decoded = vectorFromBase64(vectorToBase64(vector), DIMENSION);
    expect(decoded && Array.from(decoded)).toEqual(Array.from(vector));
    expect(vectorFromBase64(vectorToBase64(vector), DIMENSION + 1)).toBeUndefined();
  });
});
