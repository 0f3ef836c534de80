// Hand-made procedure records for tests (invented UUIDs; names modelled on real portal wording).
import { mergeSources } from '../../src/knowledge/loader.ts';
import { type Procedure, type ProcedureInput, ProcedureSchema, portalLinks } from '../../src/knowledge/schema.ts';

let counter = 0;

/** A valid procedure with sensible defaults; pass only what the test cares about. */
export function procedure(fields: Partial<ProcedureInput> & { name: string }): Procedure {
  counter++;
  const id = fields.id ?? `00000000-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`;
  return ProcedureSchema.parse({
    id,
    code: fields.code ?? `9.${(900000 + counter).toString()}`,
    type: 'national',
    links: portalLinks(id, false),
    source: { url: portalLinks(id, false).procedure, checkedAt: '2026-11-28' },
    ...fields,
  });
}

export function catalogueOf(curated: Procedure[], imported: Procedure[] = []) {
  return mergeSources(curated, imported);
}
