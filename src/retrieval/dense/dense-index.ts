// Builds, persists and reopens the dense index of a catalogue: passage embeddings (reused from the cache when
// the passage is unchanged), an HNSW graph and its manifest, written beside the live folder and swapped in.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Catalogue } from '../../knowledge/loader.ts';
import type { Logger } from '../../log/logger.ts';
import type { DenseSearcher } from '../search-engine.ts';
import type { Embedder } from '../types.ts';
import { contentHash, embeddingCacheFile, readEmbeddingCache, writeEmbeddingCache } from './embedding-cache.ts';
import { DEFAULT_HNSW, type HnswParameters, HnswVectorIndex } from './hnsw-index.ts';
import {
  HNSW_FILE,
  liveIndexDir,
  MANIFEST_FILE,
  prepareBuildDir,
  recoverIndexFolder,
  swapIntoPlace,
  withIndexLock,
} from './index-folder.ts';
import { type DenseManifest, fileChecksum, MANIFEST_FORMAT, readManifest, writeManifest } from './manifest.ts';
import { procedurePassage } from './passage.ts';
import { IndexDenseSearcher } from './searcher.ts';

/** Passages handed to the embedder between two progress reports. */
const PROGRESS_CHUNK = 64;

export interface DenseProgress {
  /** Distinct passages embedded so far in this build. */
  done: number;
  /** Distinct passages this build has to embed (new or changed text; cached ones are not counted). */
  total: number;
}

export interface DenseIndexOptions {
  catalogue: Catalogue;
  embedder: Embedder;
  /** DATA_DIR: the index lives in <dataDir>/index. */
  dataDir: string;
  logger: Logger;
}

export interface BuildDenseOptions extends DenseIndexOptions {
  /** Called before embedding starts and after each chunk. */
  onProgress?: (progress: DenseProgress) => void;
  hnsw?: HnswParameters;
}

export interface DenseBuildResult {
  searcher: DenseSearcher;
  /** Distinct passages embedded by this build (procedures with identical text share one). */
  embedded: number;
  /** Distinct passages whose embedding came from the cache. */
  reused: number;
  count: number;
  /** The HNSW graph was carried over because no embedded text changed (only other fields did). */
  graphReused: boolean;
  files: { dir: string; manifest: string; index: string; embeddings: string };
}

export type DenseIndexCheck =
  | { status: 'ok'; searcher: DenseSearcher; manifest: DenseManifest }
  | { status: 'missing' | 'stale' | 'corrupt'; reason: string };

/** Embeds what changed, builds the HNSW graph, and atomically replaces <dataDir>/index. */
export async function buildDenseIndex(options: BuildDenseOptions): Promise<DenseBuildResult> {
  const { catalogue, embedder, dataDir, logger } = options;
  const params = options.hnsw ?? DEFAULT_HNSW;
  return withIndexLock(dataDir, async () => {
    for (const repair of recoverIndexFolder(dataDir)) logger.warn({ dataDir }, `dense index: ${repair}`);
    const live = liveIndexDir(dataDir);
    const { modelId, dimension } = embedder;
    const cache = readEmbeddingCache(embeddingCacheFile(live, modelId), modelId, dimension);
    if (cache.skipped > 0)
      logger.warn({ skipped: cache.skipped }, 'dense index: skipped damaged embedding cache lines');

    const procedures = catalogue.procedures;
    const passages = procedures.map(procedurePassage);
    const hashes = passages.map((passage) => contentHash(modelId, passage));
    const vectors = new Map<string, Float32Array>();
    const toEmbed: { hash: string; passage: string }[] = [];
    const pending = new Set<string>();
    hashes.forEach((hash, i) => {
      if (vectors.has(hash) || pending.has(hash)) return;
      const cached = cache.vectors.get(hash);
      if (cached) vectors.set(hash, cached);
      else {
        pending.add(hash);
        toEmbed.push({ hash, passage: passages[i] as string });
      }
    });
    const reused = vectors.size;
    options.onProgress?.({ done: 0, total: toEmbed.length });
    for (let start = 0; start < toEmbed.length; start += PROGRESS_CHUNK) {
      const chunk = toEmbed.slice(start, start + PROGRESS_CHUNK);
      const embedded = await embedder.embedPassages(chunk.map((c) => c.passage));
      if (embedded.length !== chunk.length)
        throw new Error(`embedder returned ${embedded.length} vectors for ${chunk.length} texts`);
      embedded.forEach((vector, i) => {
        if (vector.length !== dimension)
          throw new Error(`embedder returned ${vector.length} dimensions, expected ${dimension}`);
        vectors.set((chunk[i] as { hash: string }).hash, vector);
      });
      options.onProgress?.({ done: Math.min(start + chunk.length, toEmbed.length), total: toEmbed.length });
    }

    const dir = prepareBuildDir(dataDir);
    const ids = procedures.map((p) => p.id);
    const previous = readLiveIndex(dataDir, embedder);
    // Edits outside the embedded text (fees, steps, documents) change the knowledge version, not the vectors:
    // the existing graph is carried over instead of being rebuilt.
    const graphReused = !('status' in previous) && sameContent(previous.manifest, ids, hashes);
    let index: HnswVectorIndex;
    let hnsw = params;
    if (graphReused) {
      copyFileSync(previous.indexFile, join(dir, HNSW_FILE));
      index = previous.index;
      hnsw = previous.manifest.hnsw;
    } else {
      index = HnswVectorIndex.build(
        hashes.map((hash) => vectors.get(hash) as Float32Array),
        dimension,
        params,
      );
      index.write(join(dir, HNSW_FILE));
    }
    writeEmbeddingCache(embeddingCacheFile(dir, modelId), modelId, dimension, vectors);
    carryOtherModelCaches(live, dir, modelId);
    const manifest: DenseManifest = {
      format: MANIFEST_FORMAT,
      modelId,
      dimension,
      knowledgeVersion: catalogue.version,
      count: procedures.length,
      ids,
      contentHashes: Object.fromEntries(procedures.map((p, i) => [p.id, hashes[i] as string])),
      createdAt: new Date().toISOString(),
      indexFile: HNSW_FILE,
      indexChecksum: fileChecksum(join(dir, HNSW_FILE)),
      hnsw,
    };
    // The manifest goes last: a folder without one is never taken for a finished index.
    writeManifest(join(dir, MANIFEST_FILE), manifest);
    swapIntoPlace(dataDir, dir);
    logger.info(
      {
        modelId,
        count: procedures.length,
        embedded: toEmbed.length,
        reused,
        graphReused,
        knowledgeVersion: catalogue.version,
      },
      `dense index built: ${procedures.length} procedures (${toEmbed.length} embedded, ${reused} reused` +
        `${graphReused ? ', graph unchanged' : ''})`,
    );
    return {
      searcher: new IndexDenseSearcher(embedder, index, manifest.ids),
      embedded: toEmbed.length,
      reused,
      count: procedures.length,
      graphReused,
      files: {
        dir: live,
        manifest: join(live, MANIFEST_FILE),
        index: join(live, HNSW_FILE),
        embeddings: embeddingCacheFile(live, modelId),
      },
    };
  });
}

/** Other models' caches stay available when switching models back and forth. */
function carryOtherModelCaches(from: string, to: string, modelId: string): void {
  if (!existsSync(from)) return;
  const own = basename(embeddingCacheFile(from, modelId));
  for (const name of readdirSync(from)) {
    if (name.startsWith('embeddings-') && name !== own) copyFileSync(join(from, name), join(to, name));
  }
}

type LiveIndex = { manifest: DenseManifest; index: HnswVectorIndex; indexFile: string };
type IndexProblem = { status: 'missing' | 'stale' | 'corrupt'; reason: string };

/** Reads the live index for this embedder, checking model, dimension and the index file's integrity. */
function readLiveIndex(dataDir: string, embedder: Embedder): LiveIndex | IndexProblem {
  const live = liveIndexDir(dataDir);
  const manifestFile = join(live, MANIFEST_FILE);
  if (!existsSync(manifestFile)) return { status: 'missing', reason: `no dense index in ${live}` };
  const read = readManifest(manifestFile);
  if ('problem' in read) return { status: 'corrupt', reason: read.problem };
  const { manifest } = read;
  if (manifest.modelId !== embedder.modelId) {
    return { status: 'stale', reason: `built with model ${manifest.modelId}, now ${embedder.modelId}` };
  }
  if (manifest.dimension !== embedder.dimension) {
    return { status: 'stale', reason: `built with dimension ${manifest.dimension}, model gives ${embedder.dimension}` };
  }
  const indexFile = join(live, manifest.indexFile);
  if (!existsSync(indexFile)) return { status: 'corrupt', reason: `index file ${indexFile} is missing` };
  if (fileChecksum(indexFile) !== manifest.indexChecksum) {
    return { status: 'corrupt', reason: `index file ${indexFile} does not match its checksum (truncated or damaged)` };
  }
  let index: HnswVectorIndex;
  try {
    index = HnswVectorIndex.read(indexFile, manifest.dimension, manifest.hnsw.efSearch);
  } catch (error) {
    return { status: 'corrupt', reason: `index file ${indexFile} cannot be read: ${(error as Error).message}` };
  }
  if (index.size !== manifest.count) {
    return { status: 'corrupt', reason: `index holds ${index.size} vectors, manifest says ${manifest.count}` };
  }
  return { manifest, index, indexFile };
}

/** Whether <dataDir>/index can serve this catalogue with this embedder, and why not. */
export function checkDenseIndex(options: Omit<DenseIndexOptions, 'logger'>): DenseIndexCheck {
  const { catalogue, embedder, dataDir } = options;
  const live = readLiveIndex(dataDir, embedder);
  if ('status' in live) return live;
  const { manifest, index } = live;
  if (manifest.knowledgeVersion !== catalogue.version) {
    return {
      status: 'stale',
      reason: `built for knowledge version ${manifest.knowledgeVersion}, current is ${catalogue.version}`,
    };
  }
  return { status: 'ok', searcher: new IndexDenseSearcher(embedder, index, manifest.ids), manifest };
}

/** The live graph still fits when the same procedures, in the same order, embed the same passages. */
function sameContent(manifest: DenseManifest, ids: string[], hashes: string[]): boolean {
  return (
    manifest.ids.length === ids.length &&
    ids.every((id, i) => manifest.ids[i] === id && manifest.contentHashes[id] === hashes[i])
  );
}

/** Loads a matching index; undefined (with the reason logged) when it must be rebuilt. */
export async function openDenseIndex(options: DenseIndexOptions): Promise<DenseSearcher | undefined> {
  const { dataDir, logger } = options;
  for (const repair of recoverIndexFolder(dataDir)) logger.warn({ dataDir }, `dense index: ${repair}`);
  const check = checkDenseIndex(options);
  if (check.status === 'ok') {
    logger.info({ modelId: check.manifest.modelId, count: check.manifest.count }, 'dense index loaded');
    return check.searcher;
  }
  const log = check.status === 'missing' ? logger.info.bind(logger) : logger.warn.bind(logger);
  log({ status: check.status }, `dense index ${check.status}: ${check.reason}; it will be rebuilt`);
  return undefined;
}

/** Opens the index, or builds it (incrementally) when it is missing, stale or damaged. Undefined if the build fails. */
export async function ensureDenseIndex(options: BuildDenseOptions): Promise<DenseSearcher | undefined> {
  const opened = await openDenseIndex(options);
  if (opened) return opened;
  try {
    return (await buildDenseIndex(options)).searcher;
  } catch (error) {
    options.logger.warn(
      { reason: (error as Error).message },
      `dense index could not be built (${(error as Error).message}); searching lexically`,
    );
    return undefined;
  }
}
