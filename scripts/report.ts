// `npm run report -- [--since YYYY-MM-DD] [--limit N] [--json]`: what maintainers should look at next.
// Reads the feedback and unanswered-question log in <DATA_DIR>/assistant.sqlite and prints the most frequent
// unanswered wordings, the procedures whose answers were marked "Chưa đúng" (named from the knowledge base),
// and totals. Questions were stored with personal data removed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DATABASE_FILE } from '../src/assistant.ts';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { formatDate, isRealDate, vietnamDate } from '../src/dossier/dates.ts';
import { KnowledgeError, loadCatalogue } from '../src/knowledge/loader.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { openDatabase, SqliteFeedbackStore } from '../src/store/sqlite.ts';
import type { FeedbackSummary } from '../src/store/types.ts';
import { runMain } from './lib/cli.ts';

const USAGE = 'Cách dùng: npm run report -- [--since YYYY-MM-DD] [--limit N] [--json]';
/** Days start at midnight in Vietnam (UTC+7, no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

const Args = z.object({
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--since phải có dạng YYYY-MM-DD')
    .refine((v) => {
      const [y, m, d] = v.split('-').map(Number);
      return isRealDate(y ?? 0, m ?? 0, d ?? 0);
    }, '--since không phải một ngày có thật')
    .optional(),
  limit: z.coerce
    .number({ message: '--limit phải là một số' })
    .int('--limit phải là số nguyên')
    .min(1, '--limit phải từ 1 trở lên')
    .max(1000, '--limit tối đa 1000')
    .default(20),
  json: z.boolean().default(false),
});
type Args = z.infer<typeof Args>;

interface Report {
  database: string;
  found: boolean;
  since: string | null;
  limit: number;
  totals: FeedbackSummary['totals'];
  unanswered: { question: string; count: number; lastSeen: string }[];
  negative: {
    procedureId: string;
    code: string | null;
    name: string | null;
    notHelpful: number;
    helpful: number;
    examples: string[];
  }[];
}

function parse(): Args {
  let values: ReturnType<typeof parseArgs>['values'];
  try {
    ({ values } = parseArgs({
      options: {
        since: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`Tham số không hợp lệ: ${(error as Error).message}`);
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

class UsageError extends Error {}

function startOfVietnamDay(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) - VIETNAM_OFFSET_MS;
}

/** Procedures by UUID, or an empty map (with a warning) when the knowledge base cannot be read. */
function procedureNames(knowledgeDir: string, catalogDir: string | undefined): Map<string, Procedure> {
  try {
    return loadCatalogue({ knowledgeDir, ...(catalogDir ? { catalogDir } : {}) }).byId;
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    console.error(`Cảnh báo: không đọc được kho tri thức, thủ tục chỉ hiện bằng UUID.\n${error.message}`);
    return new Map();
  }
}

async function buildReport(args: Args): Promise<Report> {
  const config = loadConfig();
  const database = join(config.dataDir, DATABASE_FILE);
  const empty: Report = {
    database,
    found: false,
    since: args.since ?? null,
    limit: args.limit,
    totals: { feedback: 0, helpful: 0, notHelpful: 0, unanswered: 0 },
    unanswered: [],
    negative: [],
  };
  if (!existsSync(database)) return empty;
  const db = openDatabase(database);
  try {
    const summary = await new SqliteFeedbackStore(db).summary({
      limit: args.limit,
      ...(args.since ? { since: startOfVietnamDay(args.since) } : {}),
    });
    const procedures = summary.negative.length > 0 ? procedureNames(config.knowledgeDir, config.catalogDir) : new Map();
    return {
      ...empty,
      found: true,
      totals: summary.totals,
      unanswered: summary.unanswered.map((u) => ({
        question: u.question,
        count: u.count,
        lastSeen: vietnamDate(new Date(u.lastAt)),
      })),
      negative: summary.negative.map((n) => {
        const p: Procedure | undefined = procedures.get(n.procedureId);
        return {
          procedureId: n.procedureId,
          code: p?.code ?? null,
          name: p?.name ?? null,
          notHelpful: n.notHelpful,
          helpful: n.helpful,
          examples: n.examples,
        };
      }),
    };
  } finally {
    db.close();
  }
}

function printText(report: Report): void {
  if (!report.found) {
    console.log(
      `Chưa có dữ liệu phản hồi: không tìm thấy ${report.database}.\n` +
        'Tệp này được tạo khi trợ lý chạy lần đầu (npm start) với cùng DATA_DIR.',
    );
    return;
  }
  const period = report.since ? `từ ngày ${formatDate(report.since)}` : 'toàn bộ thời gian';
  const t = report.totals;
  console.log(`Báo cáo phản hồi (${period}) — ${report.database}`);
  console.log(
    `Tổng: ${t.feedback} đánh giá (${t.helpful} hữu ích, ${t.notHelpful} chưa đúng); ${t.unanswered} câu hỏi chưa trả lời được.`,
  );
  console.log('\nCâu hỏi chưa trả lời được nhiều nhất:');
  if (report.unanswered.length === 0) console.log('  (chưa có)');
  for (const u of report.unanswered) {
    console.log(`  ${String(u.count).padStart(4)}×  ${u.question}  (lần cuối ${formatDate(u.lastSeen)})`);
  }
  console.log('\nThủ tục bị đánh giá "Chưa đúng":');
  if (report.negative.length === 0) console.log('  (chưa có)');
  for (const n of report.negative) {
    const name = n.name ? `${n.name} (${n.code})` : `${n.procedureId} (không còn trong kho tri thức)`;
    console.log(`  ${String(n.notHelpful).padStart(4)} chưa đúng / ${n.helpful} hữu ích  ${name}`);
    if (n.examples.length > 0) console.log(`        ví dụ: ${n.examples.map((e) => `"${e}"`).join('; ')}`);
  }
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const report = await buildReport(args);
  if (args.json) console.log(JSON.stringify(report));
  else printText(report);
  return 0;
}

runMain(main, (error) => error instanceof ConfigError);
