// What of a procedure the lexical index reads, and how much each part counts.
import type { Procedure } from '../knowledge/schema.ts';
import { tokenize } from '../text/normalize.ts';
import type { DocumentTerms, FieldSpec } from './lexical-index.ts';
import { segmentTerms, unigramTerms } from './terms.ts';

export const FIELD_SPECS: Record<string, FieldSpec> = {
  name: { weight: 3, b: 0.75 },
  aliases: { weight: 2.4, b: 0.3 },
  summary: { weight: 0.8, b: 0.5 },
  fields: { weight: 0.6, b: 0.3 },
  agencies: { weight: 0.6, b: 0.3 },
  targets: { weight: 0.5, b: 0.3 },
  results: { weight: 0.6, b: 0.5 },
  legal: { weight: 0.1, b: 0.75 },
  detail: { weight: 0.15, b: 0.75 },
  // Index-only text from the portal's page (kb:import --page-texts), for records the API left without it. Result
  // names are short and hold a word like `results` does; the long parts score, but a word found only there neither
  // makes its record "hold" the word (coverage, word pairs) nor makes the word commoner (IDF): see FieldSpec.covers
  // and INDEX_ONLY_MATCH in search-engine.ts.
  pageResults: { weight: 0.6, b: 0.5 },
  pageLegal: { weight: 0.1, b: 0.75, covers: false },
  pageDocuments: { weight: 0.15, b: 0.75, covers: false },
  pageSteps: { weight: 0.15, b: 0.75, covers: false },
  // Names the procedure had on the old portal (kb:import --former-names), where they say more than today's name:
  // citizens and old documents still use them. Below the name and the aliases, since a former name may also cover
  // a sibling split off since.
  formerName: { weight: 1.5, b: 0.5 },
};

/** Longest legal-basis text we index per procedure (in tokens): titles of the laws and decrees it rests on. */
const MAX_LEGAL_TOKENS = 120;

/** Longest detail text we index per procedure (in tokens); steps and documents beyond add little. */
const MAX_DETAIL_TOKENS = 300;

/**
 * Longest index-only page text we index per part (tokens): result names are short; legal titles, documents and
 * steps (with conditions first) are long, and their first part says most of what a question could match.
 */
export const PAGE_TEXT_CAPS = { results: 40, legal: 60, documents: 100, steps: 100 };

/** Extra token sequences to index beside a segment (abbreviations both ways); none by default. */
export type SegmentExpander = (tokens: string[]) => string[][];
const NO_EXPANSION: SegmentExpander = () => [];

function field(
  segments: (string | undefined)[],
  expand: SegmentExpander,
  maxTokens = Number.POSITIVE_INFINITY,
  termsOf: (tokens: string[]) => string[] = segmentTerms,
) {
  const terms: string[] = [];
  let length = 0;
  for (const segment of segments) {
    if (!segment || length >= maxTokens) continue;
    const tokens = tokenize(segment).slice(0, maxTokens - length);
    length += tokens.length;
    terms.push(...termsOf(tokens));
    // Expansions are matched but do not lengthen the field (a record is not penalised for its acronyms).
    for (const extra of expand(tokens)) terms.push(...segmentTerms(extra));
  }
  return { terms, length };
}

/** The name as searched: without the leading "Thủ tục" that only some portal names carry. */
export function searchableName(name: string): string {
  return name.replace(/^\s*thủ tục\s+/iu, '');
}

export function procedureTerms(p: Procedure, expand: SegmentExpander = NO_EXPANSION): DocumentTerms {
  return {
    fields: {
      name: field([searchableName(p.name)], expand),
      aliases: field(p.aliases, expand),
      summary: field([p.summary], expand),
      fields: field(p.fields, expand),
      agencies: field([...p.implementingAgencies, p.promulgatingAgency], expand),
      targets: field(p.targetGroups, expand),
      results: field(p.results, expand),
      legal: field(
        p.legalBasis.map((l) => l.name),
        expand,
        MAX_LEGAL_TOKENS,
      ),
      detail: field(
        [...p.steps.map((s) => s.description), ...p.documents.map((d) => d.name), p.conditions],
        expand,
        MAX_DETAIL_TOKENS,
      ),
      ...indexOnlyFields(p, expand),
    },
  };
}

function indexOnlyFields(p: Procedure, expand: SegmentExpander): DocumentTerms['fields'] {
  const extras = p.indexExtras;
  if (!extras) return {};
  const fields: DocumentTerms['fields'] = {};
  // Former names are short and name the procedure: indexed like the name (word pairs, abbreviations both ways).
  if (extras.formerNames?.length) fields.formerName = field(extras.formerNames.map(searchableName), expand);
  // Words only, without word pairs or abbreviation expansions: this text is long and weighs little, and pairs and
  // expansions would double the index for no measured gain.
  return {
    ...fields,
    pageResults: field(extras.results, NO_EXPANSION, PAGE_TEXT_CAPS.results, unigramTerms),
    pageLegal: field(extras.legalBasis, NO_EXPANSION, PAGE_TEXT_CAPS.legal, unigramTerms),
    pageDocuments: field(extras.documents, NO_EXPANSION, PAGE_TEXT_CAPS.documents, unigramTerms),
    pageSteps: field([extras.conditions, ...extras.steps], NO_EXPANSION, PAGE_TEXT_CAPS.steps, unigramTerms),
  };
}
