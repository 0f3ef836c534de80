// Elects the one instance that runs the polling channels (Telegram long polling, the Zalo personal account,
// Zalo Bot polling): whoever holds a session-level advisory lock on its own dedicated connection. When that
// instance dies its connection closes, the server releases the lock, and another instance takes it within
// one retry interval. An instance that loses its connection stops polling at once.
import type { Logger } from '../../log/logger.ts';
import type { PollerElection, PollerRole } from '../types.ts';
import { type Client, createClient, endQuietly, LOCK_KEYS } from './pool.ts';

export interface PgPollerElectionOptions {
  url: string;
  logger: Logger;
  /** How often a follower tries to take the lead, and the leader checks its connection. Default 5 s. */
  retryMs?: number;
}

export class PgPollerElection implements PollerElection {
  private readonly roles: PollerRole[] = [];
  private client: Client | undefined;
  private leader = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private transition: Promise<void> = Promise.resolve();
  private readonly retryMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: PgPollerElectionOptions) {
    this.retryMs = options.retryMs ?? 5_000;
    this.logger = options.logger.child({ component: 'election' });
  }

  isLeader(): boolean {
    return this.leader;
  }

  run(start: () => Promise<void>, stop: () => Promise<void>): void {
    const role = { start, stop };
    this.roles.push(role);
    if (this.leader) this.queue(() => this.startRole(role));
    if (!this.started) {
      this.started = true;
      void this.tick();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.lose('shutting down');
    await this.transition;
    await endQuietly(this.client);
    this.client = undefined;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.retryMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.client) {
        const client = createClient(this.options.url, this.logger, 'election');
        client.on('error', () => void this.dropConnection(client));
        client.on('end', () => void this.dropConnection(client));
        this.client = client;
        await client.connect();
      }
      if (this.leader) {
        await this.client.query('SELECT 1');
      } else {
        const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          LOCK_KEYS.pollers.toString(),
        ]);
        if (rows[0]?.ok && !this.closed) {
          this.leader = true;
          this.logger.info('this instance now runs the polling channels');
          for (const role of this.roles) this.queue(() => this.startRole(role));
        }
      }
    } catch {
      if (this.client) await this.dropConnection(this.client);
    }
    this.schedule();
  }

  private async dropConnection(client: Client): Promise<void> {
    if (this.client !== client) return;
    this.client = undefined;
    await this.lose('database connection lost');
    await endQuietly(client);
  }

  private async lose(why: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.logger.warn({ why }, 'this instance stops the polling channels');
    for (const role of this.roles) this.queue(() => role.stop());
  }

  private async startRole(role: PollerRole): Promise<void> {
    if (!this.leader || this.closed) return;
    await role.start();
  }

  /** Starts and stops happen one after another, in order. */
  private queue(step: () => Promise<void>): void {
    this.transition = this.transition.then(step).catch((error: unknown) => {
      this.logger.error({ err: (error as Error)?.message }, 'polling channel start/stop failed');
    });
  }
}
