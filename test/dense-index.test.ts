// The persisted dense index, offline with the tiny generated model: build -> search -> reload; stale manifests
// and damaged index files are detected and rebuilt; reindex only embeds what changed; an interrupted swap is
// repaired; and the lead's RetrievalEngine runs the hybrid path with this DenseSearcher.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { type Catalogue, mergeSources } from '../src/knowledge/loader.ts';
import { type Procedure, ProcedureSchema, portalLinks } from '../src/knowledge/schema.ts';
import { createLogger } from '../src/log/logger.ts';
import {
  buildDenseIndex,
  checkDenseIndex,
  type DenseProgress,
  ensureDenseIndex,
  openDenseIndex,
} from '../src/retrieval/dense/dense-index.ts';
import { embeddingCacheFile } from '../src/retrieval/dense/embedding-cache.ts';
import { HNSW_FILE, IndexBusyError, liveIndexDir, MANIFEST_FILE } from '../src/retrieval/dense/index-folder.ts';
import { DenseManifestSchema } from '../src/retrieval/dense/manifest.ts';
import { findLocalModel } from '../src/retrieval/dense/model-files.ts';
import { reindexDense, setupDenseRetrieval } from '../src/retrieval/dense/setup.ts';
import { TransformersEmbedder } from '../src/retrieval/dense/transformers-embedder.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import type { Embedder } from '../src/retrieval/types.ts';
import { createTinyModel, type TinyModel } from './helpers/tiny-model.ts';

// ---- a small hand-made catalogue ----

const ID = {
  birth: '0190f000-0000-7000-8000-0000000d0001',
  marriage: '0190f000-0000-7000-8000-0000000d0002',
  death: '0190f000-0000-7000-8000-0000000d0003',
  licence: '0190f000-0000-7000-8000-0000000d0004',
  residence: '0190f000-0000-7000-8000-0000000d0005',
  passport: '0190f000-0000-7000-8000-0000000d0006',
};

function procedure(
  id: string,
  code: string,
  name: string,
  aliases: string[],
  summary: string,
  field: string,
): Procedure {
  return ProcedureSchema.parse({
    id,
    code,
    name,
    aliases,
    summary,
    fields: [field],
    type: 'national',
    links: portalLinks(id, true),
    source: { url: portalLinks(id, true).procedure, checkedAt: '2026-07-20' },
  });
}

const BASE: Procedure[] = [
  procedure(
    ID.birth,
    '1.000001',
    'Đăng ký khai sinh',
    ['làm giấy khai sinh cho con'],
    'Đăng ký khai sinh cho trẻ em.',
    'Hộ tịch',
  ),
  procedure(
    ID.marriage,
    '1.000002',
    'Đăng ký kết hôn',
    ['làm giấy kết hôn'],
    'Đăng ký kết hôn cho công dân Việt Nam.',
    'Hộ tịch',
  ),
  procedure(
    ID.death,
    '1.000003',
    'Đăng ký khai tử',
    ['làm giấy khai tử'],
    'Đăng ký khai tử cho người đã mất.',
    'Hộ tịch',
  ),
  procedure(
    ID.licence,
    '1.000004',
    'Cấp đổi giấy phép lái xe',
    ['đổi bằng lái xe'],
    'Đổi giấy phép lái xe.',
    'Giao thông vận tải',
  ),
  procedure(
    ID.residence,
    '1.000005',
    'Đăng ký thường trú',
    ['nhập hộ khẩu'],
    'Đăng ký thường trú cho công dân.',
    'Cư trú',
  ),
  procedure(
    ID.passport,
    '1.000006',
    'Cấp hộ chiếu phổ thông',
    ['làm hộ chiếu'],
    'Cấp hộ chiếu phổ thông cho công dân.',
    'Xuất nhập cảnh',
  ),
];

function catalogueOf(procedures: Procedure[]): Catalogue {
  return mergeSources(procedures, []);
}

// ---- helpers ----

/** Collects log lines (pino JSON) so tests can read what was reported. */
function captureLogger() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines, messages: () => lines.map((l) => l.msg) };
}

/** A real embedder that also records which passages it was asked to embed. */
class RecordingEmbedder implements Embedder {
  readonly passages: string[] = [];
  constructor(
    private readonly inner: Embedder,
    readonly modelId = inner.modelId,
  ) {}
  get dimension() {
    return this.inner.dimension;
  }
  embedQuery(text: string) {
    return this.inner.embedQuery(text);
  }
  embedPassages(texts: string[]) {
    this.passages.push(...texts);
    return this.inner.embedPassages(texts);
  }
}

let tiny: TinyModel;
let model: TransformersEmbedder;
let dataDir: string;
const scratch: string[] = [];

beforeAll(async () => {
  tiny = createTinyModel();
  const local = findLocalModel(tiny.modelId, [tiny.root]);
  if (!local) throw new Error('tiny model missing');
  model = await TransformersEmbedder.load(local);
});

afterAll(async () => {
  await model?.dispose();
  tiny?.cleanup();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'dense-index-'));
  scratch.push(dataDir);
});

const liveFile = (name: string) => join(liveIndexDir(dataDir), name);

describe('buildDenseIndex', () => {
  it('embeds every procedure, persists index + manifest + cache, and finds the closest procedure', async () => {
    const catalogue = catalogueOf(BASE);
    const embedder = new RecordingEmbedder(model);
    const progress: DenseProgress[] = [];
    const { logger } = captureLogger();
    const result = await buildDenseIndex({ catalogue, embedder, dataDir, logger, onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ embedded: BASE.length, reused: 0, count: BASE.length });
    expect(embedder.passages).toHaveLength(BASE.length);
    expect(progress[0]).toEqual({ done: 0, total: BASE.length });
    expect(progress.at(-1)).toEqual({ done: BASE.length, total: BASE.length });
    for (const file of [result.files.manifest, result.files.index, result.files.embeddings])
      expect(existsSync(file)).toBe(true);

    const manifest = DenseManifestSchema.parse(JSON.parse(readFileSync(result.files.manifest, 'utf8')));
    expect(manifest).toMatchObject({
      modelId: tiny.modelId,
      dimension: tiny.hiddenSize,
      knowledgeVersion: catalogue.version,
      count: BASE.length,
      ids: BASE.map((p) => p.id),
    });
    expect(Object.keys(manifest.contentHashes).sort()).toEqual(BASE.map((p) => p.id).sort());

    const hits = await result.searcher.similar('làm giấy khai sinh cho con', 3);
    expect(hits[0]?.id).toBe(ID.birth);
    expect(hits).toHaveLength(3);
    expect(hits[0]?.similarity).toBeLessThanOrEqual(1.0001);
    expect(hits[0]?.similarity).toBeGreaterThan(hits[2]?.similarity ?? 1);
    expect((await result.searcher.similar('cấp đổi giấy phép lái xe', 1))[0]?.id).toBe(ID.licence);
    expect(await result.searcher.similar('   ', 3)).toEqual([]);
    // Nothing is left beside the live folder.
    expect(readdirSync(dataDir).sort()).toEqual(['index']);
  });

  it('reloads the persisted index without embedding any passage again', async () => {
    const catalogue = catalogueOf(BASE);
    const { logger } = captureLogger();
    const built = await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    const embedder = new RecordingEmbedder(model);
    const reopened = await openDenseIndex({ catalogue, embedder, dataDir, logger });
    expect(reopened).toBeDefined();
    expect(embedder.passages).toEqual([]);
    for (const query of ['đăng ký kết hôn', 'hộ chiếu', 'nhập hộ khẩu thường trú']) {
      expect(await reopened?.similar(query, 3)).toEqual(await built.searcher.similar(query, 3));
    }
  });

  it('re-embeds only the procedures whose text changed', async () => {
    const { logger } = captureLogger();
    await buildDenseIndex({ catalogue: catalogueOf(BASE), embedder: model, dataDir, logger });
    const changed = BASE.map((p) =>
      p.id === ID.death ? { ...p, summary: 'Khai tử cho người đã mất ở Việt Nam.' } : p,
    );
    const added = procedure(
      ID.birth.replace(/1$/, '9'),
      '1.000009',
      'Xác nhận tình trạng hôn nhân',
      [],
      'Xin giấy xác nhận tình trạng hôn nhân.',
      'Hộ tịch',
    );
    const embedder = new RecordingEmbedder(model);
    const result = await buildDenseIndex({ catalogue: catalogueOf([...changed, added]), embedder, dataDir, logger });
    expect(result).toMatchObject({ embedded: 2, reused: BASE.length - 1, count: BASE.length + 1 });
    expect(embedder.passages).toHaveLength(2);
    expect(embedder.passages.some((t) => t.includes('người đã mất ở Việt Nam'))).toBe(true);
    expect(embedder.passages.some((t) => t.includes('tình trạng hôn nhân'))).toBe(true);
    expect((await result.searcher.similar('xác nhận tình trạng hôn nhân', 1))[0]?.id).toBe(added.id);

    // Same catalogue again: nothing to embed.
    const again = new RecordingEmbedder(model);
    const rebuilt = await buildDenseIndex({
      catalogue: catalogueOf([...changed, added]),
      embedder: again,
      dataDir,
      logger,
    });
    expect(rebuilt).toMatchObject({ embedded: 0, reused: BASE.length + 1, graphReused: true });
    expect(again.passages).toEqual([]);
  });

  it('keeps the graph when only fields outside the embedded text change, under the new knowledge version', async () => {
    const { logger } = captureLogger();
    const first = await buildDenseIndex({ catalogue: catalogueOf(BASE), embedder: model, dataDir, logger });
    expect(first.graphReused).toBe(false);
    const withFee = catalogueOf(
      BASE.map((p) =>
        p.id === ID.passport
          ? {
              ...p,
              submissionMethods: [{ method: 'direct' as const, fees: [{ kind: 'fee' as const, amountVnd: 200000 }] }],
            }
          : p,
      ),
    );
    expect(withFee.version).not.toBe(catalogueOf(BASE).version);
    const result = await buildDenseIndex({ catalogue: withFee, embedder: model, dataDir, logger });
    expect(result).toMatchObject({ embedded: 0, graphReused: true });
    expect(checkDenseIndex({ catalogue: withFee, embedder: model, dataDir }).status).toBe('ok');
    expect((await result.searcher.similar('làm hộ chiếu', 1))[0]?.id).toBe(ID.passport);
  });

  it('skips damaged cache lines and embeds those passages again', async () => {
    const { logger, messages } = captureLogger();
    const built = await buildDenseIndex({ catalogue: catalogueOf(BASE), embedder: model, dataDir, logger });
    const lines = readFileSync(built.files.embeddings, 'utf8').split('\n');
    lines[2] = '{"h": "broken';
    writeFileSync(built.files.embeddings, lines.join('\n'));
    const result = await buildDenseIndex({ catalogue: catalogueOf(BASE), embedder: model, dataDir, logger });
    expect(result).toMatchObject({ embedded: 1, reused: BASE.length - 1 });
    expect(messages().some((m) => m.includes('damaged embedding cache'))).toBe(true);
  });
});

describe('openDenseIndex / ensureDenseIndex', () => {
  it('reports a missing index and builds it', async () => {
    const { logger, messages } = captureLogger();
    const catalogue = catalogueOf(BASE);
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir }).status).toBe('missing');
    const searcher = await ensureDenseIndex({ catalogue, embedder: model, dataDir, logger });
    expect((await searcher?.similar('đăng ký khai tử', 1))?.[0]?.id).toBe(ID.death);
    expect(messages().some((m) => m.startsWith('dense index missing'))).toBe(true);
  });

  it('detects an index built with another model and rebuilds it for the current one', async () => {
    const { logger, messages } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: new RecordingEmbedder(model, 'other/model'), dataDir, logger });
    const check = checkDenseIndex({ catalogue, embedder: model, dataDir });
    expect(check).toMatchObject({ status: 'stale' });
    expect(check.status !== 'ok' && check.reason).toContain('other/model');

    const embedder = new RecordingEmbedder(model);
    const searcher = await ensureDenseIndex({ catalogue, embedder, dataDir, logger });
    expect(searcher?.modelId).toBe(tiny.modelId);
    // The other model's vectors are not reused for this one.
    expect(embedder.passages).toHaveLength(BASE.length);
    expect(messages().some((m) => m.includes('dense index stale') && m.includes('other/model'))).toBe(true);
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir }).status).toBe('ok');
    // Switching back to the other model still finds its cache.
    expect(existsSync(embeddingCacheFile(liveIndexDir(dataDir), 'other/model'))).toBe(true);
  });

  it('detects a changed knowledge version and rebuilds incrementally', async () => {
    const { logger } = captureLogger();
    await buildDenseIndex({ catalogue: catalogueOf(BASE), embedder: model, dataDir, logger });
    const updated = catalogueOf(BASE.map((p) => (p.id === ID.licence ? { ...p, name: 'Đổi giấy phép lái xe' } : p)));
    const check = checkDenseIndex({ catalogue: updated, embedder: model, dataDir });
    expect(check.status).toBe('stale');
    expect(check.status !== 'ok' && check.reason).toContain(updated.version);
    expect(await openDenseIndex({ catalogue: updated, embedder: model, dataDir, logger })).toBeUndefined();

    const embedder = new RecordingEmbedder(model);
    await ensureDenseIndex({ catalogue: updated, embedder, dataDir, logger });
    expect(embedder.passages).toEqual([expect.stringContaining('Đổi giấy phép lái xe')]);
  });

  it('detects a truncated index file by its checksum and rebuilds it from the cache', async () => {
    const { logger, messages } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    const file = liveFile(HNSW_FILE);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const check = checkDenseIndex({ catalogue, embedder: model, dataDir });
    expect(check.status).toBe('corrupt');
    expect(check.status !== 'ok' && check.reason).toMatch(/checksum/);

    const embedder = new RecordingEmbedder(model);
    const searcher = await ensureDenseIndex({ catalogue, embedder, dataDir, logger });
    expect(embedder.passages).toEqual([]);
    expect((await searcher?.similar('đăng ký kết hôn', 1))?.[0]?.id).toBe(ID.marriage);
    expect(messages().some((m) => m.startsWith('dense index corrupt'))).toBe(true);
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir }).status).toBe('ok');
  });

  it('detects an index file that hnswlib cannot read even when the checksum was forged to match', async () => {
    const { logger } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    writeFileSync(liveFile(HNSW_FILE), 'garbage');
    const manifest = JSON.parse(readFileSync(liveFile(MANIFEST_FILE), 'utf8'));
    const { createHash } = await import('node:crypto');
    manifest.indexChecksum = createHash('sha256').update('garbage').digest('hex');
    writeFileSync(liveFile(MANIFEST_FILE), JSON.stringify(manifest));
    const check = checkDenseIndex({ catalogue, embedder: model, dataDir });
    expect(check.status).toBe('corrupt');
    expect(check.status !== 'ok' && check.reason).toMatch(/cannot be read/);
  });

  it('detects an unreadable manifest', async () => {
    const { logger } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    writeFileSync(liveFile(MANIFEST_FILE), '{"format": 1, "modelId": ');
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir })).toMatchObject({ status: 'corrupt' });
    expect(await ensureDenseIndex({ catalogue, embedder: model, dataDir, logger })).toBeDefined();
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir }).status).toBe('ok');
  });
});

describe('atomic swap', () => {
  const DEAD_PID = 999_999_999;

  it('restores the previous index when a swap stopped half-way, and clears leftovers', async () => {
    const { logger, messages } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    // A crash after "live -> backup" and before "new -> live": only the backup and an unfinished build remain.
    renameSync(liveIndexDir(dataDir), join(dataDir, `index.old-${DEAD_PID}`));
    mkdirSync(join(dataDir, `index.tmp-${DEAD_PID}`));
    writeFileSync(join(dataDir, `index.tmp-${DEAD_PID}`, HNSW_FILE), 'half written');

    const searcher = await openDenseIndex({ catalogue, embedder: model, dataDir, logger });
    expect((await searcher?.similar('làm hộ chiếu', 1))?.[0]?.id).toBe(ID.passport);
    expect(readdirSync(dataDir).sort()).toEqual(['index']);
    expect(messages().some((m) => m.includes('restored the previous index'))).toBe(true);
  });

  it('keeps serving the old index when a build fails before the swap', async () => {
    const { logger } = captureLogger();
    const catalogue = catalogueOf(BASE);
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    const failing: Embedder = {
      modelId: model.modelId,
      dimension: model.dimension,
      embedQuery: (t) => model.embedQuery(t),
      embedPassages: async () => {
        throw new Error('model crashed');
      },
    };
    const updated = catalogueOf([...BASE.slice(1), { ...(BASE[0] as Procedure), summary: 'Khai sinh mới.' }]);
    await expect(buildDenseIndex({ catalogue: updated, embedder: failing, dataDir, logger })).rejects.toThrow(
      'model crashed',
    );
    expect(checkDenseIndex({ catalogue, embedder: model, dataDir }).status).toBe('ok');
    // The composition root's helper degrades to lexical instead of failing startup.
    expect(await ensureDenseIndex({ catalogue: updated, embedder: failing, dataDir, logger })).toBeUndefined();
  });

  it('refuses to build while another live process holds the lock, and takes over a stale lock', async () => {
    const { logger } = captureLogger();
    const catalogue = catalogueOf(BASE);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'index.lock'), String(process.ppid));
    await expect(buildDenseIndex({ catalogue, embedder: model, dataDir, logger })).rejects.toBeInstanceOf(
      IndexBusyError,
    );
    writeFileSync(join(dataDir, 'index.lock'), String(DEAD_PID));
    await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    expect(existsSync(join(dataDir, 'index.lock'))).toBe(false);
  });
});

describe('wire-up with the RetrievalEngine', () => {
  it('goes from configuration to a hybrid engine, and reindexes with progress', async () => {
    const { logger, messages } = captureLogger();
    const config = loadConfig({ EMBEDDING_MODEL: tiny.modelId, EMBEDDING_MODEL_DIR: tiny.root, DATA_DIR: dataDir });
    const catalogue = catalogueOf(BASE);
    const runtime = await setupDenseRetrieval({ config, catalogue, logger });
    expect(runtime?.embedder.dimension).toBe(tiny.hiddenSize);
    const engine = new RetrievalEngine(catalogue, compileLexicon({ version: 1, synonyms: [], filler: [] }), {
      dense: runtime?.searcher,
    });
    expect((await engine.search('đăng ký kết hôn')).path).toBe('hybrid');
    expect(messages().filter((m) => m.startsWith('retrieval path:'))).toHaveLength(1);

    const progress: DenseProgress[] = [];
    const changed = catalogueOf(BASE.map((p) => (p.id === ID.birth ? { ...p, aliases: ['khai sinh cho trẻ'] } : p)));
    const result = await reindexDense({ config, catalogue: changed, logger, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ embedded: 1, reused: BASE.length - 1 });
    expect(progress.at(-1)).toEqual({ done: 1, total: 1 });

    const none = loadConfig({
      EMBEDDING_MODEL: 'Xenova/multilingual-e5-small',
      EMBEDDING_MODEL_DIR: dataDir,
      DATA_DIR: dataDir,
    });
    expect(await setupDenseRetrieval({ config: none, catalogue, logger })).toBeUndefined();
    expect(await reindexDense({ config: none, catalogue, logger })).toBeUndefined();
    await runtime?.close();
  });

  it('runs the hybrid path and adds dense similarity to the lexical score', async () => {
    const { logger } = captureLogger();
    const catalogue = catalogueOf(BASE);
    const { searcher } = await buildDenseIndex({ catalogue, embedder: model, dataDir, logger });
    const lexicon = compileLexicon({ version: 1, synonyms: [], filler: [] });
    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: searcher });
    const lexical = new RetrievalEngine(catalogue, lexicon);

    const query = 'đăng ký khai sinh cho con';
    const withDense = await hybrid.search(query);
    const without = await lexical.search(query);
    expect(withDense.path).toBe('hybrid');
    expect(without.path).toBe('lexical');
    expect(withDense.hits[0]?.id).toBe(ID.birth);
    const dense = await searcher.similar(query, 1);
    expect(dense[0]?.id).toBe(ID.birth);
    // The engine adds a boost for similarities above its floor (0.75); the tiny model clears it here.
    expect(dense[0]?.similarity).toBeGreaterThan(0.75);
    expect(withDense.hits[0]?.score).toBeGreaterThan(without.hits[0]?.score ?? Number.POSITIVE_INFINITY);
  });
});
