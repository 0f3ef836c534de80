// Cleans text arriving over HTTP before it reaches the engine: NFC, no control or invisible formatting
// characters, no broken surrogates, at most `max` characters (counted as code points, never splitting one).

/** C0/C1 controls except newline and tab, bidi overrides/isolates, zero-width space, BOM, U+FFFE/FFFF. */
const UNWANTED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is this module's job.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Removes characters that carry no meaning for the assistant and could confuse logs or renderers. */
export function stripControlCharacters(input: string): string {
  return input.replace(LONE_SURROGATE, '').normalize('NFC').replace(UNWANTED, '').replace(/\t/g, ' ');
}

export interface CleanText {
  text: string;
  /** True when the text was cut to `max` characters. */
  shortened: boolean;
}

/** Strips control characters, trims, and caps the length. */
export function cleanInboundText(input: string, max: number): CleanText {
  const stripped = stripControlCharacters(input).trim();
  const chars = Array.from(stripped);
  if (chars.length <= max) return { text: stripped, shortened: false };
  return { text: chars.slice(0, max).join('').trimEnd(), shortened: true };
}
