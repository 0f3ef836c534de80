// POST /admin/reindex builds the next index in a worker thread: the server keeps answering while it runs,
// a second call meanwhile gets 409, wrong knowledge (no curated procedures, a broken aliases.json) gets 422
// naming the file and field while the old index keeps serving, and the swapped-in index ranks exactly as
// the one built in-process did. Real assistant over a copy of knowledge/ plus a generated catalogue.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { procedure } from './helpers/procedures.ts';

const ADMIN_TOKEN = 'reindex-test-admin-token-0123456789abcdef';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const WORDS = ['cấp', 'đổi', 'gia hạn', 'đăng ký', 'xác nhận', 'thu hồi', 'điều chỉnh', 'bổ sung'];
const OBJECTS = ['giấy phép', 'chứng chỉ', 'hộ chiếu', 'con dấu', 'biển số', 'chứng nhận', 'thẻ', 'sổ'];
const FIELDS = ['kinh doanh', 'xây dựng', 'môi trường', 'y tế', 'giáo dục', 'thủy sản', 'du lịch', 'vận tải'];

/** A made-up imported catalogue of `n` procedures, large enough that building its index takes a while. */
function writeCatalogue(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${WORDS[i % 8]} ${OBJECTS[(i >> 3) % 8]} ${FIELDS[(i >> 6) % 8]} số ${i}`;
    const p = procedure({
      name,
      steps: Array.from({ length: 6 }, (_, k) => ({
        description: `Bước ${k + 1}: nộp hồ sơ ${name} tại cơ quan thứ ${k} và chờ kết quả`,
      })),
    });
    lines.push(JSON.stringify(p));
  }
  writeFileSync(join(dir, 'procedures.jsonl'), `${lines.join('\n')}\n`);
}

let root: string | undefined;
let assistant: Assistant | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await assistant?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  app = assistant = root = undefined;
});

async function setup(catalogueSize = 0) {
  root = mkdtempSync(join(tmpdir(), 'reindex-worker-'));
  const knowledgeDir = join(root, 'knowledge');
  cpSync('knowledge', knowledgeDir, { recursive: true });
  const catalogDir = join(root, 'catalog');
  if (catalogueSize > 0) writeCatalogue(catalogDir, catalogueSize);
  const config = loadConfig({
    DATA_DIR: join(root, 'data'),
    KNOWLEDGE_DIR: knowledgeDir,
    ...(catalogueSize > 0 ? { CATALOG_DIR: catalogDir } : {}),
    EMBEDDING_MODEL_DIR: root,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
  });
  assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
  app = await buildServer({ assistant, config, logger: createLogger('silent'), ipRatePerMinute: 100_000 });
  return { app, assistant, knowledgeDir };
}

const reindex = (server: FastifyInstance) => server.inject({ method: 'POST', url: '/admin/reindex', headers: auth });

describe('reindex in a worker thread', () => {
  it('keeps answering health checks and searches while it runs, and refuses a second one with 409', async () => {
    const { app } = await setup(1500);
    let done = false;
    const first = reindex(app).then((res) => {
      done = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await reindex(app);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('reindex_running');
    let answeredMeanwhile = 0;
    while (!done) {
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      const search = await app.inject({ method: 'GET', url: '/api/search?q=đăng ký kết hôn' });
      expect(health.statusCode).toBe(200);
      expect(search.statusCode).toBe(200);
      if (!done) answeredMeanwhile++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // An in-process rebuild answers nothing until it is over; the worker leaves the event loop free.
    expect(answeredMeanwhile).toBeGreaterThan(5);
    const res = await first;
    expect(res.statusCode).toBe(200);
    expect(res.json().procedures).toBeGreaterThan(1500);
  });

  it('ranks exactly as the index built at startup did', async () => {
    const { assistant } = await setup(200);
    const queries = ['đăng ký kết hôn', 'làm lại căn cước bị mất', 'gia hạn hộ chiếu du lịch', 'khai sinh cho con'];
    const before = await Promise.all(queries.map((q) => assistant.retriever.search(q)));
    const family = (id: string | undefined) => (id ? assistant.getProcedure(id)?.name : undefined);
    const beforeNames = before.map((r) => family(r.hits[0]?.id));
    await assistant.reindex();
    const after = await Promise.all(queries.map((q) => assistant.retriever.search(q)));
    expect(after).toEqual(before);
    expect(after.map((r) => family(r.hits[0]?.id))).toEqual(beforeNames);
    // Conversations still read cards and families from the new index.
    const reply = await assistant.engine.handle({
      channel: 'web',
      conversationId: 'web:after',
      userId: 'u',
      text: 'đăng ký kết hôn',
      receivedAt: Date.now(),
    });
    expect(JSON.stringify(reply)).toContain('kết hôn');
    // …and check messages against the out-of-scope list the new index was built with: a gold price is not a fee.
    const offTopic = await assistant.engine.handle({
      channel: 'web',
      conversationId: 'web:after',
      userId: 'u',
      text: 'giá vàng bao nhiêu',
      receivedAt: Date.now(),
    });
    expect(JSON.stringify(offTopic)).toContain('chưa tìm được thủ tục');
  });

  it('answers 422 when knowledge/procedures is missing or empty, and keeps the old index', async () => {
    const { app, knowledgeDir } = await setup();
    const before = (await app.inject({ method: 'GET', url: '/healthz' })).json();
    rmSync(join(knowledgeDir, 'procedures'), { recursive: true });
    mkdirSync(join(knowledgeDir, 'procedures'));
    const empty = await reindex(app);
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error.code).toBe('invalid_knowledge');
    expect(empty.json().problems[0].file).toContain('procedures');
    rmSync(join(knowledgeDir, 'procedures'), { recursive: true });
    expect((await reindex(app)).statusCode).toBe(422);
    const after = (await app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(after.procedures).toBe(before.procedures);
    expect(after.knowledgeVersion).toBe(before.knowledgeVersion);
  });

  it('answers 422 naming aliases.json and the field when the alias table is broken', async () => {
    const { app, knowledgeDir } = await setup();
    writeFileSync(
      join(knowledgeDir, 'aliases.json'),
      JSON.stringify({ version: 1, synonyms: [{ when: [], add: ['x'] }], filler: [] }),
    );
    const res = await reindex(app);
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([
      expect.objectContaining({ file: expect.stringContaining('aliases.json'), field: 'synonyms.0.when' }),
    ]);
    writeFileSync(join(knowledgeDir, 'aliases.json'), '{ not json');
    const broken = await reindex(app);
    expect(broken.statusCode).toBe(422);
    expect(broken.json().problems[0].file).toContain('aliases.json');
    expect((await app.inject({ method: 'GET', url: '/api/search?q=đăng ký kết hôn' })).json().abstain).toBe(false);
  });
});

describe('a search worker that dies', () => {
  it('is replaced by a fresh build, and search works again', async () => {
    const { createIndexHolder } = await import('../src/reindex/reindexer.ts');
    const { buildIndexInWorker } = await import('../src/reindex/worker-index.ts');
    root = mkdtempSync(join(tmpdir(), 'reindex-worker-'));
    const sources = { knowledgeDir: 'knowledge' };
    const initial = await buildIndexInWorker({ ...sources, dataDir: root, requireCurated: true });
    const holder = createIndexHolder({
      initial,
      sources,
      dense: undefined,
      dataDir: root,
      logger: createLogger('silent'),
    });
    try {
      expect((await holder.current().search('đăng ký kết hôn')).abstain).toBe(false);
      // Simulate a crash (out of memory, a native fault): the thread is gone.
      await (initial as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(initial.search('đăng ký kết hôn')).rejects.toThrow();
      await vi.waitFor(() => expect(holder.current()).not.toBe(initial), { timeout: 60_000, interval: 100 });
      expect((await holder.current().search('đăng ký kết hôn')).abstain).toBe(false);
    } finally {
      await holder.close();
    }
  });
});
