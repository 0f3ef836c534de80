// What the dense path embeds for a procedure: its name, aliases, summary and field, then who handles it, who it
// is for and its first step where the record has them (the most telling facts of an imported record that has
// no curated summary), kept within the embedding model's input limit.
import type { Procedure } from '../../knowledge/schema.ts';
import { searchableName } from '../documents.ts';

/**
 * Most words embedded per procedure. Small embedding models read 512 tokens at most, and a Vietnamese syllable
 * takes one to two tokens: past this, the end of the passage would be cut off unseen anyway.
 */
export const MAX_PASSAGE_WORDS = 220;
/** Most words of the first step: it says where to go, the rest of a long step is detail. */
const MAX_STEP_WORDS = 60;

export function procedurePassage(p: Procedure): string {
  const agencies = [...new Set([...p.implementingAgencies, p.promulgatingAgency].filter(Boolean))];
  const firstStep = p.steps[0]?.description;
  const parts = [
    searchableName(p.name),
    p.aliases.join('; '),
    p.summary,
    p.fields.join(', '),
    agencies.length > 0 ? `Cơ quan: ${agencies.join(', ')}` : undefined,
    p.targetGroups.length > 0 ? `Đối tượng: ${p.targetGroups.join(', ')}` : undefined,
    firstStep ? `Bước đầu: ${firstWords(firstStep, MAX_STEP_WORDS)}` : undefined,
  ];
  const passage = parts
    .map((part) => part?.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('. ');
  return firstWords(passage, MAX_PASSAGE_WORDS);
}

function firstWords(text: string, max: number): string {
  const words = text.split(/\s+/);
  return words.length <= max ? text : words.slice(0, max).join(' ');
}
