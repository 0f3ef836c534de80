// Splits a portal step whose text is itself "Bước 1: … Bước 2: … Bước 3: …" into real steps, so a citizen is
// walked through "Bước 1/3" instead of one "Bước 1/1" holding all three. Used by the importer.
import type { Step } from './schema.ts';

const STEP_MARK = /(?:^|\s)Bước\s+(\d{1,2})\s*[:.\-–)]\s*/giu;

/**
 * Split at "Bước 1", "Bước 2", "Bước 3"… in order; a repeated or out-of-order number ("Bước 3" mentioned again
 * inside step 3) stays in the text, and a text without "Bước 1" then "Bước 2" is left as one step.
 */
export function realSteps(steps: Step[]): Step[] {
  return steps.flatMap((step) => {
    const marks: RegExpMatchArray[] = [];
    for (const m of step.description.matchAll(STEP_MARK)) {
      if (Number(m[1]) === marks.length + 1) marks.push(m);
    }
    if (marks.length < 2) return [step];
    const before = step.description.slice(0, marks[0]?.index ?? 0).trim();
    const parts: Step[] = [];
    marks.forEach((m, i) => {
      const start = (m.index ?? 0) + m[0].length;
      const end = marks[i + 1]?.index ?? step.description.length;
      const body = step.description.slice(start, end).trim();
      if (body) parts.push({ description: i === 0 && before ? `${before}\n${body}` : body });
    });
    return parts.length > 1 ? parts : [step];
  });
}
