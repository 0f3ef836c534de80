// `npm run eval:noise -- [--kb <dir>] [--knowledge <dir>] --questions <jsonl> [--questions <jsonl>…]
//   [--kind <kind>…] [--seed <n>] [--json] [--misses]`
// Measures the spelling classes on existing question sets: each question is rewritten with one kind of noise
// (scripts/lib/noise.ts: no diacritics, a dropped or wrong tone mark, Telex/VNI residue, a dropped or swapped
// letter, two words glued) with a fixed seed, and hit@1 of the noisy questions is printed beside hit@1 of the
// same questions typed cleanly (abstained = miss; out-of-scope questions are noised too and their abstain
// recall printed). --misses lists the questions the noise broke. The engine is built once for all files and kinds.
import { basename } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { type EvalQuestion, evaluate, readQuestions } from '../src/retrieval/evaluate.ts';
import { parseOptions, runMain, usageExitCode } from './lib/cli.ts';
import { addNoise, NOISE_KINDS, type NoiseKind } from './lib/noise.ts';
import { seeded } from './lib/seeded-random.ts';

const USAGE = `Cách dùng: npm run eval:noise -- [--kb <thư mục danh mục>] [--knowledge <thư mục>] --questions <tệp.jsonl> [--questions …] [--kind ${NOISE_KINDS.join('|')} …] [--seed <số>] [--json] [--misses]\n`;

const streams = { stdout: process.stdout, stderr: process.stderr };

interface Row {
  set: string;
  kind: NoiseKind;
  n: number;
  /** In-scope questions among them (what hit@1 is measured on). */
  inScope: number;
  clean: number | null;
  noisy: number | null;
  cleanOos: number | null;
  noisyOos: number | null;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse();
  } catch (error) {
    return usageExitCode(error, USAGE, streams) ?? 2;
  }
  const files = values.questions ?? [];
  const kinds = (values.kind ?? [...NOISE_KINDS]) as NoiseKind[];
  const seed = Number(values.seed ?? 20261130);
  if (files.length === 0 || kinds.some((k) => !NOISE_KINDS.includes(k)) || !Number.isInteger(seed)) {
    streams.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const { catalogue, knowledgeDir } = loadSearchCatalogue({
    knowledgeDir: values.knowledge ?? config.knowledgeDir,
    catalogDir: config.catalogDir,
    ...(values.kb ? { kb: values.kb } : {}),
  });
  const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue });
  const codeOf = (id: string) => engine.get(id)?.code;
  const rows: Row[] = [];
  for (const file of files) {
    const questions = readQuestions(file);
    const clean = await evaluate(engine, questions, codeOf);
    const cleanHit = new Map(clean.outcomes.map((o) => [o.question, o]));
    for (const kind of kinds) {
      // One generator per file and kind: adding a kind or a file does not change the others' questions.
      const random = seeded(seed ^ hash(`${basename(file)}:${kind}`));
      const noisy: EvalQuestion[] = [];
      const originals: EvalQuestion[] = [];
      for (const q of questions) {
        const text = addNoise(q.question, kind, random);
        if (text === undefined || text === q.question) continue;
        noisy.push({ ...q, question: text });
        originals.push(q);
      }
      const { report, outcomes } = await evaluate(engine, noisy, codeOf);
      if (values.misses) {
        // What the noise broke: answered right when typed cleanly, not when noisy.
        outcomes.forEach((o, k) => {
          const was = cleanHit.get(originals[k] as EvalQuestion);
          const inScope = o.question.gold.length > 0;
          const lost = inScope
            ? was?.rank === 1 && !was.abstained && (o.rank !== 1 || o.abstained)
            : was?.abstained && !o.abstained;
          if (lost)
            streams.stdout.write(
              `✗ [${kind}] ${o.question.id ?? ''} ${o.question.question}\n    → ${o.top[0] ?? '-'}\n`,
            );
        });
      }
      const before = originals.map((q) => cleanHit.get(q));
      rows.push({
        set: basename(file, '.jsonl'),
        kind,
        n: report.n,
        inScope: report.in_scope,
        clean: share(before.filter((o) => o && o.question.gold.length > 0).map((o) => o?.rank === 1 && !o.abstained)),
        noisy: report.hit1,
        cleanOos: share(before.filter((o) => o && o.question.gold.length === 0).map((o) => o?.abstained === true)),
        noisyOos: report.oos_recall,
      });
    }
  }
  print(rows, values.json === true);
  return 0;
}

function share(flags: boolean[]): number | null {
  return flags.length === 0 ? null : Math.round((flags.filter(Boolean).length / flags.length) * 1000) / 1000;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) as number), 16777619);
  return h >>> 0;
}

const f = (v: number | null) => (v === null ? '  -  ' : v.toFixed(3));

function print(rows: Row[], json: boolean): void {
  if (json) {
    streams.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  streams.stdout.write('tệp                 kiểu nhiễu      n    hit@1 sạch → nhiễu   từ chối đúng sạch → nhiễu\n');
  for (const r of rows) {
    streams.stdout.write(
      `${r.set.padEnd(20)} ${r.kind.padEnd(13)} ${String(r.n).padStart(4)}    ${f(r.clean)} → ${f(r.noisy)}      ${f(r.cleanOos)} → ${f(r.noisyOos)}\n`,
    );
  }
  // Pooled over the files, per kind (each question once).
  streams.stdout.write('\ngộp các tệp:\n');
  for (const kind of new Set(rows.map((r) => r.kind))) {
    const of = rows.filter((r) => r.kind === kind);
    streams.stdout.write(
      `  ${kind.padEnd(13)} ${String(sum(of, (r) => r.inScope)).padStart(5)}    ${f(pooled(of, 'clean'))} → ${f(pooled(of, 'noisy'))}\n`,
    );
  }
}

function sum(rows: Row[], value: (r: Row) => number): number {
  return rows.reduce((s, r) => s + value(r), 0);
}

/** hit@1 pooled over files, each file weighted by its in-scope questions. */
function pooled(rows: Row[], key: 'clean' | 'noisy'): number | null {
  const measured = rows.filter((r) => r[key] !== null);
  const weight = sum(measured, (r) => r.inScope);
  return weight === 0
    ? null
    : Math.round((sum(measured, (r) => (r[key] as number) * r.inScope) / weight) * 1000) / 1000;
}

function parse(): {
  kb?: string;
  knowledge?: string;
  questions?: string[];
  kind?: string[];
  seed?: string;
  json?: boolean;
  misses?: boolean;
} {
  return parseOptions(process.argv.slice(2), {
    kb: { type: 'string' },
    knowledge: { type: 'string' },
    questions: { type: 'string', multiple: true },
    kind: { type: 'string', multiple: true },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    misses: { type: 'boolean' },
  });
}

runMain(main);
