// Keeps the Zalo OA access token valid: refreshes it with the refresh token through Zalo's OAuth v4 endpoint
// (POST <oauth root>/v4/oa/access_token, header secret_key, form refresh_token + app_id +
// grant_type=refresh_token → {access_token, refresh_token, expires_in}) shortly before it expires and when
// the OA API says it is invalid (-216). A refresh token works once: the new pair is saved to the state store
// BEFORE it is used, so a restart continues with it. One refresh at a time; secrets never reach the log.
import { z } from 'zod';
import type { Logger } from '../../src/log/logger.ts';
import { errorMessage } from '../shared/error-message.ts';

export const DEFAULT_OAUTH_ROOT = 'https://oauth.zaloapp.com';
export const TOKEN_STATE_NAME = 'zalo_oa.tokens';

/** The shape of the core's StateStore (adapters do not import the stores). */
export interface TokenState {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

const StoredSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Epoch ms; 0 when unknown. */
  expiresAt: z.number(),
  /** The refresh token given in the settings when this pair was obtained (a new setting replaces the pair). */
  seededFrom: z.string().optional(),
});
type Stored = z.infer<typeof StoredSchema>;

const RefreshAnswerSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

const OAuthErrorSchema = z.looseObject({
  error: z.coerce.number().optional(),
  error_name: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

export class OaTokenError extends Error {
  override name = 'OaTokenError';
}

export interface OaTokenOptions {
  appId: string;
  /** The Zalo app's secret key (ZALO_OA_APP_SECRET). */
  appSecret?: string;
  accessToken: string;
  refreshToken?: string;
  oauthRoot?: string;
  state: TokenState;
  logger: Logger;
  /** Refresh this long before the expiry. Default 10 minutes. */
  marginMs?: number;
  now?: () => number;
  timeoutMs?: number;
}

export class OaTokens {
  private current: Stored;
  private refreshing: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly log: Logger;

  private constructor(private readonly options: OaTokenOptions) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 10 * 60_000;
    this.log = options.logger;
    this.current = {
      accessToken: options.accessToken,
      refreshToken: options.refreshToken ?? '',
      expiresAt: 0,
      seededFrom: options.refreshToken,
    };
  }

  /** Loads the pair saved by an earlier run (unless the settings now name another refresh token). */
  static async load(options: OaTokenOptions): Promise<OaTokens> {
    const tokens = new OaTokens(options);
    let saved: Stored | undefined;
    try {
      const raw = await options.state.get(TOKEN_STATE_NAME);
      const parsed = raw ? StoredSchema.safeParse(JSON.parse(raw)) : undefined;
      saved = parsed?.success ? parsed.data : undefined;
    } catch (error) {
      options.logger.warn({ error: errorMessage(error) }, 'saved Zalo OA tokens unreadable; using the settings');
    }
    if (saved && (!options.refreshToken || saved.seededFrom === options.refreshToken)) tokens.current = saved;
    if (tokens.canRefresh && tokens.current.expiresAt === 0) {
      // The expiry of a token from the settings is unknown: renew it now (in the background) to learn it.
      tokens.refresh().catch((error: unknown) => {
        options.logger.warn({ error: errorMessage(error) }, 'Zalo OA token refresh failed');
        tokens.schedule(60_000);
      });
    } else {
      tokens.schedule();
    }
    return tokens;
  }

  /** Whether the access token can be renewed (a refresh token and the app secret are known). */
  get canRefresh(): boolean {
    return this.current.refreshToken !== '' && Boolean(this.options.appSecret);
  }

  /** A valid access token: refreshed first when it expires within the margin. */
  async accessToken(): Promise<string> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    const { expiresAt } = this.current;
    if (this.canRefresh && expiresAt > 0 && this.now() >= expiresAt - this.marginMs) {
      try {
        return await this.refresh();
      } catch (error) {
        this.log.warn({ error: errorMessage(error) }, 'Zalo OA token refresh failed; using the current token');
      }
    }
    return this.current.accessToken;
  }

  /** Renews the access token now (one refresh at a time; concurrent callers share it). */
  refresh(): Promise<string> {
    if (!this.canRefresh) {
      return Promise.reject(
        new OaTokenError('the OA access token cannot be renewed: set ZALO_OA_REFRESH_TOKEN and ZALO_OA_APP_SECRET'),
      );
    }
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** After the OA API rejected `rejected` (-216): a newer token if one came meanwhile, else a renewal. */
  async renewAfterRejection(rejected: string): Promise<string> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    if (this.current.accessToken !== rejected) return this.current.accessToken;
    return this.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async doRefresh(): Promise<string> {
    const root = (this.options.oauthRoot ?? DEFAULT_OAUTH_ROOT).replace(/\/*$/, '');
    let response: Response;
    try {
      response = await fetch(`${root}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.options.appSecret ?? '' },
        body: new URLSearchParams({
          refresh_token: this.current.refreshToken,
          app_id: this.options.appId,
          grant_type: 'refresh_token',
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new OaTokenError(`Zalo OAuth unreachable: ${errorMessage(error)}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const answer = RefreshAnswerSchema.safeParse(body);
    if (!answer.success) {
      const failure = OAuthErrorSchema.safeParse(body);
      const detail = failure.success
        ? [failure.data.error, failure.data.error_name ?? failure.data.error_description ?? failure.data.message]
            .filter((part) => part !== undefined)
            .join(' ')
        : `HTTP ${response.status}`;
      throw new OaTokenError(
        `Zalo OAuth refused the refresh (${detail || `HTTP ${response.status}`}): ` +
          'get a new refresh token for the OA and set ZALO_OA_REFRESH_TOKEN',
      );
    }
    const next: Stored = {
      accessToken: answer.data.access_token,
      refreshToken: answer.data.refresh_token,
      expiresAt: this.now() + answer.data.expires_in * 1000,
      seededFrom: this.current.seededFrom,
    };
    // The old refresh token is spent: keep the new one before anything else can fail.
    try {
      await this.options.state.set(TOKEN_STATE_NAME, JSON.stringify(next));
    } catch (error) {
      this.log.error(
        { error: errorMessage(error) },
        'could not save the new Zalo OA refresh token: after a restart, set ZALO_OA_REFRESH_TOKEN again',
      );
    }
    this.current = next;
    this.log.info({ expiresInSeconds: answer.data.expires_in }, 'Zalo OA access token renewed');
    this.schedule();
    return next.accessToken;
  }

  /** Refreshes ahead of the expiry even when nobody writes (a timer that never keeps the process alive). */
  private schedule(afterFailureMs?: number): void {
    clearTimeout(this.timer);
    if (!this.canRefresh || (this.current.expiresAt === 0 && afterFailureMs === undefined)) return;
    const inMs = afterFailureMs ?? Math.max(1000, this.current.expiresAt - this.marginMs - this.now());
    this.timer = setTimeout(
      () => {
        this.refresh().catch((error: unknown) => {
          this.log.warn({ error: errorMessage(error) }, 'scheduled Zalo OA token refresh failed');
          this.schedule(60_000);
        });
      },
      Math.min(inMs, 2 ** 31 - 1),
    );
    this.timer.unref();
  }
}
