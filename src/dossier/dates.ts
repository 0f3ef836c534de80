// Calendar dates for dossier records: parsing operator and API dates, Vietnam's "today", day counts, DD/MM/YYYY.
// Dates are kept as ISO strings (YYYY-MM-DD) and compared as calendar days in Vietnam (UTC+7, no DST).

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const ISO_DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_DATE_TIME_LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;

/** True when year/month/day name a real calendar day (leap years included). */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, month: number, day: number): string | undefined {
  if (!isRealDate(year, month, day)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Reads `YYYY-MM-DD` or `DD/MM/YYYY` (also with `.` or `-`, and with a time of day, as APIs send them).
 * A timestamp with a zone is converted to Vietnam's calendar day. Returns undefined for anything else.
 */
export function parseDate(input: string): string | undefined {
  const value = input.trim();
  if (ISO_DATE_TIME_WITH_ZONE.test(value)) {
    const instant = new Date(value);
    return Number.isNaN(instant.getTime()) ? undefined : vietnamDate(instant);
  }
  const isoMatch = ISO_DATE.exec(value) ?? ISO_DATE_TIME_LOCAL.exec(value);
  if (isoMatch) return iso(Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3]));
  const dmy = DAY_MONTH_YEAR.exec(value);
  if (dmy) return iso(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  return undefined;
}

/** The calendar day in Vietnam at an instant, as YYYY-MM-DD. */
export function vietnamDate(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from one ISO date to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The ISO date `days` days after (or before, when negative) an ISO date. */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM-DD → DD/MM/YYYY, the way dates are written in Vietnam. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}
