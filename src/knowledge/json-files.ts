// Reading the JSON files the knowledge tools share: a file's name as problems show it, lenient reads of
// portal mirrors and catalogues (a broken file or line counts as absent; kb:import reports it), and a strict
// read of one JSON document checked against a zod schema, with every problem in the loader's format.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { z } from 'zod';
import { type KnowledgeProblem, zodProblems } from './loader.ts';

/** The path relative to the working directory, as problems name files (the loader does the same). */
export function displayPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** The parsed content of a JSON file, or undefined when it is missing or not valid JSON. */
export function readJsonOrUndefined(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The values of a JSON Lines file; blank and broken lines are skipped, a missing file gives none. */
export function readJsonLinesLeniently(path: string): unknown[] {
  if (!existsSync(path)) return [];
  const values: unknown[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      // a broken line counts as absent
    }
  }
  return values;
}

export type CheckedJson<T> = { ok: true; value: T } | { ok: false; problems: KnowledgeProblem[] };

/** Reads an existing JSON file and checks it against `schema`; invalid JSON and schema failures become problems. */
export function readCheckedJson<T>(path: string, schema: z.ZodType<T>): CheckedJson<T> {
  const file = displayPath(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      problems: [{ file, location: '', field: '', reason: `JSON không hợp lệ: ${(error as Error).message}` }],
    };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: zodProblems(file, '', parsed.error) };
}
