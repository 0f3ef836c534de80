// Dossier states: plain-Vietnamese labels and the reading of states written by operators or APIs,
// either as our English ids or as the Vietnamese words agencies use (with or without diacritics).
import { canonicalCase, foldAccents } from '../text/normalize.ts';
import type { DossierState } from './types.ts';

export const DOSSIER_STATES = [
  'received',
  'processing',
  'needs_supplement',
  'result_ready',
  'returned',
  'overdue',
] as const satisfies readonly DossierState[];

export const STATE_LABELS: Record<DossierState, string> = {
  received: 'đã tiếp nhận',
  processing: 'đang xử lý',
  needs_supplement: 'cần bổ sung hồ sơ',
  result_ready: 'đã có kết quả',
  returned: 'đã trả kết quả',
  overdue: 'quá hạn',
};

/** States in which the dossier is still with the agency, so a due date still matters. */
export const OPEN_STATES: ReadonlySet<DossierState> = new Set([
  'received',
  'processing',
  'needs_supplement',
  'overdue',
]);

/** Words for each state, written naturally; they are compared accent-folded and case-insensitively. */
const SYNONYMS: Record<DossierState, string[]> = {
  received: ['received', 'accepted', 'new', 'đã tiếp nhận', 'tiếp nhận', 'mới tiếp nhận', 'đã nhận hồ sơ', 'chờ xử lý'],
  processing: [
    'processing',
    'in progress',
    'in_progress',
    'đang xử lý',
    'đang giải quyết',
    'đang thụ lý',
    'đang thẩm định',
    'xử lý',
  ],
  needs_supplement: [
    'needs supplement',
    'supplement required',
    'pending supplement',
    'supplement',
    'cần bổ sung hồ sơ',
    'cần bổ sung',
    'yêu cầu bổ sung',
    'bổ sung hồ sơ',
    'chờ bổ sung',
    'bổ sung',
  ],
  result_ready: [
    'result ready',
    'ready',
    'đã có kết quả',
    'có kết quả',
    'chờ trả kết quả',
    'đã giải quyết xong',
    'đã xử lý xong',
  ],
  returned: [
    'returned',
    'completed',
    'delivered',
    'đã trả kết quả',
    'trả kết quả',
    'đã trả',
    'hoàn thành',
    'đã hoàn thành',
  ],
  overdue: ['overdue', 'late', 'quá hạn', 'đã quá hạn', 'trễ hạn', 'quá hạn xử lý'],
};

function key(value: string): string {
  return foldAccents(canonicalCase(value))
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const BY_KEY = new Map<string, DossierState>();
for (const state of DOSSIER_STATES) {
  BY_KEY.set(key(state), state);
  for (const word of SYNONYMS[state]) BY_KEY.set(key(word), state);
}

/** Reads a state written as an English id or in Vietnamese; undefined when it is not recognised. */
export function parseState(input: string): DossierState | undefined {
  return BY_KEY.get(key(input));
}
