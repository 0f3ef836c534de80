// The 34 provinces and cities since 1 July 2025 (knowledge/provinces.json) and a finder that recognises a province
// mention in a citizen's message, by its current name, a pre-merger province name ("Bình Dương"), a former district
// ("quận 1") or a common alias ("Sài Gòn"), typed with or without diacritics. Matches whole syllables only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../paths.ts';
import { foldAccents, tokenize } from '../text/normalize.ts';
import { displayPath, readCheckedJson } from './json-files.ts';
import { KnowledgeError } from './loader.ts';
import { Uuid } from './schema.ts';

export const PROVINCES_FILE = 'provinces.json';

const Name = z.string().trim().min(1);

export const ProvinceSchema = z.strictObject({
  /** GSO code, two digits (01 = Hà Nội, 79 = Thành phố Hồ Chí Minh). */
  code: z.string().regex(/^\d{2}$/, 'mã tỉnh (GSO) phải có 2 chữ số'),
  /** Official name with its prefix, e.g. "Thành phố Hà Nội", "Tỉnh Cao Bằng". */
  name: Name,
  /** Name without the prefix, as people say it: "Hà Nội". */
  shortName: Name,
  type: z.enum(['tỉnh', 'thành phố']),
  /** The portal's id for this province. */
  portalId: Uuid.optional(),
  /** Provinces that ceased to exist and are now part of this one (and earlier official names). */
  formerNames: z.array(Name).default([]),
  /** Former districts, towns and well-known places that now belong to this province. */
  formerDistricts: z.array(Name).default([]),
  /** Other common ways to name it ("Sài Gòn", "TPHCM"). */
  aliases: z.array(Name).default([]),
});
export type Province = z.infer<typeof ProvinceSchema>;

export const ProvincesFileSchema = z
  .strictObject({
    effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'phải là ngày dạng YYYY-MM-DD'),
    note: z.string().optional(),
    provinces: z.array(ProvinceSchema).min(1),
  })
  .superRefine((file, ctx) => {
    // Codes and names are unique, and no spelling (accent-folded) may point to two provinces.
    const seen = new Map<string, number>();
    file.provinces.forEach((p, index) => {
      const keys = [
        `code ${p.code}`,
        ...[p.shortName, ...p.formerNames, ...p.formerDistricts, ...p.aliases].map(
          (n) => `name ${tokenize(n).map(foldAccents).join(' ')}`,
        ),
      ];
      for (const key of new Set(keys)) {
        const other = seen.get(key);
        if (other !== undefined && other !== index) {
          ctx.addIssue({
            code: 'custom',
            path: ['provinces', index],
            message: `${key} đã thuộc về ${file.provinces[other]?.name}`,
          });
        }
        seen.set(key, index);
      }
    });
  });

export type MatchKind = 'name' | 'alias' | 'formerName' | 'formerDistrict';

export interface ProvinceMatch {
  province: Province;
  /** The name that was recognised, as written in the data ("Bình Dương", "Quận 1", "Hà Nội"). */
  matched: string;
  /** Set when the message used a pre-merger province name. */
  formerName?: string;
  kind: MatchKind;
  /** True when every syllable matched with its diacritics, false when only the accent-folded form matched. */
  exact: boolean;
}

export interface ProvinceCatalogue {
  provinces: Province[];
  byCode: Map<string, Province>;
  /** The first province mentioned in the text, or undefined. */
  find(text: string): ProvinceMatch | undefined;
  /** Every province mention, in reading order, without overlaps. */
  findAll(text: string): ProvinceMatch[];
}

/**
 * Names whose unaccented spelling is also an everyday phrase ("tham gia lai", "thue hai phong" = thuê hai phòng).
 * Typed without diacritics they count only right after a place word such as "ở", "tại", "tỉnh", "quê",
 * or when the whole message is the name (the answer to "bạn ở tỉnh nào?").
 */
const EVERYDAY_WHEN_UNACCENTED = new Set([
  'gia lai',
  'hoa binh',
  'thai binh',
  'cao bang',
  'son la',
  'lao cai',
  'hai phong',
  'hai duong',
]);
const PLACE_WORDS = new Set(['o', 'tai', 'tinh', 'tp', 'pho', 'que', 've', 'den', 'thuoc']);

interface Pattern {
  province: Province;
  /** The data string this pattern stands for. */
  name: string;
  kind: MatchKind;
  tokens: string[];
  folded: string[];
  /** One accented syllable ("Huế"): too short to trust without its diacritics ("hue" is also a given name). */
  needsExact: boolean;
  needsPlaceWord: boolean;
}

function makePattern(province: Province, name: string, kind: MatchKind, spelled = name): Pattern {
  const tokens = tokenize(spelled);
  const folded = tokens.map(foldAccents);
  return {
    province,
    name,
    kind,
    tokens,
    folded,
    needsExact: tokens.length === 1 && tokens[0] !== folded[0],
    needsPlaceWord: EVERYDAY_WHEN_UNACCENTED.has(folded.join(' ')),
  };
}

function patternsOf(p: Province): Pattern[] {
  return [
    makePattern(p, p.shortName, 'name'),
    makePattern(p, p.shortName, 'name', p.name),
    ...(p.type === 'thành phố' ? [makePattern(p, p.shortName, 'name', `TP ${p.shortName}`)] : []),
    ...p.aliases.map((a) => makePattern(p, a, 'alias')),
    ...p.formerNames.flatMap((f) => [makePattern(p, f, 'formerName'), makePattern(p, f, 'formerName', `tỉnh ${f}`)]),
    ...p.formerDistricts.map((d) => makePattern(p, d, 'formerDistrict')),
  ];
}

interface Hit {
  pattern: Pattern;
  length: number;
  exact: boolean;
}

/** Whole syllables only: an accented syllable must agree exactly; one typed without diacritics may match its folded form. */
function matchAt(pattern: Pattern, tokens: string[], folded: string[], start: number): Hit | undefined {
  const n = pattern.tokens.length;
  if (n === 0 || start + n > tokens.length) return undefined;
  let exact = true;
  for (let k = 0; k < n; k++) {
    const typed = tokens[start + k];
    if (typed === pattern.tokens[k]) continue;
    const typedUnaccented = typed === folded[start + k];
    if (!typedUnaccented || folded[start + k] !== pattern.folded[k]) return undefined;
    exact = false;
  }
  if (!exact && pattern.needsExact) return undefined;
  if (pattern.needsPlaceWord && isUnaccented(tokens, folded, start, n)) {
    const wholeMessage = start === 0 && n === tokens.length;
    if (!wholeMessage && !PLACE_WORDS.has(folded[start - 1] ?? '')) return undefined;
  }
  return { pattern, length: n, exact };
}

function isUnaccented(tokens: string[], folded: string[], start: number, n: number): boolean {
  for (let k = start; k < start + n; k++) if (tokens[k] !== folded[k]) return false;
  return true;
}

function toMatch({ pattern, exact }: Hit): ProvinceMatch {
  return {
    province: pattern.province,
    matched: pattern.name,
    ...(pattern.kind === 'formerName' ? { formerName: pattern.name } : {}),
    kind: pattern.kind,
    exact,
  };
}

/** Builds the finder over a validated list of provinces. */
export function createProvinceCatalogue(provinces: Province[]): ProvinceCatalogue {
  const byFirstSyllable = new Map<string, Pattern[]>();
  for (const pattern of provinces.flatMap(patternsOf)) {
    const first = pattern.folded[0];
    if (first === undefined) continue;
    byFirstSyllable.set(first, [...(byFirstSyllable.get(first) ?? []), pattern]);
  }

  const findAll = (text: string): ProvinceMatch[] => {
    const tokens = tokenize(text);
    const folded = tokens.map(foldAccents);
    const hits: Hit[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let best: Hit | undefined;
      for (const pattern of byFirstSyllable.get(folded[i] ?? '') ?? []) {
        const hit = matchAt(pattern, tokens, folded, i);
        // Longest match wins ("Thừa Thiên Huế" over "Huế"); at equal length an exact match beats a folded one.
        if (hit && (!best || hit.length > best.length || (hit.length === best.length && hit.exact && !best.exact))) {
          best = hit;
        }
      }
      if (best) {
        hits.push(best);
        i += best.length - 1;
      }
    }
    return hits.map(toMatch);
  };

  return {
    provinces,
    byCode: new Map(provinces.map((p) => [p.code, p])),
    find: (text) => findAll(text)[0],
    findAll,
  };
}

/** Reads and validates `<knowledgeDir>/provinces.json`; throws KnowledgeError listing every problem. */
export function loadProvinces(knowledgeDir: string): ProvinceCatalogue {
  const path = join(knowledgeDir, PROVINCES_FILE);
  if (!existsSync(path)) {
    throw new KnowledgeError([
      { file: displayPath(path), location: '', field: '', reason: 'không tìm thấy tệp danh sách tỉnh, thành phố' },
    ]);
  }
  const read = readCheckedJson(path, ProvincesFileSchema);
  if (!read.ok) throw new KnowledgeError(read.problems);
  return createProvinceCatalogue(read.value.provinces);
}

/** The built-in knowledge folder of this project (used when no catalogue is passed). */
export const DEFAULT_KNOWLEDGE_DIR = projectPath('knowledge');

let builtIn: ProvinceCatalogue | undefined;

/**
 * The province a citizen's message mentions: "tôi ở Bình Dương" → Thành phố Hồ Chí Minh (formerName "Bình Dương"),
 * "ha tay" → Thành phố Hà Nội. Uses the built-in list unless a catalogue is given.
 */
export function findProvince(text: string, catalogue?: ProvinceCatalogue): ProvinceMatch | undefined {
  if (!catalogue) builtIn ??= loadProvinces(DEFAULT_KNOWLEDGE_DIR);
  return (catalogue ?? (builtIn as ProvinceCatalogue)).find(text);
}
