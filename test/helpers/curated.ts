// Access to the real curated knowledge base for the knowledge tests: one entry by UUID, the entries of
// some files, and one submission method of an entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Catalogue, loadCatalogue } from '../../src/knowledge/loader.ts';
import type { Procedure, SubmissionMethodKind } from '../../src/knowledge/schema.ts';

export function curatedKnowledge(knowledgeDir: string) {
  const catalogue: Catalogue = loadCatalogue({ knowledgeDir });
  const entry = (id: string): Procedure => {
    const p = catalogue.byId.get(id);
    if (!p) throw new Error(`missing curated entry ${id}`);
    return p;
  };
  /** The entries written in these files of knowledge/procedures/, in file order. */
  const entriesOf = (files: string[]): Procedure[] =>
    files
      .flatMap((name) => JSON.parse(readFileSync(join(knowledgeDir, 'procedures', name), 'utf8')) as { id: string }[])
      .map((p) => entry(p.id));
  return { catalogue, entry, entriesOf };
}

export function method(p: Procedure, kind: SubmissionMethodKind) {
  return p.submissionMethods.find((m) => m.method === kind);
}
