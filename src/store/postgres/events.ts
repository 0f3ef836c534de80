// Messages between the instances on one database (LISTEN/NOTIFY): "the knowledge was reindexed" reaches every
// instance so all serve the same version. The listening connection reconnects by itself after an outage, and
// then reads the last announced version (kept in the state table), so an announcement missed meanwhile counts.
import type { Logger } from '../../log/logger.ts';
import type { StoreEvents } from '../types.ts';
import { type Client, createClient, endQuietly, type Pool } from './pool.ts';

const CHANNEL = 'tro_ly_reindex';
const LAST_VERSION = 'knowledge.announced_version';
const RECONNECT_MS = 2_000;

export class PgEvents implements StoreEvents {
  private client: Client | undefined;
  private readonly handlers: ((version: string) => void)[] = [];
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private connectedBefore = false;

  constructor(
    private readonly url: string,
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (in the background; failures are retried). */
  start(): void {
    void this.connect();
  }

  onReindex(handler: (version: string) => void): void {
    this.handlers.push(handler);
  }

  async publishReindex(version: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO state (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [LAST_VERSION, version, Date.now()],
    );
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, version]);
  }

  private announce(version: string): void {
    for (const handler of this.handlers) handler(version);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await endQuietly(this.client);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = createClient(this.url, this.logger, 'listen');
    this.client = client;
    const retry = () => {
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      void endQuietly(client);
      this.timer = setTimeout(() => void this.connect(), RECONNECT_MS);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      this.announce(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Back after an outage: a reindex announced meanwhile was missed; the last announced version tells.
      if (this.connectedBefore) {
        const { rows } = await client.query<{ value: string }>('SELECT value FROM state WHERE name = $1', [
          LAST_VERSION,
        ]);
        if (rows[0]) this.announce(rows[0].value);
      }
      this.connectedBefore = true;
    } catch {
      retry();
    }
  }
}
