// Reads the dates of a time-bound fee from the portal's own wording ("Từ ngày 01/7/2025 đến hết ngày
// 31/12/2026 áp dụng…", "… (kể từ 01/01/2024 đến hết ngày 31/12/2025)"), so the importer can record them as
// validFrom/validUntil. Only a window that qualifies the whole fee is read: one that opens the note or closes
// it in brackets. A date in the middle of a sentence ("nộp trực tuyến từ … áp dụng mức 115.000") is left alone,
// because it may describe another amount than the fee it is attached to.

const DATE = String.raw`(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})`;
const WINDOW = String.raw`(?:kể\s+)?từ\s+(?:ngày\s+)?${DATE}(?:\s*(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?${DATE})?`;
const OPENING = new RegExp(String.raw`^\s*${WINDOW}`, 'iu');
const CLOSING = new RegExp(String.raw`\(\s*${WINDOW}\s*\)\s*\.?\s*$`, 'iu');

function iso(d: string | undefined, m: string | undefined, y: string | undefined): string | undefined {
  if (!d || !m || !y) return undefined;
  const day = Number(d);
  const month = Number(m);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The dates a fee applies between, when its note says so; empty when it does not. */
export function feeWindowFromNote(note: string | undefined): { validFrom?: string; validUntil?: string } {
  if (!note) return {};
  const match = OPENING.exec(note) ?? CLOSING.exec(note);
  if (!match) return {};
  const validFrom = iso(match[1], match[2], match[3]);
  const validUntil = iso(match[4], match[5], match[6]);
  if (!validFrom || (validUntil && validUntil < validFrom)) return {};
  return validUntil ? { validFrom, validUntil } : { validFrom };
}
