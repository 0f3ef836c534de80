// `npm run dossiers:import -- <file.csv|file.jsonl> [--dry-run] [--strict] [--db <file>]`
// Loads the operator's dossier records into <DATA_DIR>/dossiers.sqlite (or PostgreSQL when DATABASE_URL is set,
// unless --db names a file): rejected rows are listed with their
// line and reason, valid rows are upserted by code in one transaction. Exit 0 = all rows imported,
// 2 = imported but some rows rejected, 1 = nothing imported (bad file, --strict with rejections, or an error).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { DossierImportError, importDossierRecords, readDossierFile } from '../src/dossier/import.ts';
import { catalogueResolver, type ProcedureResolver, resolveWithoutCatalogue } from '../src/dossier/procedure-ref.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';
import { openDossierRecords } from '../src/store/open.ts';

const USAGE =
  'Cách dùng: npm run dossiers:import -- <tệp.csv|tệp.jsonl> [--dry-run] [--strict] [--db <tệp.sqlite>]\n' +
  '  Cột: code, procedure, status, received, due, returned, agency, note (bắt buộc: code, status)';
const MAX_LISTED = 100;

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const [file] = args.positionals;
  if (!file || args.positionals.length > 1) {
    console.error(USAGE);
    return 1;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const parsed = (() => {
    try {
      return readDossierFile(file, procedureResolver(config.knowledgeDir, config.catalogDir));
    } catch (error) {
      if (error instanceof DossierImportError) return error;
      throw error;
    }
  })();
  if (parsed instanceof DossierImportError) {
    console.error(`Không nhập được tệp ${file}: ${parsed.message}. Chưa có hồ sơ nào được ghi.`);
    return 1;
  }
  if (parsed.ignoredColumns.length > 0) {
    console.log(`Bỏ qua các cột không dùng (không lưu): ${parsed.ignoredColumns.join(', ')}`);
  }
  for (const row of parsed.rejected.slice(0, MAX_LISTED)) console.log(`  ✗ dòng ${row.line}: ${row.reason}`);
  if (parsed.rejected.length > MAX_LISTED) console.log(`  … và ${parsed.rejected.length - MAX_LISTED} dòng khác`);

  let opened: Awaited<ReturnType<typeof openDossierRecords>>;
  try {
    opened = await openDossierRecords(config, createLogger('warn'), args.values.db);
  } catch (error) {
    console.error(`Không mở được nơi lưu hồ sơ: ${(error as Error).message}. Chưa có hồ sơ nào được ghi.`);
    return 1;
  }
  const { records: store, where: dbFile } = opened;
  try {
    const report = await importDossierRecords(store, parsed, {
      strict: args.values.strict,
      dryRun: args.values['dry-run'],
    });
    const rejected = report.rejected.length;
    if (args.values['dry-run']) {
      console.log(
        `Kiểm tra xong: ${parsed.records.length} dòng hợp lệ, ${rejected} dòng bị loại. Chưa ghi gì (--dry-run).`,
      );
      return rejected > 0 ? 2 : 0;
    }
    if (!report.written) {
      console.error(`Có ${rejected} dòng bị loại nên không ghi gì (--strict). Sửa các dòng trên rồi chạy lại.`);
      return 1;
    }
    console.log(
      `Đã nhập ${report.inserted + report.updated} hồ sơ vào ${dbFile} (${report.inserted} mới, ${report.updated} cập nhật), ` +
        `${rejected} dòng bị loại. Tổng số hồ sơ: ${await store.count()}.`,
    );
    return rejected > 0 ? 2 : 0;
  } catch (error) {
    console.error(`Lỗi khi ghi cơ sở dữ liệu, đã hủy toàn bộ lần nhập này: ${(error as Error).message}`);
    return 1;
  } finally {
    await opened.close();
  }
}

/** Codes and UUIDs in the `procedure` column are completed from the knowledge base when it loads. */
function procedureResolver(knowledgeDir: string, catalogDir: string | undefined): ProcedureResolver {
  try {
    return catalogueResolver(loadCatalogue({ knowledgeDir, ...(catalogDir ? { catalogDir } : {}) }));
  } catch {
    console.log('Không đọc được kho tri thức: cột procedure được lưu nguyên (mã, UUID hoặc tên thủ tục).');
    return resolveWithoutCatalogue;
  }
}

function parse() {
  return parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      db: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}

process.exitCode = await main();
