// `npm run reindex [-- --kb <catalog dir>] [--knowledge <dir>]`: validates the knowledge base, builds the
// search index and, when an embedding model is available, the dense index (re-embedding only changed
// procedures, built beside the live index and swapped atomically). A running server is then asked to
// reload (POST /admin/reindex with ADMIN_TOKEN); if it is not running, it picks the new index up at start.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { KnowledgeError, loadCatalogue } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { reindexDense } from '../src/retrieval/dense/setup.ts';
import { LEARNED_FILE, loadLearned } from '../src/retrieval/learned.ts';
import { runMain } from './lib/cli.ts';
import { createProgress, type Progress } from './lib/progress.ts';

const USAGE = 'Cách dùng: npm run reindex [-- --kb <thư mục danh mục đã nhập>] [--knowledge <thư mục tri thức>]';

async function main(): Promise<number> {
  let values: { kb?: string; knowledge?: string };
  try {
    values = parseArgs({ options: { kb: { type: 'string' }, knowledge: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const env = { ...process.env };
  if (values.kb) env.CATALOG_DIR = values.kb;
  if (values.knowledge) env.KNOWLEDGE_DIR = values.knowledge;
  const config = loadConfig(env);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const sources = { knowledgeDir: config.knowledgeDir, catalogDir: config.catalogDir };

  let started = performance.now();
  const catalogue = loadCatalogue(sources);
  const curated = [...catalogue.origin.values()].filter((o) => o === 'curated').length;
  console.log(
    `Kho tri thức hợp lệ: ${catalogue.procedures.length} thủ tục (${curated} biên soạn, ${catalogue.procedures.length - curated} nhập từ cổng), phiên bản ${catalogue.version}.`,
  );
  const learned = loadLearned(config.dataDir, (message) => console.warn(`Cảnh báo: ${message}`));
  const lexical = buildRetrievalEngine(sources, { catalogue, learned });
  const learnedNote = learned.size > 0 ? `, kèm câu hỏi đã học của ${learned.size} thủ tục (${LEARNED_FILE})` : '';
  console.log(
    `Chỉ mục từ vựng: ${lexical.size} thủ tục${learnedNote}, dựng trong ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );

  started = performance.now();
  let progress: Progress | undefined;
  let reported = 0;
  const dense = await reindexDense({
    config,
    catalogue,
    logger,
    onProgress: ({ done, total }) => {
      progress ??= createProgress('Nhúng vector', total);
      progress.tick(done - reported);
      reported = done;
    },
  });
  progress?.done();
  if (dense) {
    console.log(
      `Chỉ mục vector: ${dense.count} thủ tục (${dense.embedded} nhúng mới, ${dense.reused} dùng lại), ${((performance.now() - started) / 1000).toFixed(1)} s → ${dense.files.dir}`,
    );
  } else {
    console.log(
      'Không có mô hình nhúng cục bộ: trợ lý chạy bằng tìm kiếm từ vựng (đặt EMBEDDING_MODEL_DIR để bật đường vector).',
    );
  }
  await notifyServer(config.HOST, config.PORT, config.ADMIN_TOKEN);
  return 0;
}

/** Asks a running server to reload the knowledge base and index; silent when none is running. */
async function notifyServer(host: string, port: number, token: string | undefined): Promise<void> {
  if (!token) {
    console.log(
      'Máy chủ đang chạy (nếu có) sẽ dùng chỉ mục mới sau khi khởi động lại, hoặc gọi POST /admin/reindex (cần ADMIN_TOKEN).',
    );
    return;
  }
  try {
    const response = await fetch(`http://${host}:${port}/admin/reindex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(120_000),
    });
    console.log(
      response.ok ? 'Máy chủ đang chạy đã nạp chỉ mục mới.' : `Máy chủ trả lời ${response.status} khi nạp lại chỉ mục.`,
    );
  } catch {
    console.log('Không có máy chủ nào đang chạy; chỉ mục mới được dùng khi khởi động.');
  }
}

runMain(main, (error) => error instanceof ConfigError || error instanceof KnowledgeError);
