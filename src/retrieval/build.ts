// Builds a retrieval engine from the knowledge directories (curated + optional imported catalogue).
import { type Catalogue, loadCatalogue } from '../knowledge/loader.ts';
import { loadLexicon } from './lexicon.ts';
import { type DenseSearcher, RetrievalEngine } from './search-engine.ts';

export interface RetrievalSources {
  knowledgeDir: string;
  catalogDir?: string | undefined;
}

export function buildRetrievalEngine(
  sources: RetrievalSources,
  options: { catalogue?: Catalogue; dense?: DenseSearcher | undefined } = {},
): RetrievalEngine {
  const catalogue = options.catalogue ?? loadCatalogue(sources);
  const lexicon = loadLexicon(sources.knowledgeDir);
  return new RetrievalEngine(catalogue, lexicon, options.dense ? { dense: options.dense } : {});
}
