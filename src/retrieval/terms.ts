// Turns canonical tokens into index terms: accented and accent-folded unigrams and syllable bigrams.
// Folded terms carry a "~" prefix so an accented match and a folded match stay distinguishable.
import { foldToken } from '../text/normalize.ts';

export const foldedKey = (folded: string): string => `~${folded}`;
export const bigramKey = (a: string, b: string): string => `${a} ${b}`;

/** All index terms of one text segment (bigrams never cross segment boundaries). */
export function segmentTerms(tokens: string[]): string[] {
  const folded = tokens.map(foldToken);
  const terms: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const fold = folded[i] as string;
    terms.push(token, foldedKey(fold));
    if (i + 1 < tokens.length) {
      terms.push(bigramKey(token, tokens[i + 1] as string), foldedKey(bigramKey(fold, folded[i + 1] as string)));
    }
  }
  return terms;
}

/** Accented and accent-folded unigrams only (no word pairs): for long, weakly weighted text. */
export function unigramTerms(tokens: string[]): string[] {
  const terms: string[] = [];
  for (const token of tokens) terms.push(token, foldedKey(foldToken(token)));
  return terms;
}
