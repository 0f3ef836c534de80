// Tests that need a system tool (PostgreSQL, Chromium): when it is missing they are skipped locally with
// the install command, and FAIL in CI (CI=true), so a broken install step can never pass as "skipped".
import { it } from 'vitest';

/**
 * Returns true when the tool is there. Otherwise registers one test that is skipped (locally) or fails
 * (CI=true) with `hint`, and returns false so the caller registers nothing else.
 */
export function requireTool(available: boolean, title: string, hint: string): boolean {
  if (available) return true;
  if (process.env.CI === 'true') {
    it(`${title} — MISSING in CI`, () => {
      throw new Error(hint);
    });
  } else {
    it.skip(`${title} — SKIPPED: ${hint}`, () => {});
  }
  return false;
}
