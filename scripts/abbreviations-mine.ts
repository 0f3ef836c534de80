// `npm run kb:abbreviations -- [--datasets <dir>] [--catalog <dir>] [--knowledge <dir>] [--min 2] [--write]`: finds
// acronyms the portal's own texts spell out, in the imported catalogue and, when present, the shared portal crawls
// (read by path, never copied), three ways:
//   - "bảo hiểm y tế (BHYT)", "khoa học và công nghệ (KH&CN)": the words before a bracketed acronym whose
//     initials spell it (linking words like "và", "của" may be skipped);
//   - "BHYT (bảo hiểm y tế)", "… (sau đây gọi tắt là NNT)": the same pair written the other way round;
//   - initials of phrases frequent in procedure names ("giấy chứng nhận đăng ký doanh nghiệp" → gcnđkdn) that the
//     texts also write as an upper-case acronym.
// Prints the pairs with their counts; with --write, merges the ones seen at least --min times into
// knowledge/abbreviations.json (`source: catalogue`), keeping every hand-written entry. A maintainer reviews the
// list (acronyms that are also Vietnamese syllables, wrong splits) before committing it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ABBREVIATIONS_FILE, AbbreviationsFile } from '../src/retrieval/abbreviations.ts';
import { canonicalCase, foldAccents, tokenize } from '../src/text/normalize.ts';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '../shared/datasets' },
    catalog: { type: 'string', default: '/work/data/catalog' },
    knowledge: { type: 'string', default: 'knowledge' },
    min: { type: 'string', default: '2' },
    write: { type: 'boolean', default: false },
  },
});

const ACRONYM = '[A-ZĐ][A-ZĐa-z&/-]{1,9}';
const BRACKETED_AFTER = new RegExp(`\\((?:(?:sau đây )?(?:gọi|viết) tắt là\\s+)?(${ACRONYM})\\)`, 'gu');
const BRACKETED_BEFORE = new RegExp(`\\b(${ACRONYM})\\s*\\(([^()]{4,120})\\)`, 'gu');
const UPPER_TOKEN = /(?<![\p{L}\p{N}])[A-ZĐ][A-ZĐ&]{1,9}(?![\p{L}\p{N}])/gu;
const WORD = /[\p{L}\p{N}]+/gu;
/** Linking words an acronym usually leaves out ("lao động thương binh và xã hội" = LĐTBXH). */
const SKIPPABLE = new Set(['và', 'của', 'các', 'về', 'với']);

const pairs = new Map<string, number>();
/** Each record's whole text (for acronyms written beside the phrase they stand for). */
const recordTexts: string[] = [];
/** Name phrase + its initials, written in one record: how many records. */
const together = new Map<string, number>();
/** Name phrases (3 to 7 words) and how many names hold them. */
const namePhrases = new Map<string, number>();

function lettersOf(acronym: string): string[] {
  return [...foldAccents(canonicalCase(acronym))].filter((c) => /\p{L}/u.test(c));
}

/**
 * The shortest run of words ending the list whose initials spell the letters, linking words allowed in between
 * (not first or last); undefined when none does.
 */
function spelledBy(words: string[], letters: string[], fromEnd: boolean): string[] | undefined {
  const order = fromEnd ? [...words].reverse() : words;
  const wanted = fromEnd ? [...letters].reverse() : letters;
  const taken: string[] = [];
  let k = 0;
  for (const word of order) {
    if (k === wanted.length) break;
    if (foldAccents(word).startsWith(wanted[k] as string)) {
      taken.push(word);
      k++;
    } else if (SKIPPABLE.has(word) && k > 0) taken.push(word);
    else return undefined;
  }
  if (k !== wanted.length) return undefined;
  return fromEnd ? taken.reverse() : taken;
}

function record(acronym: string, words: string[] | undefined): void {
  if (!words) return;
  const key = `${tokenize(acronym).join('')}\t${words.join(' ')}`;
  pairs.set(key, (pairs.get(key) ?? 0) + 1);
}

function scan(text: string): void {
  for (const match of text.matchAll(BRACKETED_AFTER)) {
    const acronym = match[1] as string;
    const letters = lettersOf(acronym);
    if (letters.length < 2) continue;
    const before = canonicalCase(text.slice(Math.max(0, (match.index ?? 0) - 160), match.index)).match(WORD) ?? [];
    record(acronym, spelledBy(before.slice(-2 * letters.length), letters, true));
  }
  for (const match of text.matchAll(BRACKETED_BEFORE)) {
    const acronym = match[1] as string;
    const letters = lettersOf(acronym);
    if (letters.length < 2) continue;
    const inside = canonicalCase(match[2] as string).match(WORD) ?? [];
    const words = spelledBy(inside, letters, false);
    // The bracket must hold just the spelled phrase, not a sentence that happens to start with it.
    if (words && words.length === inside.length) record(acronym, words);
  }
}

function walk(value: unknown): void {
  if (typeof value === 'string') scan(value);
  else if (Array.isArray(value)) for (const v of value) walk(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
}

function countNamePhrases(name: string): void {
  const words = canonicalCase(name).match(WORD) ?? [];
  const seen = new Set<string>();
  for (let n = 3; n <= 7; n++)
    for (let i = 0; i + n <= words.length; i++) {
      const phrase = words.slice(i, i + n);
      if (SKIPPABLE.has(phrase[0] as string) || SKIPPABLE.has(phrase[n - 1] as string)) continue;
      if (phrase.some((w) => /\d/.test(w))) continue;
      seen.add(phrase.join(' '));
    }
  for (const phrase of seen) namePhrases.set(phrase, (namePhrases.get(phrase) ?? 0) + 1);
}

function readJsonl(path: string, names = false): void {
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as { name?: unknown };
    walk(value);
    recordTexts.push(JSON.stringify(value));
    if (names && typeof value.name === 'string') countNamePhrases(value.name);
  }
}

readJsonl(join(values.catalog, 'procedures.jsonl'), true);
readJsonl(join(values.datasets, 'chatbot-tthc-7bo-2026/procedures.jsonl'));
readJsonl(join(values.datasets, 'opengov-dvc-catalog-2026/crawl/catalog.jsonl'));
const details = join(values.datasets, 'opengov-dvc-catalog-2026/crawl/details');
if (existsSync(details))
  for (const f of readdirSync(details))
    if (f.endsWith('.json')) {
      const text = readFileSync(join(details, f), 'utf8');
      walk(JSON.parse(text));
      recordTexts.push(text);
    }

// Frequent name phrases whose initials a record writes as an acronym while also spelling the phrase out.
const min = Number(values.min);
const byInitials = new Map<string, string[]>();
for (const [phrase, count] of namePhrases) {
  if (count < 5) continue;
  const initials = foldAccents(
    phrase
      .split(' ')
      .filter((w) => !SKIPPABLE.has(w))
      .map((w) => w.charAt(0))
      .join(''),
  );
  if (initials.length < 3) continue;
  const list = byInitials.get(initials) ?? [];
  list.push(phrase);
  byInitials.set(initials, list);
}
for (const text of recordTexts) {
  const lower = canonicalCase(text);
  const acronyms = new Set((text.match(UPPER_TOKEN) ?? []).map((a) => foldAccents(canonicalCase(a)).replace(/&/g, '')));
  for (const acronym of acronyms)
    for (const phrase of byInitials.get(acronym) ?? [])
      if (lower.includes(phrase)) {
        const short = phrase
          .split(' ')
          .filter((w) => !SKIPPABLE.has(w))
          .map((w) => (w.startsWith('đ') ? 'đ' : foldAccents(w).charAt(0)))
          .join('');
        const key = `${short}\t${phrase}`;
        together.set(key, (together.get(key) ?? 0) + 1);
      }
}
for (const [key, count] of together) if (!pairs.has(key)) pairs.set(key, count);

const path = join(values.knowledge, ABBREVIATIONS_FILE);
const file = AbbreviationsFile.parse(JSON.parse(readFileSync(path, 'utf8')));
const shorts = new Map(file.entries.map((e) => [e.short, e]));
for (const [key, count] of [...pairs].sort((a, b) => b[1] - a[1])) {
  const [short, long] = key.split('\t') as [string, string];
  const entry = shorts.get(short);
  const known = entry?.long.includes(long) ?? false;
  console.log(`${count}\t${short}\t${long}${known ? '\t(known)' : ''}`);
  if (!values.write || count < min || known) continue;
  if (entry) entry.long.push(long);
  else {
    const added = { short, long: [long], source: 'catalogue' as const };
    file.entries.push(added);
    shorts.set(short, added);
  }
}
if (values.write) {
  file.entries.sort((a, b) => a.short.localeCompare(b.short));
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}
