// The concept bridge (knowledge/concepts.jsonl): the everyday words citizens use for administrative concepts
// ("giếng khoan" → khai thác nước dưới đất, "bị chồng đánh" → bạo lực gia đình, "nhận lương hưu thay" → ủy quyền
// lĩnh thay). A matched phrase searches the official words beside the question's own, weighed below them
// (query.ts). One reviewed entry a line, so a malformed entry is reported with its file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { KnowledgeError, type KnowledgeProblem, zodProblems } from '../knowledge/loader.ts';

export const CONCEPTS_FILE = 'concepts.jsonl';

export const ConceptEntry = z
  .object({
    /** A free label grouping entries for maintainers (death, land, livestock…). */
    topic: z.string().min(1).optional(),
    /** What citizens say. */
    when: z.array(z.string().trim().min(1)).min(1),
    /** The official words searched beside it (as worded in procedure names). */
    add: z.array(z.string().trim().min(1)).min(1),
  })
  .strict();
export type ConceptEntry = z.infer<typeof ConceptEntry>;

/** Parses the text of a concepts file: one JSON object a line; blank lines and `//` comments are skipped. */
export function parseConcepts(text: string, file: string): ConceptEntry[] {
  const entries: ConceptEntry[] = [];
  const problems: KnowledgeProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    const location = `line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push({ file, location, field: '', reason: `JSON không hợp lệ: ${(error as Error).message}` });
      return;
    }
    const parsed = ConceptEntry.safeParse(json);
    if (parsed.success) entries.push(parsed.data);
    else problems.push(...zodProblems(file, location, parsed.error));
  });
  if (problems.length > 0) throw new KnowledgeError(problems);
  return entries;
}

/** Reads knowledge/concepts.jsonl and every knowledge/concepts-*.jsonl (one file per source or topic, read in name
 * order); a missing file is an empty table, a malformed one throws KnowledgeError. */
export function loadConcepts(knowledgeDir: string): ConceptEntry[] {
  let names: string[];
  try {
    names = readdirSync(knowledgeDir)
      .filter((name) => name === CONCEPTS_FILE || /^concepts-[\w-]+\.jsonl$/.test(name))
      .sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(knowledgeDir, name);
    return parseConcepts(readFileSync(path, 'utf8'), relative(process.cwd(), path) || path);
  });
}
