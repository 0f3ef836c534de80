// What a maintainer's `--kb <dir>` points at: an imported catalogue (procedures.jsonl, from kb:import), a
// knowledge directory (procedures/*.json), or a raw mirror of the portal (catalog.jsonl + details/, from
// kb:sync or the shared crawl), which is imported in memory. Used by eval and bench.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseFormerNames } from './former-names.ts';
import { CATALOG_FILE, type Catalogue, CURATED_SUBDIR, loadCatalogue, mergeSources } from './loader.ts';
import { MIRROR_CATALOG_FILE, MIRROR_DETAILS_SUBDIR } from './portal-format.ts';
import { PortalImport, portalDate } from './portal-import.ts';

export type KbKind = 'catalog' | 'knowledge' | 'portal-mirror';

export function kbKind(dir: string): KbKind | undefined {
  if (existsSync(join(dir, CATALOG_FILE))) return 'catalog';
  if (existsSync(join(dir, CURATED_SUBDIR))) return 'knowledge';
  if (existsSync(join(dir, MIRROR_CATALOG_FILE))) return 'portal-mirror';
  return undefined;
}

/**
 * The day the portal catalogue at `catalogFile` was read: the crawl's `manifest.json` (startedAt) beside it when
 * there is one, else the file's modification time (kb:sync writes the file when it reads the portal).
 */
export function crawlDate(catalogFile: string): string | undefined {
  try {
    const manifest = join(dirname(catalogFile), 'manifest.json');
    if (existsSync(manifest)) {
      const startedAt = (JSON.parse(readFileSync(manifest, 'utf8')) as { startedAt?: unknown }).startedAt;
      const ms = typeof startedAt === 'string' ? Date.parse(startedAt) : Number.NaN;
      if (Number.isFinite(ms)) return portalDate(ms);
    }
    return portalDate(statSync(catalogFile).mtimeMs);
  } catch {
    return undefined;
  }
}

/**
 * Feeds a page-text file (`kb:import --page-texts`: one scraped portal page per JSON line) to an import; the
 * importer reports malformed lines and skips them. Throws when the file cannot be read.
 */
export function addPageTextFile(portal: PortalImport, path: string): void {
  const file = basename(path);
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      portal.addPageTextLine(file, i + 1, line);
    });
}

/**
 * Feeds a former-names file (`kb:import --former-names`: the old portal's CSV of names and codes) to an import;
 * unusable rows are reported and skipped. Throws when the file cannot be read or is not CSV.
 */
export function addFormerNameFile(portal: PortalImport, path: string): void {
  const { rows, malformed } = parseFormerNames(readFileSync(path, 'utf8'));
  portal.addFormerNames(basename(path), rows, malformed);
}

/**
 * Imports a portal mirror in memory, as `npm run kb:import` would, without writing anything; with `pageTexts`
 * and `formerNames`, as `kb:import --page-texts --former-names` would.
 */
export function importPortalMirror(dir: string, checkedAt: string, pageTexts?: string, formerNames?: string) {
  const portal = new PortalImport();
  readFileSync(join(dir, MIRROR_CATALOG_FILE), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim()) portal.addListLine(i + 1, line);
    });
  const details = join(dir, MIRROR_DETAILS_SUBDIR);
  if (existsSync(details)) {
    for (const file of readdirSync(details)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      portal.addDetail(file, readFileSync(join(details, file), 'utf8'));
    }
  }
  if (pageTexts) addPageTextFile(portal, pageTexts);
  if (formerNames) addFormerNameFile(portal, formerNames);
  return portal.finish(checkedAt, crawlDate(join(dir, MIRROR_CATALOG_FILE))).procedures;
}

/**
 * The catalogue to search: the curated knowledge plus whatever `kb` points at (or `catalogDir`).
 * Throws with a readable message when `kb` is none of the known layouts.
 */
export function loadSearchCatalogue(options: {
  knowledgeDir: string;
  kb?: string;
  catalogDir?: string;
  /** A page-text file for a raw mirror's in-memory import (kb:import --page-texts); refused for other layouts. */
  pageTexts?: string;
  /** A former-names file for a raw mirror's in-memory import (kb:import --former-names); the same. */
  formerNames?: string;
}): {
  catalogue: Catalogue;
  knowledgeDir: string;
} {
  const { kb } = options;
  if ((options.pageTexts || options.formerNames) && (!kb || kbKind(kb) !== 'portal-mirror'))
    throw new Error(
      '--page-texts và --former-names chỉ dùng với --kb <bản sao cổng> (catalog.jsonl); một danh mục đã nhập mang sẵn chúng',
    );
  if (!kb) return { catalogue: loadCatalogue(options), knowledgeDir: options.knowledgeDir };
  switch (kbKind(kb)) {
    case 'catalog':
      return {
        catalogue: loadCatalogue({ knowledgeDir: options.knowledgeDir, catalogDir: kb }),
        knowledgeDir: options.knowledgeDir,
      };
    case 'knowledge':
      return { catalogue: loadCatalogue({ knowledgeDir: kb, catalogDir: options.catalogDir }), knowledgeDir: kb };
    case 'portal-mirror': {
      const curated = loadCatalogue({ knowledgeDir: options.knowledgeDir });
      const imported = importPortalMirror(
        kb,
        new Date().toISOString().slice(0, 10),
        options.pageTexts,
        options.formerNames,
      );
      return {
        catalogue: mergeSources(
          curated.procedures.filter((p) => curated.origin.get(p.id) === 'curated'),
          imported,
        ),
        knowledgeDir: options.knowledgeDir,
      };
    }
    default:
      throw new Error(
        `${kb}: không phải thư mục danh mục (procedures.jsonl), thư mục tri thức (procedures/) hay bản sao cổng (catalog.jsonl)`,
      );
  }
}
