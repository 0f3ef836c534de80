// Splits rendered replies into messages under a platform's length limit: whole paragraphs are packed
// together when they fit, an over-long paragraph is cut between spans or at a space, never inside a
// span's markup or a surrogate pair. Shared by the Telegram (HTML) and Zalo (plain text) renderers.
import type { Span } from '../../src/conversation/types.ts';

/** Renders one span to the platform's text; its length is what counts against the limit. */
export type SpanRenderer = (span: Span) => string;

/** Cuts a paragraph's spans into pieces whose rendered length is at most `limit`. */
export function splitSpans(spans: Span[], limit: number, render: SpanRenderer): Span[][] {
  const pieces: Span[][] = [];
  let current: Span[] = [];
  let used = 0;
  const flush = () => {
    if (current.length > 0) pieces.push(current);
    current = [];
    used = 0;
  };
  const queue = [...spans];
  while (queue.length > 0) {
    const span = queue.shift() as Span;
    const size = render(span).length;
    if (used + size <= limit) {
      current.push(span);
      used += size;
      continue;
    }
    const cut = longestFittingPrefix(span, limit - used, render);
    if (cut === 0) {
      if (current.length === 0) {
        // Not even one character fits in an empty message (absurd markup overhead): keep the text without markup.
        if (span.kind === 'text') throw new Error(`splitSpans: limit ${limit} is too small`);
        queue.unshift({ kind: 'text', text: span.text });
        continue;
      }
      flush();
      queue.unshift(span);
      continue;
    }
    const chars = Array.from(span.text);
    const head = chars.slice(0, cut).join('').trimEnd();
    const tail = chars.slice(cut).join('').trimStart();
    if (head.length > 0) current.push({ ...span, text: head });
    flush();
    if (tail.length > 0) queue.unshift({ ...span, text: tail });
  }
  flush();
  return pieces;
}

/** How many code points of the span fit in `budget` rendered characters, preferring a cut at a space. */
function longestFittingPrefix(span: Span, budget: number, render: SpanRenderer): number {
  if (budget <= 0) return 0;
  const chars = Array.from(span.text);
  const fits = (n: number) => render({ ...span, text: chars.slice(0, n).join('') }).length <= budget;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  if (low === 0 || low === chars.length) return low;
  // Prefer to cut just after the last whitespace, unless that would waste more than half the room.
  for (let i = low; i > low / 2; i--) {
    if (/\s/.test(chars[i - 1] ?? '')) return i;
  }
  return low;
}

/**
 * Groups blocks (rendered paragraphs, given by their lengths) into as few messages as possible, each at
 * most `limit` long once joined with a separator of `separatorLength`. Returns block indices per message.
 */
export function packBlocks(lengths: number[], limit: number, separatorLength: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = 0;
  lengths.forEach((length, index) => {
    if (current.length > 0 && used + separatorLength + length <= limit) {
      current.push(index);
      used += separatorLength + length;
      return;
    }
    if (current.length > 0) groups.push(current);
    current = [index];
    used = length;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}
