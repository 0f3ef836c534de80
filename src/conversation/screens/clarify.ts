// The clarify screen: a short numbered choice between procedures (several match equally, a generic word, the
// related procedures), with long names shortened at a word boundary.
import type { Procedure } from '../../knowledge/schema.ts';
import { shortenAtWord } from '../../text/shorten.ts';
import { text } from '../types.ts';
import { candidateOption, type OptionId, options } from './options.ts';
import type { Screen } from './screen.ts';

const LABEL_CHARS = 90;

/** Shortens at a word boundary, with "…" only when something was cut (the one shortener: src/text/shorten.ts). */
export function shortLabel(value: string, max = LABEL_CHARS): string {
  return shortenAtWord(value, max);
}

export function clarifyScreen(procedures: Procedure[], prompt: string, extra: OptionId[] = ['none']): Screen {
  return {
    paragraphs: [[text(prompt)]],
    menu: {
      kind: 'k',
      prompt: 'Chọn một thủ tục:',
      options: [...procedures.map((p, i) => candidateOption(i, shortLabel(p.name))), ...options(...extra)],
    },
  };
}

export const CLARIFY_PROMPT = 'Mình thấy vài thủ tục gần giống nhau. Bạn cần thủ tục nào?';
export const RELATED_PROMPT = 'Có thể bạn cũng cần các thủ tục sau:';

/** "đăng ký" alone: which registration? */
export function genericPrompt(message: string): string {
  return `"${message.trim()}" có nhiều thủ tục khác nhau. Bạn chọn một thủ tục dưới đây, hoặc gõ rõ hơn việc bạn cần (ví dụ "đăng ký khai sinh cho con").`;
}
