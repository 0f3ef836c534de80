// Per-model cache of passage embeddings keyed by content hash, so a reindex only embeds what changed.
// One JSONL file: a header line {format, modelId, dimension}, then {"h": <hash>, "v": <base64 float32>} per vector.
// Unreadable lines are skipped (those passages are simply embedded again).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { vectorFromBase64, vectorToBase64 } from './vectors.ts';

const CACHE_FORMAT = 1;
const Header = z.object({
  format: z.literal(CACHE_FORMAT),
  modelId: z.string(),
  dimension: z.number().int().positive(),
});
const Entry = z.object({ h: z.string().min(1), v: z.string().min(1) });

/** Identifies what was embedded: the passage text and the model that embedded it. */
export function contentHash(modelId: string, passage: string): string {
  return createHash('sha256').update(modelId).update('\n').update(passage).digest('hex').slice(0, 32);
}

/** File name of a model's cache inside an index folder. */
export function embeddingCacheFile(dir: string, modelId: string): string {
  return join(dir, `embeddings-${modelId.replace(/[^A-Za-z0-9._-]+/g, '_')}.jsonl`);
}

export interface CacheRead {
  vectors: Map<string, Float32Array>;
  /** Lines that could not be used (damaged, wrong size). */
  skipped: number;
}

/** Reads a cache; a missing file or one written for another model or dimension reads as empty. */
export function readEmbeddingCache(file: string, modelId: string, dimension: number): CacheRead {
  const vectors = new Map<string, Float32Array>();
  if (!existsSync(file)) return { vectors, skipped: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = Header.safeParse(parseJson(lines[0] ?? ''));
  if (!header.success || header.data.modelId !== modelId || header.data.dimension !== dimension) {
    return { vectors, skipped: 0 };
  }
  let skipped = 0;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const entry = Entry.safeParse(parseJson(line));
    const vector = entry.success ? vectorFromBase64(entry.data.v, dimension) : undefined;
    if (!entry.success || !vector || vector.some((x) => !Number.isFinite(x))) {
      skipped++;
      continue;
    }
    vectors.set(entry.data.h, vector);
  }
  return { vectors, skipped };
}

export function writeEmbeddingCache(
  file: string,
  modelId: string,
  dimension: number,
  vectors: Iterable<[string, Float32Array]>,
): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `${JSON.stringify({ format: CACHE_FORMAT, modelId, dimension })}\n`);
    for (const [h, vector] of vectors) writeSync(fd, `${JSON.stringify({ h, v: vectorToBase64(vector) })}\n`);
  } finally {
    closeSync(fd);
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
