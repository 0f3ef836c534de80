// The portal's own catalogue formats (dichvucong.gov.vn, 2025 rebuild), validated leniently with zod:
// one record of the list API (a catalog.jsonl line) and the detail API envelope `{code, data, message}`.
// Unknown keys pass through; nullable or missing arrays and texts are accepted and read as empty.
import { z } from 'zod';

/** A mirror of the portal (the shared crawl, kb:sync's output) holds the list records in this file, one a line… */
export const MIRROR_CATALOG_FILE = 'catalog.jsonl';
/** …and the detail envelopes in this folder beside it (`<UUID>.json` from kb:sync, `<code>.json` from the crawl). */
export const MIRROR_DETAILS_SUBDIR = 'details';

const OptionalText = z.string().nullish();
const TextList = z.array(z.string()).nullish();

export const PORTAL_TYPES = ['STANDARD', 'SPECIFIC', 'STANDARD_INTERNAL'] as const;
export const PortalType = z.enum(PORTAL_TYPES);
export type PortalType = z.infer<typeof PortalType>;

/** One line of the list API (`list-all-public-formality-by-citizen`). */
export const PortalListRecord = z.looseObject({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  codeNotation: OptionalText,
  /** Lĩnh vực. */
  categories: TextList,
  categoryIds: TextList,
  /** Cơ quan thực hiện; the portal leaves empty strings in it. */
  departments: TextList,
  /** Cơ quan công bố. */
  departmentPromulgate: OptionalText,
  departmentPromulgateId: OptionalText,
  /** Đối tượng thực hiện. */
  formalityTargetType: TextList,
  state: OptionalText,
  type: PortalType,
});
export type PortalListRecord = z.infer<typeof PortalListRecord>;

const Named = z.looseObject({ name: OptionalText });

export const PortalStep = z.looseObject({ name: OptionalText, description: OptionalText });

export const PORTAL_FEE_TYPES = ['FEE', 'SERVICE_FEE', 'PRICE_LEVEL'] as const;
export const PortalFee = z.looseObject({
  type: z.enum(PORTAL_FEE_TYPES),
  /** VND; `null` when the amount is only described in words. */
  value: z.number().nullish(),
  description: OptionalText,
});

export const PORTAL_SUBMISSION_METHODS = ['ONLINE', 'POSTAL', 'DIRECT'] as const;
export const PORTAL_TIME_UNITS = ['WORKING_DAY', 'DAY', 'HOUR', 'MONTH', 'OTHER'] as const;
export const PortalExecutionMethod = z.looseObject({
  submissionMethod: z.enum(PORTAL_SUBMISSION_METHODS),
  /** Usually a number (7.5 occurs); sometimes a sentence ("Không quá 15 ngày…", "Theo mô tả"). */
  processingTime: z.union([z.number(), z.string()]).nullish(),
  processingTimeUnit: z.enum(PORTAL_TIME_UNITS).nullish(),
  description: OptionalText,
  fees: z.array(PortalFee).nullish(),
});
export type PortalExecutionMethod = z.infer<typeof PortalExecutionMethod>;

export const PortalProfileComponent = z.looseObject({
  name: OptionalText,
  originalQty: z.number().nullish(),
  copyQty: z.number().nullish(),
  code: OptionalText,
});

export const PortalExecutionCase = z.looseObject({
  name: OptionalText,
  profileComponents: z.array(PortalProfileComponent).nullish(),
});

export const PortalLegalBasis = z.looseObject({ code: OptionalText, name: OptionalText });

/** `data` of the detail API (`get-formality-by-citizen`); ~72 keys, only those we read are declared. */
export const PortalDetail = z.looseObject({
  id: OptionalText,
  code: OptionalText,
  name: OptionalText,
  type: PortalType.nullish(),
  executionSteps: z.array(PortalStep).nullish(),
  executionMethods: z.array(PortalExecutionMethod).nullish(),
  executionCases: z.array(PortalExecutionCase).nullish(),
  legalBasisesDetails: z.array(PortalLegalBasis).nullish(),
  resultsDetails: z.array(Named).nullish(),
  requirementsAndConditions: OptionalText,
  isWard: z.boolean().nullish(),
  isProvince: z.boolean().nullish(),
  isMinistry: z.boolean().nullish(),
  departmentsExecuting: z.array(Named).nullish(),
  unitGroupsExecuting: z.array(Named).nullish(),
  departmentPromulgateName: OptionalText,
  departmentPromulgateCode: OptionalText,
  categoriesDetails: z.array(Named).nullish(),
  subjectTypesDetails: z.array(Named).nullish(),
  /** Epoch milliseconds. */
  updatedAt: z.number().nullish(),
});
export type PortalDetail = z.infer<typeof PortalDetail>;

/** The detail API's answer as stored by the crawler: `{ code: 'OK', data, message }`. */
export const PortalDetailEnvelope = z.looseObject({
  code: OptionalText,
  message: OptionalText,
  data: PortalDetail.nullish(),
});
export type PortalDetailEnvelope = z.infer<typeof PortalDetailEnvelope>;
