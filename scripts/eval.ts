// `npm run eval -- [--kb <dir>] [--knowledge <dir>] --questions <jsonl> [--json] [--misses]
//   [--dense | --oracle-cosine <c>] [--dense-weight <w>] [--dense-floor <f>] [--fit-confidence]
//   [--learned <file>] [--half learn|eval] [--split procedure|question] [--page-texts <file>] [--former-names <csv>]`
// --kb may be an imported catalogue, a knowledge directory or a raw portal mirror (imported in memory; with
// --page-texts / --former-names, as kb:import imports them).
// Prints hit@1/3/5 (abstained = miss; per family and per exact record), MRR@10, out-of-scope abstain recall,
// false abstains and latency for a question file (each id once).
// --dense loads the embedding model and opens or builds the dense index exactly as the server does (DATA_DIR);
// --oracle-cosine replaces the model by a stand-in that gives the gold procedures that cosine (others lower),
// to test the fusion logic and see its ceiling. --fit-confidence fits the dense term of the confidence.
// --learned uses a learned-questions file (npm run kb:learn; none by default, so figures stay comparable);
// --half keeps one deterministic half of the question file (the other half is what kb:learn --half learned).
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { confidenceOf, DEFAULT_CALIBRATION } from '../src/retrieval/confidence.ts';
import { OracleDenseSearcher } from '../src/retrieval/dense/oracle.ts';
import { setupDenseRetrieval } from '../src/retrieval/dense/setup.ts';
import { fitDenseCalibration } from '../src/retrieval/dense-fit.ts';
import { breakdown, evaluate, figure, readQuestionFile, type SliceReport } from '../src/retrieval/evaluate.ts';
import { DEFAULT_FUSION, denseStrength, type FusionParameters } from '../src/retrieval/fusion.ts';
import { type Half, halfOf, readLearned, type SplitBy } from '../src/retrieval/learned.ts';
import type { DenseSearcher } from '../src/retrieval/search-engine.ts';
import { runMain } from './lib/cli.ts';

const USAGE =
  'Cách dùng: npm run eval -- [--kb <thư mục danh mục>] [--knowledge <thư mục>] --questions <tệp.jsonl> [--json] [--misses] [--dense | --oracle-cosine <0..1>] [--dense-weight <w>] [--dense-floor <f>] [--fit-confidence] [--learned <tệp>] [--half learn|eval] [--split procedure|question] [--page-texts <tệp>] [--former-names <tệp.csv>] (hai tuỳ chọn này với --kb <bản sao cổng>)';

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = args;
  const oracleCosine = values['oracle-cosine'] === undefined ? undefined : Number(values['oracle-cosine']);
  const fusion: FusionParameters = {
    weight: values['dense-weight'] === undefined ? DEFAULT_FUSION.weight : Number(values['dense-weight']),
    floor: values['dense-floor'] === undefined ? DEFAULT_FUSION.floor : Number(values['dense-floor']),
  };
  const badNumber = [oracleCosine, fusion.weight, fusion.floor].some((v) => v !== undefined && !Number.isFinite(v));
  const half = values.half as Half | undefined;
  const split = (values.split ?? 'procedure') as SplitBy;
  const badHalf =
    (half !== undefined && half !== 'learn' && half !== 'eval') || !['procedure', 'question'].includes(split);
  if (!values.questions || badNumber || badHalf || (values.dense && oracleCosine !== undefined)) {
    console.error(USAGE);
    return 2;
  }
  const file = readQuestionFile(values.questions);
  const { duplicates } = file;
  const questions = half ? file.questions.filter((q) => halfOf(q, split) === half) : file.questions;
  const learned = values.learned ? readLearned(values.learned) : undefined;
  const started = performance.now();
  const config = loadConfig();
  const { catalogue, knowledgeDir } = loadSearchCatalogue({
    knowledgeDir: values.knowledge ?? config.knowledgeDir,
    catalogDir: config.catalogDir,
    ...(values.kb ? { kb: values.kb } : {}),
    ...(values['page-texts'] ? { pageTexts: values['page-texts'] } : {}),
    ...(values['former-names'] ? { formerNames: values['former-names'] } : {}),
  });
  let dense: DenseSearcher | undefined;
  let close = async () => {};
  if (oracleCosine !== undefined) dense = new OracleDenseSearcher(catalogue.procedures, questions, oracleCosine);
  if (values.dense) {
    const runtime = await setupDenseRetrieval({ config, catalogue, logger: createLogger('info') });
    if (!runtime) {
      console.error('Không nạp được mô hình nhúng (xem dòng "retrieval path" ở trên): không đo được đường vector.');
      return 1;
    }
    dense = runtime.searcher;
    close = runtime.close;
  }
  const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue, dense, fusion, learned });
  const buildMs = performance.now() - started;
  const { report, outcomes } = await evaluate(engine, questions, (id) => engine.get(id)?.code, { duplicates });
  await close();
  if (values.misses) {
    for (const o of outcomes) {
      const missed = o.question.gold.length === 0 ? !o.abstained : o.rank !== 1 || o.abstained;
      if (!missed) continue;
      const label =
        o.question.gold.length === 0 ? 'KHÔNG TỪ CHỐI' : `hạng ${o.rank ?? '-'}${o.abstained ? ' (từ chối)' : ''}`;
      console.log(`✗ [${label}] ${o.question.id ?? ''} ${o.question.question.slice(0, 120)}`);
      console.log(`    đúng: ${o.question.gold.join(', ') || '(ngoài phạm vi)'}`);
      for (const t of o.top) console.log(`    → ${t.slice(0, 120)}`);
    }
  }
  const path = oracleCosine !== undefined ? `hybrid (oracle cosine ${oracleCosine})` : engine.path;
  console.log(
    `Đánh giá ${report.n} câu (${report.in_scope} trong phạm vi, ${report.out_of_scope} ngoài phạm vi${report.duplicates > 0 ? `, bỏ ${report.duplicates} dòng trùng id` : ''}) trên ${engine.size} thủ tục, đường ${path}, dựng chỉ mục ${buildMs.toFixed(0)} ms`,
  );
  if (half) console.log(`  chỉ nửa "${half}" của tệp (chia theo ${split === 'procedure' ? 'thủ tục' : 'câu hỏi'})`);
  if (learned) console.log(`  dùng câu hỏi đã học của ${learned.size} thủ tục (${values.learned})`);
  if (dense) console.log(`  trộn vector: trọng số ${fusion.weight}, ngưỡng cosine ${fusion.floor}`);
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
  const curatedCodes = new Set(
    catalogue.procedures.filter((p) => catalogue.origin.get(p.id) === 'curated').map((p) => p.code),
  );
  const byStyle = breakdown(outcomes, (o) => o.question.style);
  const byGold = breakdown(outcomes, (o) => {
    const gold = o.question.gold;
    if (gold.length === 0) return undefined;
    return gold.some((code) => curatedCodes.has(code)) ? 'curated' : 'imported';
  });
  printSlices('theo cách viết', byStyle);
  printSlices('theo loại thủ tục đúng (biên soạn / nhập từ cổng)', byGold);
  if (values['fit-confidence']) {
    if (!dense) {
      console.error('--fit-confidence cần --dense hoặc --oracle-cosine.');
      return 2;
    }
    const samples = outcomes.map((o) => ({
      lexical: o.features ? confidenceOf(o.features, DEFAULT_CALIBRATION) : 0,
      strength: denseStrength(o.features?.dense, fusion),
      correct: o.question.gold.length > 0 && o.rank === 1,
    }));
    const fitted = fitDenseCalibration(samples);
    console.log(`  hiệu chỉnh vector đề xuất (fusion.ts DEFAULT_DENSE_CALIBRATION): ${JSON.stringify(fitted)}`);
  }
  if (values.json) console.log(JSON.stringify({ ...report, by_style: byStyle, by_gold: byGold }));
  return 0;
}

function printSlices(title: string, slices: Record<string, SliceReport>) {
  const entries = Object.entries(slices);
  if (entries.length === 0) return;
  console.log(`  ${title}:`);
  for (const [key, s] of entries) {
    const parts = [`n ${s.n}`];
    if (s.hit1 !== null)
      parts.push(`hit@1 ${s.hit1}`, `hit@3 ${figure(s.hit3)}`, `từ chối nhầm ${figure(s.false_abstain)}`);
    if (s.oos_recall !== null) parts.push(`từ chối đúng ${s.oos_recall}`);
    console.log(`    ${key.padEnd(12)} ${parts.join('  ')}`);
  }
}

function parse() {
  return parseArgs({
    options: {
      kb: { type: 'string' },
      knowledge: { type: 'string' },
      questions: { type: 'string' },
      json: { type: 'boolean', default: false },
      misses: { type: 'boolean', default: false },
      dense: { type: 'boolean', default: false },
      'oracle-cosine': { type: 'string' },
      'dense-weight': { type: 'string' },
      'dense-floor': { type: 'string' },
      'fit-confidence': { type: 'boolean', default: false },
      learned: { type: 'string' },
      'page-texts': { type: 'string' },
      'former-names': { type: 'string' },
      half: { type: 'string' },
      split: { type: 'string' },
    },
    strict: true,
  });
}

runMain(main);
