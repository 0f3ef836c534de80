// Builds a retrieval engine from the knowledge directories (curated + optional imported catalogue).
import { type Catalogue, loadCatalogue } from '../knowledge/loader.ts';
import { loadLexicon } from './lexicon.ts';
import { RetrievalEngine, type RetrievalEngineOptions } from './search-engine.ts';

export interface RetrievalSources {
  knowledgeDir: string;
  catalogDir?: string | undefined;
}

export function buildRetrievalEngine(
  sources: RetrievalSources,
  options: { catalogue?: Catalogue } & RetrievalEngineOptions = {},
): RetrievalEngine {
  const { catalogue: given, ...engineOptions } = options;
  const catalogue = given ?? loadCatalogue(sources);
  const lexicon = loadLexicon(sources.knowledgeDir);
  return new RetrievalEngine(catalogue, lexicon, engineOptions);
}
