// Splits a portal step whose text is itself "Bước 1: … Bước 2: … Bước 3: …" into real steps, so a citizen is
// walked through "Bước 1/3" instead of one "Bước 1/1" holding all three. Used by the importer.
import type { Step } from './schema.ts';

const STEP_MARK = /(?:^|\s)Bước\s+(\d{1,2})\s*[:.\-–)]\s*/giu;

/** Split only when the numbers inside run 1, 2, 3… so that a mention of "Bước 2" in a sentence stays as it is. */
export function realSteps(steps: Step[]): Step[] {
  return steps.flatMap((step) => {
    const marks = [...step.description.matchAll(STEP_MARK)];
    if (marks.length < 2 || !marks.every((m, i) => Number(m[1]) === i + 1)) return [step];
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
