// Finds, validates and saves the Zalo personal-account session (cookie, imei, user agent): from the
// environment (ZALO_COOKIE as JSON or a "k=v; k2=v2" cookie string, ZALO_IMEI, ZALO_USER_AGENT) or from a
// JSON file kept outside the repository (ZALO_CREDENTIALS_FILE, default ~/.config/tro-ly-dvc/zalo-credentials.json).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../src/config/config.ts';

const CookieSchema = z.looseObject({ value: z.string() }).refine((cookie) => 'key' in cookie || 'name' in cookie, {
  message: 'cookie without a name',
});

export const ZaloCredentialsSchema = z.object({
  cookie: z.union([z.array(CookieSchema).min(1), z.object({ url: z.string(), cookies: z.array(CookieSchema).min(1) })]),
  imei: z.string().min(1),
  userAgent: z.string().min(1),
  language: z.string().optional(),
});

export type ZaloCredentials = z.infer<typeof ZaloCredentialsSchema>;

export type CredentialsLookup =
  | {
      status: 'found';
      source: 'environment' | 'file';
      file?: string;
      credentials: ZaloCredentials;
      /** Set when the file can be read by other users of the machine (it gives full access to the account). */
      warning?: string;
    }
  | { status: 'missing'; reason: string }
  | { status: 'invalid'; reason: string };

type ZaloSettings = Pick<Config, 'ZALO_CREDENTIALS_FILE' | 'ZALO_COOKIE' | 'ZALO_IMEI' | 'ZALO_USER_AGENT'>;

export function defaultCredentialsFile(env: Record<string, string | undefined> = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'tro-ly-dvc', 'zalo-credentials.json');
}

export function credentialsFile(settings: Pick<Config, 'ZALO_CREDENTIALS_FILE'>): string {
  return settings.ZALO_CREDENTIALS_FILE ? resolve(settings.ZALO_CREDENTIALS_FILE) : defaultCredentialsFile();
}

/** ZALO_COOKIE: a JSON cookie export (array, or {url, cookies}) or a browser "name=value; …" header. */
export function parseCookieSetting(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return JSON.parse(trimmed);
  return trimmed
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.includes('='))
    .map((pair) => {
      const at = pair.indexOf('=');
      // A domain cookie for zalo.me reaches chat.zalo.me, wpa.chat.zalo.me and the other API hosts.
      return { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), domain: 'zalo.me', path: '/' };
    });
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}

/** Where the session comes from: environment first (all three variables), then the credentials file. */
export function findZaloCredentials(settings: ZaloSettings): CredentialsLookup {
  const fromEnv = [settings.ZALO_COOKIE, settings.ZALO_IMEI, settings.ZALO_USER_AGENT];
  if (fromEnv.some((value) => value !== undefined)) {
    const missing = (['ZALO_COOKIE', 'ZALO_IMEI', 'ZALO_USER_AGENT'] as const).filter((key) => !settings[key]);
    if (missing.length > 0) return { status: 'invalid', reason: `${missing.join(', ')} not set` };
    let cookie: unknown;
    try {
      cookie = parseCookieSetting(settings.ZALO_COOKIE as string);
    } catch {
      return { status: 'invalid', reason: 'ZALO_COOKIE is neither valid JSON nor a cookie string' };
    }
    const parsed = ZaloCredentialsSchema.safeParse({
      cookie,
      imei: settings.ZALO_IMEI,
      userAgent: settings.ZALO_USER_AGENT,
    });
    if (!parsed.success) return { status: 'invalid', reason: `ZALO_COOKIE: ${describeIssues(parsed.error)}` };
    return { status: 'found', source: 'environment', credentials: parsed.data };
  }
  const file = credentialsFile(settings);
  if (!existsSync(file)) return { status: 'missing', reason: `no credentials (${file} not found)` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { status: 'invalid', reason: `${file} is not valid JSON` };
  }
  const parsed = ZaloCredentialsSchema.safeParse(json);
  if (!parsed.success) return { status: 'invalid', reason: `${file}: ${describeIssues(parsed.error)}` };
  return { status: 'found', source: 'file', file, credentials: parsed.data, ...exposure(file) };
}

/** A warning when the credentials file is readable or writable by group or others (POSIX modes only). */
export function exposure(file: string): { warning?: string } {
  if (process.platform === 'win32') return {};
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return {};
  return {
    warning:
      `the Zalo credentials file ${file} is readable by other users (mode ${mode.toString(8)}): ` +
      `anyone who reads it controls the Zalo account. Run \`chmod 600 ${file}\``,
  };
}

/** Writes the session atomically, readable by the owner only (0600, folder 0700). */
export async function saveZaloCredentials(file: string, credentials: ZaloCredentials): Promise<void> {
  const valid = ZaloCredentialsSchema.parse(credentials);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
