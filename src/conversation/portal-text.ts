// Cleans raw portal wording for a phone screen: checkbox and bullet prefixes, a)–h) runs written on one line,
// and repeated spaces. Also shortens long agency lists. (Steps written inside one step are split at import:
// src/knowledge/steps.ts.)

/** Checkbox glyphs, bullets and dashes the portal puts in front of items ("☐ - ", "•", "- ", "+ "). */
const LEADING_MARKS = /^(?:[☐☑☒□■▪◦●•\u2022\uf0b7\uf0a7\uf0d8*+\-–—]\s*)+/u;

/** Letters of an a), b), c)… run, in order (Vietnamese lists use đ after d). */
const RUN_LETTERS = ['a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h', 'i', 'k'];

/** Puts each item of an inline "a) … b) … c) …" run on its own line, when at least a) and b) are there. */
function breakLetterRuns(line: string): string {
  const marks = [...line.matchAll(/(^|[\s;:.,])([a-kđ])\)\s/gu)];
  const starts: number[] = [];
  let expected = 0;
  for (const m of marks) {
    const letter = m[2] ?? '';
    const index = (m.index ?? 0) + (m[1]?.length ?? 0);
    if (letter === RUN_LETTERS[expected]) {
      starts.push(index);
      expected++;
    } else if (letter === 'a') {
      starts.push(index);
      expected = 1;
    }
  }
  if (starts.filter((_, i) => i > 0).length === 0 || expected < 2) return line;
  const pieces: string[] = [];
  let from = 0;
  for (const at of starts) {
    if (at > from) pieces.push(line.slice(from, at));
    from = at;
  }
  pieces.push(line.slice(from));
  return pieces
    .map((p) => p.trim())
    .filter(Boolean)
    .join('\n');
}

/** One line of portal text, cleaned. */
function cleanLine(line: string): string {
  return line
    .replace(LEADING_MARKS, '')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:])/g, '$1')
    .trim();
}

/** Raw portal text ready to show: no bullets or checkboxes, one a)/b) item per line, single spaces. */
export function cleanPortalText(value: string | undefined): string {
  if (!value) return '';
  return value
    .split('\n')
    .map(cleanLine)
    .filter(Boolean)
    .flatMap((line) => breakLetterRuns(line).split('\n'))
    .map(cleanLine)
    .filter(Boolean)
    .join('\n');
}

/** "A; B và 24 chi nhánh khác" for long agency lists (a land office with two dozen branches). */
export function summariseAgencies(agencies: string[], shown = 2): string {
  if (agencies.length <= shown + 1) return agencies.join('; ');
  const rest = agencies.slice(shown);
  const branches = rest.every((a) => /^chi nhánh/iu.test(a));
  return `${agencies.slice(0, shown).join('; ')} và ${rest.length} ${branches ? 'chi nhánh' : 'đơn vị'} khác`;
}
