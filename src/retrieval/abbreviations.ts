// Administrative abbreviations (knowledge/abbreviations.json): "bhxh" = "bảo hiểm xã hội". Both spellings are
// made to meet: a record that writes one is also indexed under the other, and a question that types one also
// searches the other (see lexicon.ts). Entries come from the catalogue's own bracketed acronyms
// (scripts/abbreviations-mine.ts) and a reviewed hand list.
import { join } from 'node:path';
import { z } from 'zod';
import { readKnowledgeJson } from '../knowledge/loader.ts';
import { foldToken, tokenize } from '../text/normalize.ts';

export const ABBREVIATIONS_FILE = 'abbreviations.json';

export const AbbreviationsFile = z.object({
  about: z.string().optional(),
  version: z.number().int(),
  entries: z.array(
    z.object({
      /** The abbreviation as typed, lower case ("hđđt", "kh&cn" is written "khcn"). */
      short: z.string().min(2),
      /** What it stands for; the first is the usual meaning. */
      long: z.array(z.string().min(1)).min(1),
      source: z.enum(['catalogue', 'hand']).default('hand'),
    }),
  ),
});
export type AbbreviationEntry = z.infer<typeof AbbreviationsFile>['entries'][number];

export interface Abbreviations {
  entries: AbbreviationEntry[];
  /** Extra token sequences to index beside a text segment: expansions of its acronyms and acronyms of its phrases. */
  expand(tokens: string[]): string[][];
}

interface Compiled {
  short: string[];
  long: string[][];
}

export function compileAbbreviations(entries: AbbreviationEntry[]): Abbreviations {
  const byShort = new Map<string, Compiled>();
  const byFirst = new Map<string, { phrase: string[]; short: string[] }[]>();
  /** First words of two-word abbreviations ("kh" of "kh&cn"): only there is a word pair looked up. */
  const pairStarts = new Set<string>();
  for (const entry of entries) {
    const short = tokenize(entry.short);
    if (short.length === 0) continue;
    const long = entry.long.map((l) => tokenize(l)).filter((l) => l.length > 0);
    const key = short.map(foldToken).join(' ');
    if (short.length > 1) pairStarts.add(foldToken(short[0] as string));
    const existing = byShort.get(key);
    if (existing) existing.long.push(...long);
    else byShort.set(key, { short, long });
    for (const phrase of long) {
      const first = phrase[0] as string;
      const list = byFirst.get(first) ?? [];
      list.push({ phrase, short });
      byFirst.set(first, list);
    }
  }
  return {
    entries,
    expand(tokens) {
      const extra: string[][] = [];
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as string;
        const found = byShort.get(foldToken(token));
        if (found) extra.push(...found.long);
        const next = tokens[i + 1];
        if (next !== undefined && pairStarts.has(foldToken(token))) {
          const pair = byShort.get(`${foldToken(token)} ${foldToken(next)}`);
          if (pair) extra.push(...pair.long);
        }
        for (const { phrase, short } of byFirst.get(token) ?? []) {
          if (phrase.every((t, k) => tokens[i + k] === t)) extra.push(short);
        }
      }
      return extra;
    },
  };
}

/** Reads knowledge/abbreviations.json; a missing file means no abbreviations, a malformed one throws KnowledgeError. */
export function loadAbbreviations(knowledgeDir: string): AbbreviationEntry[] {
  return readKnowledgeJson(join(knowledgeDir, ABBREVIATIONS_FILE), AbbreviationsFile)?.entries ?? [];
}
