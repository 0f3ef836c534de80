// `npm run eval -- [--kb <dir>] [--knowledge <dir>] --questions <jsonl> [--json] [--misses]`; --kb may be an
// imported catalogue, a knowledge directory or a raw portal mirror (imported in memory).
// Prints hit@1/3/5 (abstained = miss; per family and per exact record), MRR@10, out-of-scope abstain recall,
// false abstains and latency for a question file (each id once).
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { evaluate, figure, readQuestionFile } from '../src/retrieval/evaluate.ts';

const USAGE =
  'Cách dùng: npm run eval -- [--kb <thư mục danh mục>] [--knowledge <thư mục>] --questions <tệp.jsonl> [--json] [--misses]';

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = args;
  if (!values.questions) {
    console.error(USAGE);
    return 2;
  }
  const { questions, duplicates } = readQuestionFile(values.questions);
  const started = performance.now();
  const config = loadConfig();
  const { catalogue, knowledgeDir } = loadSearchCatalogue({
    knowledgeDir: values.knowledge ?? config.knowledgeDir,
    catalogDir: config.catalogDir,
    ...(values.kb ? { kb: values.kb } : {}),
  });
  const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue });
  const buildMs = performance.now() - started;
  const { report, outcomes } = await evaluate(engine, questions, (id) => engine.get(id)?.code, { duplicates });
  if (values.misses) {
    for (const o of outcomes) {
      const missed = o.question.gold.length === 0 ? !o.abstained : o.rank !== 1;
      if (!missed) continue;
      const label =
        o.question.gold.length === 0 ? 'KHÔNG TỪ CHỐI' : `hạng ${o.rank ?? '-'}${o.abstained ? ' (từ chối)' : ''}`;
      console.log(`✗ [${label}] ${o.question.id ?? ''} ${o.question.question.slice(0, 120)}`);
      console.log(`    đúng: ${o.question.gold.join(', ') || '(ngoài phạm vi)'}`);
      for (const t of o.top) console.log(`    → ${t.slice(0, 120)}`);
    }
  }
  console.log(
    `Đánh giá ${report.n} câu (${report.in_scope} trong phạm vi, ${report.out_of_scope} ngoài phạm vi${report.duplicates > 0 ? `, bỏ ${report.duplicates} dòng trùng id` : ''}) trên ${engine.size} thủ tục, đường ${engine.path}, dựng chỉ mục ${buildMs.toFixed(0)} ms`,
  );
  console.log('  (câu bị từ chối tính là trượt; theo nhóm thủ tục cùng tên, và theo đúng bản ghi)');
  console.log(
    `  hit@1 ${figure(report.hit1)}  hit@3 ${figure(report.hit3)}  hit@5 ${figure(report.hit5)}  MRR@10 ${figure(report.mrr10)}`,
  );
  console.log(
    `  theo bản ghi: hit@1 ${figure(report.hit1_record)}  hit@3 ${figure(report.hit3_record)}   chỉ xếp hạng (bỏ qua từ chối): hit@1 ${figure(report.hit1_ranked)}`,
  );
  console.log(
    `  từ chối đúng (ngoài phạm vi) ${figure(report.oos_recall)}  từ chối nhầm (trong phạm vi) ${figure(report.false_abstain)}`,
  );
  console.log(`  độ trễ p50 ${report.p50_ms} ms  p95 ${report.p95_ms} ms`);
  if (values.json) console.log(JSON.stringify(report));
  return 0;
}

function parse() {
  return parseArgs({
    options: {
      kb: { type: 'string' },
      knowledge: { type: 'string' },
      questions: { type: 'string' },
      json: { type: 'boolean', default: false },
      misses: { type: 'boolean', default: false },
    },
    strict: true,
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Lỗi: ${(error as Error).message}`);
    process.exit(1);
  },
);
