// `npm run kb:learn -- [--reviewed <questions.jsonl> [--half learn|eval] [--split procedure|question]]
//   [--skip-feedback] [--out <file>] [--drop]`
// Turns confirmed question → procedure pairs into the learned field "how people ask for it" of each procedure:
// ratings marked helpful on at least two answers (never one) and not mostly unhelpful, from the feedback log,
// plus a maintainer's reviewed question file in the eval format. Questions are scrubbed of personal data.
// Writes DATA_DIR/learned.json (never committed); `npm run reindex` and the server read it. --drop deletes it.
// --half keeps only one deterministic half of the reviewed file, to measure learning on the other half.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { scrubPersonalData } from '../src/conversation/privacy.ts';
import { KnowledgeError, loadCatalogue } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';
import { readQuestionFile } from '../src/retrieval/evaluate.ts';
import {
  buildLearned,
  confirmedFeedbackPairs,
  type Half,
  halfOf,
  type LearnedPair,
  learnedPath,
  reviewedPairs,
  type SplitBy,
  writeLearned,
} from '../src/retrieval/learned.ts';
import { DATABASE_FILE, openStores } from '../src/store/open.ts';
import { runMain } from './lib/cli.ts';

const USAGE =
  'Cách dùng: npm run kb:learn -- [--reviewed <câu hỏi.jsonl> [--half learn|eval] [--split procedure|question]] [--skip-feedback] [--out <tệp>] [--drop]';

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const half = values.half as Half | undefined;
  const split = (values.split ?? 'procedure') as SplitBy;
  if (
    (half !== undefined && half !== 'learn' && half !== 'eval') ||
    (split !== 'procedure' && split !== 'question') ||
    (half !== undefined && !values.reviewed)
  ) {
    console.error(USAGE);
    return 2;
  }
  const env = { ...process.env };
  if (values.kb) env.CATALOG_DIR = values.kb;
  const config = loadConfig(env);
  const out = values.out ?? learnedPath(config.dataDir);
  if (values.drop) {
    rmSync(out, { force: true });
    console.log(`Đã xóa ${out}. Chạy npm run reindex để chỉ mục không còn dùng các câu hỏi đã học.`);
    return 0;
  }

  const catalogue = loadCatalogue({ knowledgeDir: config.knowledgeDir, catalogDir: config.catalogDir });
  const pairs: LearnedPair[] = [];

  if (!values['skip-feedback']) {
    const hasLog = config.DATABASE_URL !== undefined || existsSync(join(config.dataDir, DATABASE_FILE));
    if (hasLog) {
      const stores = await openStores(config, createLogger(process.env.LOG_LEVEL ?? 'warn'));
      try {
        const ratings = await stores.feedback.ratings();
        const confirmed = confirmedFeedbackPairs(ratings, scrubPersonalData);
        pairs.push(...confirmed);
        console.log(
          `Phản hồi: ${ratings.filter((r) => r.helpful).length} lượt "Hữu ích" → ${confirmed.length} cặp câu hỏi → thủ tục đã được xác nhận (ít nhất 2 lượt, không bị chê nhiều hơn).`,
        );
      } finally {
        await stores.close();
      }
    } else {
      console.log('Chưa có nhật ký phản hồi (chưa có cơ sở dữ liệu): bỏ qua.');
    }
  }

  if (values.reviewed) {
    const { questions } = readQuestionFile(values.reviewed);
    const chosen = half ? questions.filter((q) => halfOf(q, split) === half) : questions;
    const { pairs: reviewed, unknownCodes } = reviewedPairs(chosen, catalogue.procedures, scrubPersonalData);
    pairs.push(...reviewed);
    const halfNote = half ? ` (nửa "${half}" theo ${split === 'procedure' ? 'thủ tục' : 'câu hỏi'})` : '';
    console.log(
      `Tệp đã duyệt: ${chosen.length}/${questions.length} câu${halfNote} → ${reviewed.length} cặp; ${unknownCodes.length} mã không có trong danh mục.`,
    );
  }

  const learned = buildLearned(pairs, (id) => catalogue.byId.has(id));
  writeLearned(out, learned);
  const total = [...learned.values()].reduce((n, q) => n + q.length, 0);
  console.log(`Đã học ${total} cách hỏi cho ${learned.size} thủ tục → ${out}`);
  console.log('Chạy npm run reindex (hoặc khởi động lại máy chủ) để chỉ mục dùng chúng.');
  return 0;
}

function parse() {
  return parseArgs({
    options: {
      reviewed: { type: 'string' },
      half: { type: 'string' },
      split: { type: 'string' },
      'skip-feedback': { type: 'boolean', default: false },
      out: { type: 'string' },
      kb: { type: 'string' },
      drop: { type: 'boolean', default: false },
    },
    strict: true,
  });
}

runMain(main, (error) => error instanceof ConfigError || error instanceof KnowledgeError);
