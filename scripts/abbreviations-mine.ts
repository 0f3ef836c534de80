// `npm run kb:abbreviations -- [--datasets <dir>] [--catalog <dir>] [--min 2]`: finds acronyms the portal's own
// texts spell out ("bảo hiểm y tế (BHYT)": the words before a bracketed acronym whose initials match it) in the
// imported catalogue and, when present, the shared portal crawls (read by path, never copied). Prints the pairs
// with their counts and merges the ones seen often enough into knowledge/abbreviations.json (`source: catalogue`),
// keeping every hand-written entry. A maintainer reviews the diff before committing it.
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
  },
});

const BRACKETED = /\(([A-ZĐ][A-ZĐa-z&/-]{1,9})\)/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const counts = new Map<string, number>();

/** Records every "(ACRONYM)" whose preceding words' initials spell it exactly. */
function scan(text: string): void {
  for (const match of text.matchAll(BRACKETED)) {
    const acronym = match[1] as string;
    const letters = [...foldAccents(acronym.toLowerCase())].filter((c) => /\p{L}/u.test(c));
    if (letters.length < 2) continue;
    const before = canonicalCase(text.slice(Math.max(0, (match.index ?? 0) - 160), match.index)).match(WORD) ?? [];
    const words = before.slice(-letters.length);
    if (words.length !== letters.length) continue;
    if (!words.every((w, k) => foldAccents(w).startsWith(letters[k] as string))) continue;
    const key = `${tokenize(acronym).join('')}\t${words.join(' ')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

function walk(value: unknown): void {
  if (typeof value === 'string') scan(value);
  else if (Array.isArray(value)) for (const v of value) walk(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
}

function readJsonl(path: string): void {
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim()) walk(JSON.parse(line));
}

readJsonl(join(values.catalog, 'procedures.jsonl'));
readJsonl(join(values.datasets, 'chatbot-tthc-7bo-2026/procedures.jsonl'));
readJsonl(join(values.datasets, 'opengov-dvc-catalog-2026/crawl/catalog.jsonl'));
const details = join(values.datasets, 'opengov-dvc-catalog-2026/crawl/details');
if (existsSync(details))
  for (const f of readdirSync(details))
    if (f.endsWith('.json')) walk(JSON.parse(readFileSync(join(details, f), 'utf8')));

const min = Number(values.min);
const path = join(values.knowledge, ABBREVIATIONS_FILE);
const file = AbbreviationsFile.parse(JSON.parse(readFileSync(path, 'utf8')));
const known = new Set(file.entries.map((e) => `${e.short}\t${e.long.join('|')}`));
const shorts = new Map(file.entries.map((e) => [e.short, e]));
for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1])) {
  const [short, long] = key.split('\t') as [string, string];
  console.log(`${count}\t${short}\t${long}`);
  if (count < min || known.has(key)) continue;
  const entry = shorts.get(short);
  if (entry) {
    if (!entry.long.includes(long)) entry.long.push(long);
  } else {
    const added = { short, long: [long], source: 'catalogue' as const };
    file.entries.push(added);
    shorts.set(short, added);
  }
}
file.entries.sort((a, b) => a.short.localeCompare(b.short));
writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
