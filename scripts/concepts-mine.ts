// `npx tsx scripts/concepts-mine.ts -- --questions <faq.jsonl> --exclude <dev-eval.jsonl> [--former-names <csv>]
//   [--inputs <a.jsonl,b.jsonl>] [--kb <catalog dir>] [--halves <dir>] [--min 3] [--top 120]`
// Candidate entries for the concept table (knowledge/concepts-*.jsonl), mined from real citizen questions, for a
// maintainer to review: it never writes knowledge/. Every input is read by path and nothing of it is written into
// the project.
// - Learning questions: the FAQ export minus every id of --exclude (the dev set stays an honest measure). Their 2023
//   codes are mapped to today's records: the same code, else the old portal's name of the code (--former-names)
//   matched to today's names (one nearly contains the other, rare words included; the closest wins).
// - The questions are split in two halves by procedure (learned.ts halfOf): candidates come from the "learn" half
//   only; --halves writes both halves in eval format (outside the project) to measure an edit on the other half.
// - Questions whose codes are gone but have an old name are mined against that name (learn half only).
// - For each question of the learn half the engine misses (rank-1 family wrong or abstained), the question's word
//   pairs and triples that the gold record's text lacks, and that no procedure name or alias uses, are counted
//   against the gold name's word pairs. Candidates are printed with how many questions and distinct procedures they
//   come from and the official pairs they go with (counted over distinct procedures, with their PMI).
// - --inputs: questions without codes ({input, output}: a citizen's question and the official answer). The answer's
//   word pairs that procedure names use stand in for the gold name; a candidate's reach counts these questions too.
//   An input close to a question of --exclude or of the measuring half is left out (the datasets share FAQs).
// - Last, the word pairs of mined questions that no record's text holds at all, by how many questions use them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFormerNames } from '../src/knowledge/former-names.ts';
import { loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { searchableName } from '../src/retrieval/documents.ts';
import { type EvalQuestion, evaluate, readQuestionFile } from '../src/retrieval/evaluate.ts';
import { halfOf } from '../src/retrieval/learned.ts';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { analyze, foldToken, tokenize } from '../src/text/normalize.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string' },
    exclude: { type: 'string' },
    'former-names': { type: 'string' },
    inputs: { type: 'string' },
    kb: { type: 'string', default: '/work/data/catalog' },
    knowledge: { type: 'string', default: 'knowledge' },
    halves: { type: 'string' },
    min: { type: 'string', default: '3' },
    top: { type: 'string', default: '120' },
    remaps: { type: 'boolean', default: false },
  },
});
if (!values.questions || !values.exclude) {
  console.error('Cần --questions <tệp FAQ> và --exclude <tệp dev-eval>');
  process.exit(2);
}

const { catalogue, knowledgeDir } = loadSearchCatalogue({ knowledgeDir: values.knowledge, kb: values.kb });
const lexicon = loadLexicon(knowledgeDir);
const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue });
const procedures = catalogue.procedures;
const byCode = new Map<string, typeof procedures>();
for (const p of procedures) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);

const folded = (text: string) => tokenize(text).map(foldToken);

// --- Mapping 2023 codes to today's records -------------------------------------------------------------------
/** The words of a name that say what it is: lower case with diacritics, without "Thủ tục", brackets or numbers. */
function nameWordSet(name: string): Set<string> {
  const bare = searchableName(name).replace(/\([^)]*\)/gu, ' ');
  return new Set(tokenize(bare).filter((w) => !/\d/.test(w)));
}
const nameWords = new Map<string, Set<string>>();
const nameDf = new Map<string, number>();
for (const p of procedures) {
  const words = nameWordSet(p.name);
  nameWords.set(p.id, words);
  for (const w of words) nameDf.set(w, (nameDf.get(w) ?? 0) + 1);
}
/** A word that tells procedures apart: in few names. */
const rare = (w: string) => (nameDf.get(w) ?? 0) <= 60;
const oldNames = new Map<string, string>();
if (values['former-names'])
  for (const row of parseFormerNames(readFileSync(values['former-names'], 'utf8')).rows)
    oldNames.set(row.code, row.name);

/**
 * Today's codes for a 2023 code: the same code, else the records whose name nearly contains the old name or is
 * nearly contained in it (90% of the shorter name's words, all its rare words), the closest (Dice) first.
 */
function remap(code: string): string[] {
  if (byCode.has(code)) return [code];
  const old = oldNames.get(code);
  if (!old) return [];
  const words = nameWordSet(old);
  let best = 0;
  let codes: string[] = [];
  for (const p of procedures) {
    const mine = nameWords.get(p.id) as Set<string>;
    const [short, long] = words.size <= mine.size ? [words, mine] : [mine, words];
    let shared = 0;
    for (const w of short) if (long.has(w)) shared++;
    if (shared < 0.9 * short.size || [...short].some((w) => rare(w) && !long.has(w))) continue;
    const dice = (2 * shared) / (words.size + mine.size);
    if (dice < 0.5) continue;
    if (dice > best + 1e-9) [best, codes] = [dice, [p.code]];
    else if (Math.abs(dice - best) < 1e-9 && !codes.includes(p.code)) codes.push(p.code);
  }
  return codes;
}

const excluded = new Set(readQuestionFile(values.exclude).questions.map((q) => q.id));
const raw = readQuestionFile(values.questions).questions.filter((q) => !excluded.has(q.id));
const learning: EvalQuestion[] = [];
/** Questions whose codes are gone from today's catalogue but have an old name: mined against that name. */
const oldOnly: EvalQuestion[] = [];
let unmapped = 0;
for (const q of raw) {
  const gold = [...new Set(q.gold.flatMap(remap))];
  if (gold.length > 0) learning.push({ ...q, gold });
  else {
    unmapped++;
    if (q.gold.some((c) => oldNames.has(c))) oldOnly.push({ ...q, gold: q.gold.filter((c) => oldNames.has(c)) });
  }
}
const half = (q: EvalQuestion) => halfOf(q, 'procedure');
const mine = learning.filter((q) => half(q) === 'learn');
const report = learning.filter((q) => half(q) === 'eval');
if (values.remaps)
  for (const code of new Set(raw.flatMap((q) => q.gold)))
    if (!byCode.has(code) && oldNames.has(code))
      console.log(
        `  ${code} "${oldNames.get(code)?.slice(0, 70)}" → ${
          remap(code)
            .map((c) => `${c} "${byCode.get(c)?.[0]?.name.slice(0, 70)}"`)
            .join(', ') || '-'
        }`,
      );
console.log(
  `Câu học: ${raw.length} (bỏ ${excluded.size} id của tệp dev), ${learning.length} có thủ tục hôm nay, ${unmapped} không ghép được mã; nửa đào ${mine.length}, nửa đo ${report.length}`,
);
if (values.halves) {
  for (const [name, set] of [
    ['mine', mine],
    ['report', report],
  ] as const)
    writeFileSync(join(values.halves, `learning-${name}.jsonl`), set.map((q) => JSON.stringify(q)).join('\n'));
  const oldMine = oldOnly
    .filter((q) => half(q) === 'learn')
    .map((q) => ({ ...q, oldNames: q.gold.map((c) => oldNames.get(c)) }));
  writeFileSync(join(values.halves, 'old-names-mine.jsonl'), oldMine.map((q) => JSON.stringify(q)).join('\n'));
  console.log(`Đã ghi hai nửa vào ${values.halves}/learning-{mine,report}.jsonl (và old-names-mine.jsonl để đọc lại)`);
}

// --- Candidate phrases ---------------------------------------------------------------------------------------
/** Word pairs and triples of consecutive content words (filler and words under a known alias/concept left out). */
function phrases(text: string): Map<string, string> {
  const a = analyze(text);
  const filler = lexicon.fillerMask(a.tokens, a.folded, a.unaccented);
  const known = new Array<boolean>(a.tokens.length).fill(false);
  for (const e of [
    ...lexicon.concepts(a.tokens, a.folded, a.unaccented),
    ...lexicon.expansions(a.tokens, a.folded, a.unaccented),
  ])
    for (let i = e.start; i < e.end; i++) known[i] = true;
  const out = new Map<string, string>();
  for (let n = 2; n <= 3; n++)
    for (let i = 0; i + n <= a.tokens.length; i++) {
      const span = [...Array(n).keys()].map((k) => i + k);
      if (span.some((k) => filler[k] || known[k] || /^\d/.test(a.tokens[k] as string))) continue;
      out.set(span.map((k) => a.folded[k]).join(' '), span.map((k) => a.tokens[k]).join(' '));
    }
  return out;
}

function pairs(text: string): Set<string> {
  const words = folded(text);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

/** Everything searchable of a record, folded, to tell which question phrases it lacks. */
function recordText(code: string): string {
  return (byCode.get(code) ?? [])
    .map((p) =>
      [
        p.name,
        ...p.aliases,
        p.summary,
        ...p.results,
        ...p.steps.map((s) => s.description),
        ...p.documents.map((d) => d.name),
        p.conditions,
        ...Object.values(p.indexExtras ?? {}).flat(),
      ].join(' \n '),
    )
    .join(' \n ');
}
const lacks = (text: string, phrase: string) => !` ${folded(text).join(' ')} `.includes(` ${phrase} `);

/** Word pairs and triples procedure names and aliases use: a phrase found there is official, not a gap. */
const officialPhrases = new Set<string>();
for (const p of procedures)
  for (const text of [searchableName(p.name), ...p.aliases]) {
    const words = folded(text);
    for (let n = 2; n <= 3; n++)
      for (let i = 0; i + n <= words.length; i++) officialPhrases.add(words.slice(i, i + n).join(' '));
  }

interface Candidate {
  shown: string;
  questions: number;
  golds: Set<string>;
  /** Official word pair → the golds (procedures or answers) it went with. */
  with: Map<string, Set<string>>;
}
const candidates = new Map<string, Candidate>();
/** Distinct golds each official pair belongs to, over all observations (for PMI). */
const pairGolds = new Map<string, Set<string>>();
const allGolds = new Set<string>();
function observe(question: string, goldKey: string, goldText: string, officialPairs: Set<string>): void {
  allGolds.add(goldKey);
  for (const g of officialPairs) pairGolds.set(g, (pairGolds.get(g) ?? new Set()).add(goldKey));
  for (const [key, shown] of phrases(question)) {
    if (officialPhrases.has(key) || !lacks(goldText, key)) continue;
    const c = candidates.get(key) ?? { shown, questions: 0, golds: new Set(), with: new Map() };
    c.questions++;
    c.golds.add(goldKey);
    for (const g of officialPairs) c.with.set(g, (c.with.get(g) ?? new Set()).add(goldKey));
    candidates.set(key, c);
  }
}

/** Every phrase of every mined question (hit or miss), by distinct question: for the list of gaps. */
const seen = new Map<string, { shown: string; questions: number }>();
function see(question: string): void {
  for (const [key, shown] of phrases(question)) {
    const entry = seen.get(key) ?? { shown, questions: 0 };
    entry.questions++;
    seen.set(key, entry);
  }
}

const { outcomes } = await evaluate(engine, mine, (id) => engine.get(id)?.code);
for (const o of outcomes) see(o.question.question);
let misses = 0;
for (const o of outcomes) {
  if (o.rank === 1 && !o.abstained) continue;
  misses++;
  const gold = o.question.gold;
  const names = gold.flatMap((c) => (byCode.get(c) ?? []).map((p) => searchableName(p.name)));
  observe(
    o.question.question,
    gold.join(','),
    gold.map(recordText).join('\n'),
    new Set(names.flatMap((n) => [...pairs(n)])),
  );
}
console.log(`Nửa đào: ${outcomes.length} câu, trượt ${misses}`);
let old = 0;
for (const q of oldOnly) {
  if (half(q) !== 'learn') continue;
  old++;
  see(q.question);
  const names = q.gold.map((c) => searchableName(oldNames.get(c) as string));
  observe(q.question, q.gold.join(','), names.join('\n'), new Set(names.flatMap((n) => [...pairs(n)])));
}
console.log(`Câu chỉ có tên cũ (nửa đào): ${old}`);

// Questions without codes: the official answer's pairs that procedure names use stand in for the gold name.
const namePairs = new Map<string, number>();
for (const p of procedures)
  for (const g of pairs(searchableName(p.name))) namePairs.set(g, (namePairs.get(g) ?? 0) + 1);
// The same FAQ can be in both datasets: an input close to a question of --exclude or of the measuring half is left
// out, so that neither measure is mined from.
const trigrams = (text: string) => {
  const w = folded(text);
  return new Set(w.slice(2).map((_, i) => `${w[i]} ${w[i + 1]} ${w[i + 2]}`));
};
const held = [...readQuestionFile(values.exclude).questions, ...report].map((q) => trigrams(q.question));
const isHeld = (text: string) => {
  const mineGrams = trigrams(text);
  return held.some((other) => {
    let shared = 0;
    for (const g of mineGrams) if (other.has(g)) shared++;
    return shared > 0.6 * Math.min(mineGrams.size, other.size);
  });
};
let inputs = 0;
let heldInputs = 0;
for (const path of (values.inputs ?? '').split(',').filter(Boolean)) {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { input, output } = JSON.parse(line) as { input?: string; output?: string };
    if (!input || !output) continue;
    if (isHeld(input)) {
      heldInputs++;
      continue;
    }
    inputs++;
    see(input);
    const official = new Set([...pairs(output)].filter((g) => (namePairs.get(g) ?? 0) >= 3));
    observe(input, `faq:${inputs}`, output, official);
  }
}
if (inputs + heldInputs > 0)
  console.log(`Câu không mã (--inputs): ${inputs}, bỏ ${heldInputs} câu trùng tệp dev hoặc nửa đo`);

// --- Ranking ----------------------------------------------------------------------------------------------------
const min = Number(values.min);
// Counted over distinct golds, so that one procedure asked about a hundred times does not decide alone.
const ranked = [...candidates.entries()]
  .filter(([, c]) => c.questions >= min && c.golds.size >= 2)
  .map(([key, c]) => {
    const partners = [...c.with.entries()]
      .map(([g, golds]) => ({
        g,
        n: golds.size,
        pmi: Math.log((golds.size * allGolds.size) / (c.golds.size * (pairGolds.get(g)?.size ?? 1))),
      }))
      .filter((x) => x.n >= 2 && x.pmi > 0.5)
      .sort((a, b) => b.n * b.pmi - a.n * a.pmi)
      .slice(0, 6);
    return { key, c, partners, score: c.golds.size + (partners[0]?.n ?? 0) * (partners[0]?.pmi ?? 0) };
  })
  .sort((a, b) => b.score - a.score)
  .slice(0, Number(values.top));
for (const { c, partners } of ranked)
  console.log(
    `${c.shown.padEnd(28)} câu ${String(c.questions).padStart(3)} thủ tục ${String(c.golds.size).padStart(3)}  → ${partners
      .map((p) => `${p.g} (${p.n}, ${p.pmi.toFixed(1)})`)
      .join(' | ')}`,
  );

// Phrases no record's text holds at all (name, aliases, summary, results, steps, documents, page text): the plainest
// vocabulary gaps, by how many mined questions use them.
const catalogueBigrams = new Set<string>();
for (const p of procedures) for (const g of pairs(recordText(p.code))) catalogueBigrams.add(g);
const gaps = [...seen.entries()]
  .filter(([key, e]) => e.questions >= min && key.split(' ').length === 2 && !catalogueBigrams.has(key))
  .sort((a, b) => b[1].questions - a[1].questions)
  .slice(0, Number(values.top));
console.log(`\nCụm từ không bản ghi nào có (${gaps.length}):`);
for (const [key, e] of gaps) {
  const c = candidates.get(key);
  const partners = c ? [...c.with.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, 4) : [];
  console.log(
    `${e.shown.padEnd(24)} câu ${String(e.questions).padStart(3)}  ${partners.map(([g, golds]) => `${g} (${golds.size})`).join(' | ')}`,
  );
}
