// The procedure record: one administrative procedure as the assistant knows it, validated with zod.
// Keyed by the portal UUID (the public code is not unique). Used for curated and imported entries alike.
import { z } from 'zod';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Public procedure code (mã thủ tục), e.g. `1.001193`; the portal also has a few like `1.0133611`, `1.014955-Xoa`. */
export const PROCEDURE_CODE_PATTERN = /^\d{1,2}\.\d{6,9}(?:-[A-Za-z0-9]+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const Uuid = z
  .string()
  .regex(UUID_PATTERN, 'phải là UUID của cổng (ví dụ 019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7)');
export const IsoDate = z.string().regex(ISO_DATE, 'phải là ngày dạng YYYY-MM-DD');
const Text = z.string().trim().min(1);

/** Where a procedure is carried out after the 1 July 2025 reform (no district level any more). */
export const LEVELS = ['trung_uong', 'tinh', 'xa'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

export const SUBMISSION_METHODS = ['online', 'postal', 'direct'] as const;
export const SubmissionMethodKind = z.enum(SUBMISSION_METHODS);
export type SubmissionMethodKind = z.infer<typeof SubmissionMethodKind>;

export const TIME_UNITS = ['working_day', 'day', 'hour', 'month', 'other'] as const;

export const Fee = z.strictObject({
  /** `fee` = lệ phí/phí, `price` = giá dịch vụ (PRICE_LEVEL on the portal). */
  kind: z.enum(['fee', 'price']).default('fee'),
  /** Amount in VND; 0 = free; absent = the portal gives no number (see note). */
  amountVnd: z.number().int().nonnegative().optional(),
  /** Exemptions, conditions, or the portal's wording when there is no single amount. */
  note: z.string().trim().optional(),
  /**
   * A time-bound rate (a temporary reduction or exemption, or a new rate from a date): first and last day it
   * applies, Vietnam dates. A fee without these dates is the normal rate. Only from the record's own text.
   */
  validFrom: IsoDate.optional(),
  validUntil: IsoDate.optional(),
});
export type Fee = z.infer<typeof Fee>;

export const SubmissionMethod = z.strictObject({
  method: SubmissionMethodKind,
  processingTime: z.strictObject({ value: z.number().nonnegative(), unit: z.enum(TIME_UNITS) }).optional(),
  /** Free text from the portal or the curator, e.g. which case this time applies to. */
  note: z.string().trim().optional(),
  fees: z.array(Fee).default([]),
});
export type SubmissionMethod = z.infer<typeof SubmissionMethod>;

export const Document = z.strictObject({
  name: Text,
  originals: z.number().int().nonnegative().optional(),
  copies: z.number().int().nonnegative().optional(),
  note: z.string().trim().optional(),
  /** The case (trường hợp) this document belongs to, when the portal groups documents by case. */
  case: z.string().trim().optional(),
  /** Official form number, e.g. `Mẫu CC01`, `Tờ khai TK1-TS`. */
  form: z.string().trim().optional(),
});
export type Document = z.infer<typeof Document>;

export const Step = z.strictObject({
  title: z.string().trim().optional(),
  description: Text,
});
export type Step = z.infer<typeof Step>;

export const LegalBasis = z.strictObject({
  code: z.string().trim().optional(),
  name: Text,
});

export const Source = z.strictObject({
  url: z.url(),
  /** Date of the portal record (its `updatedAt`), when known. */
  updatedAt: IsoDate.optional(),
  /** Date the portal's catalogue was read (the crawl), for imported records; used when there is no updatedAt. */
  crawledAt: IsoDate.optional(),
  /** Date a person (curated entries) or the importer last checked the entry against the portal. */
  checkedAt: IsoDate,
  /**
   * Who set checkedAt: `person` = a curator compared the facts with the portal that day (the default for
   * curated entries); `importer` = kb:import copied the record that day, nobody checked it.
   */
  checkedBy: z.enum(['person', 'importer']).optional(),
  /** Where corrected facts come from, e.g. "Thời hạn 7 ngày: chi tiết thủ tục trên Cổng, cập nhật 17/07/2026". */
  note: z.string().trim().optional(),
  /** Where `indexExtras` came from: the page-text file kb:import read (its name) and the portal page scraped. */
  indexTextFrom: z.strictObject({ file: Text, url: z.url().optional() }).optional(),
  /** Where `indexExtras.formerNames` came from: the former-names file kb:import read (its name). */
  formerNamesFrom: Text.optional(),
});

/**
 * Search-only text of an imported record, from a scrape of the portal's page (kb:import --page-texts): cleaned
 * result names, legal-basis titles, conditions, steps and documents, filled only where the record itself has
 * none; and its former names (kb:import --former-names). It is indexed for search and never shown to citizens as facts: cards show only the fields above.
 */
export const IndexExtras = z.strictObject({
  results: z.array(Text).default([]),
  legalBasis: z.array(Text).default([]),
  conditions: z.string().trim().optional(),
  steps: z.array(Text).default([]),
  documents: z.array(Text).default([]),
  /** Names the procedure had on the old portal, where they say more than today's (kb:import --former-names). */
  formerNames: z.array(Text).optional(),
});
export type IndexExtras = z.infer<typeof IndexExtras>;

export const Links = z.strictObject({
  /** https://dichvucong.gov.vn/thu-tuc-hanh-chinh/<UUID> */
  procedure: z.url(),
  /** https://dichvucong.gov.vn/nop-ho-so?formalityId=<UUID>, only when the procedure is offered online. */
  submitOnline: z.url().optional(),
});

export const ProcedureSchema = z.strictObject({
  id: Uuid,
  code: z.string().trim().regex(PROCEDURE_CODE_PATTERN, 'mã thủ tục phải có dạng 1.001193'),
  name: Text,
  /** Words citizens use for this procedure ("làm giấy khai sinh", "đăng ký khai sinh cho con"). */
  aliases: z.array(Text).default([]),
  /** One or two plain sentences for the answer card, written by the curator. */
  summary: z.string().trim().optional(),
  /** Lĩnh vực. */
  fields: z.array(Text).default([]),
  implementingAgencies: z.array(Text).default([]),
  promulgatingAgency: z.string().trim().optional(),
  levels: z.array(Level).default([]),
  targetGroups: z.array(Text).default([]),
  /** national = STANDARD on the portal, provincial = a province's own (SPECIFIC), internal = STANDARD_INTERNAL. */
  type: z.enum(['national', 'provincial', 'internal']),
  steps: z.array(Step).default([]),
  documents: z.array(Document).default([]),
  submissionMethods: z.array(SubmissionMethod).default([]),
  results: z.array(Text).default([]),
  conditions: z.string().trim().optional(),
  legalBasis: z.array(LegalBasis).default([]),
  links: Links,
  /** UUIDs of procedures a citizen may also need. */
  related: z.array(Uuid).default([]),
  source: Source,
  /** Index-only text (see IndexExtras); imported records only, never shown. */
  indexExtras: IndexExtras.optional(),
});
export type Procedure = z.infer<typeof ProcedureSchema>;
export type ProcedureInput = z.input<typeof ProcedureSchema>;

/** A procedure as served outside the search index (API answers): without its index-only search text. */
export function shownProcedure(p: Procedure): Omit<Procedure, 'indexExtras'> {
  const { indexExtras: _searchOnly, ...shown } = p;
  return shown;
}

const PORTAL = 'https://dichvucong.gov.vn';

/** The portal's page for a procedure and, when offered online, its submission page. */
export function portalLinks(id: string, offeredOnline: boolean): z.infer<typeof Links> {
  return {
    procedure: `${PORTAL}/thu-tuc-hanh-chinh/${id}`,
    ...(offeredOnline ? { submitOnline: `${PORTAL}/nop-ho-so?formalityId=${id}` } : {}),
  };
}

/** Portal home page: its search box is where a citizen goes when we cannot answer. */
export const PORTAL_HOME_URL = PORTAL;
export const PORTAL_DOSSIER_LOOKUP_URL = `${PORTAL}/tra-cuu-ho-so`;
export const PORTAL_HOTLINE = '18001096';
