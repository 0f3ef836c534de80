// Removes personal data from a question before it is stored for maintainers (feedback, unanswered log):
// dossier-like codes, long digit runs (phone, ID and account numbers), e-mail addresses.
export function scrubPersonalData(text: string): string {
  return text
    .replace(/[\p{L}\d]+(?:[.\-/][\p{L}\d]+){2,}/gu, (m) => (/\d/.test(m) ? '[mã]' : m))
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[email]')
    .replace(/\+?\d(?:[\s.-]?\d){5,}/g, '[số]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}
