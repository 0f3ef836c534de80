// The one table of menu option ids and their labels. Every screen builds its buttons from here, so a button
// means the same thing on every menu and a typed label resolves to the same action.
import type { MenuOption } from '../types.ts';

export const OPTION_LABELS = {
  steps: 'Các bước',
  docs: 'Giấy tờ',
  fees: 'Lệ phí & thời gian',
  where: 'Nơi nộp',
  related: 'Thủ tục liên quan',
  new: 'Hỏi câu khác',
  up: 'Hữu ích',
  down: 'Chưa đúng',
  card: 'Thông tin chung',
  back: 'Quay lại thủ tục đang xem',
  prev: 'Quay lại',
  next: 'Tiếp',
  more: 'Xem thêm',
  none: 'Không phải các thủ tục trên',
  procedure: 'Xem hướng dẫn thủ tục',
  other: 'Xem bản của tỉnh khác',
  yes: 'Đúng, tra cứu giúp mình',
  no: 'Không phải',
} as const;

export type OptionId = keyof typeof OPTION_LABELS;

/** Buttons for these ids, in this order; `false` entries (a condition that did not hold) are skipped. */
export function options(...ids: (OptionId | false | undefined)[]): MenuOption[] {
  return ids.filter((id): id is OptionId => Boolean(id)).map((id) => ({ id, label: OPTION_LABELS[id] }));
}

/** A numbered procedure choice: option `p<n>` is the n-th candidate. */
export function candidateOption(index: number, label: string): MenuOption {
  return { id: `p${index + 1}`, label };
}

/** The candidate index of a `p<n>` option, or undefined. */
export function candidateIndex(optionId: string): number | undefined {
  const match = /^p(\d+)$/.exec(optionId);
  return match ? Number(match[1]) - 1 : undefined;
}
