// Shortens a label for a menu or a heading at a word boundary, never in the middle of a word.
// One helper for every screen (menus, card titles, step titles).

/**
 * `value` when it fits in `max` characters; otherwise the longest run of whole words that fits with "…",
 * without a dangling comma or dash. A single word longer than `max` is the only case cut inside a word.
 */
export function shortenAtWord(value: string, max: number): string {
  const clean = value.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const room = clean.slice(0, Math.max(1, max - 1));
  const lastSpace = room.lastIndexOf(' ');
  const cut = lastSpace > max / 3 ? room.slice(0, lastSpace) : room;
  return `${cut.replace(/[\s,;:.\-–—(/]+$/u, '')}…`;
}
