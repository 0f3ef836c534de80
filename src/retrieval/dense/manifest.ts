// The dense index manifest: what the index was built from (model, dimension, knowledge version), which procedure
// each label stands for, and a checksum of the index file, so a stale or damaged index is noticed on load.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export const MANIFEST_FORMAT = 1;

export const DenseManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    modelId: z.string().min(1),
    dimension: z.number().int().positive(),
    knowledgeVersion: z.string(),
    count: z.number().int().nonnegative(),
    /** label -> procedure UUID. */
    ids: z.array(z.string()),
    /** procedure UUID -> content hash of its embedded passage (see contentHash). */
    contentHashes: z.record(z.string(), z.string()),
    createdAt: z.string(),
    /** File name of the HNSW index inside the index folder. */
    indexFile: z.string().min(1),
    /** sha256 (hex) of the index file. */
    indexChecksum: z.string().regex(/^[0-9a-f]{64}$/),
    hnsw: z.object({
      m: z.number().int().positive(),
      efConstruction: z.number().int().positive(),
      efSearch: z.number().int().positive(),
      seed: z.number().int(),
    }),
  })
  .refine((m) => m.ids.length === m.count, { message: 'ids và count không khớp', path: ['ids'] });

export type DenseManifest = z.infer<typeof DenseManifestSchema>;

export function fileChecksum(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function writeManifest(file: string, manifest: DenseManifest): void {
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Parsed manifest, or the reason it cannot be used. */
export function readManifest(file: string): { manifest: DenseManifest } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { problem: `manifest unreadable: ${(error as Error).message}` };
  }
  const parsed = DenseManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `manifest invalid: ${issue?.path.join('.')} ${issue?.message}` };
  }
  return { manifest: parsed.data };
}
