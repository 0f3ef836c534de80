// A thrown value as one line for the log. zca-js and network code throw plain objects with a `message`
// as well as Errors, so this reads both; callers redact secrets (tokens) themselves where they can appear.

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
