// Turns the `procedure` column of a dossier record (a procedure code, a portal UUID or a name) into the
// procedure fields of a status, completed from the knowledge catalogue when one is available.
import type { Catalogue } from '../knowledge/loader.ts';
import { PROCEDURE_CODE_PATTERN, UUID_PATTERN } from '../knowledge/schema.ts';
import { normalizeText } from '../text/normalize.ts';
import type { DossierStatus } from './types.ts';

export type ProcedureFields = Pick<DossierStatus, 'procedureName' | 'procedureId' | 'procedureCode'>;
export type ProcedureResolver = (reference: string) => ProcedureFields;

/** Without a catalogue: a UUID becomes the id, a code the code, anything else the name. */
export const resolveWithoutCatalogue: ProcedureResolver = (reference) => {
  const value = reference.trim();
  if (UUID_PATTERN.test(value)) return { procedureId: value.toLowerCase() };
  if (PROCEDURE_CODE_PATTERN.test(value)) return { procedureCode: value };
  return { procedureName: value };
};

/** Resolves codes, UUIDs and exact names against the catalogue; ambiguous codes keep only what is certain. */
export function catalogueResolver(catalogue: Catalogue): ProcedureResolver {
  const byCode = new Map<string, { id: string; name: string }[]>();
  const byName = new Map<string, { id: string; code: string; name: string }[]>();
  for (const p of catalogue.procedures) {
    const entry = { id: p.id, code: p.code, name: p.name.normalize('NFC') };
    byCode.set(p.code, [...(byCode.get(p.code) ?? []), entry]);
    const nameKey = normalizeText(p.name);
    byName.set(nameKey, [...(byName.get(nameKey) ?? []), entry]);
  }
  return (reference) => {
    const basic = resolveWithoutCatalogue(reference);
    if (basic.procedureId) {
      const p = catalogue.byId.get(basic.procedureId);
      return p ? { procedureId: p.id, procedureCode: p.code, procedureName: p.name.normalize('NFC') } : basic;
    }
    if (basic.procedureCode) {
      const matches = byCode.get(basic.procedureCode) ?? [];
      const [first] = matches;
      if (!first) return basic;
      const sameName = matches.every((m) => normalizeText(m.name) === normalizeText(first.name));
      return {
        procedureCode: basic.procedureCode,
        ...(sameName ? { procedureName: first.name } : {}),
        ...(matches.length === 1 ? { procedureId: first.id } : {}),
      };
    }
    const named = byName.get(normalizeText(reference)) ?? [];
    const [only] = named;
    return only && named.length === 1
      ? { procedureName: basic.procedureName, procedureId: only.id, procedureCode: only.code }
      : basic;
  };
}
