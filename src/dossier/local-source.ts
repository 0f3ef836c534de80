// The default provider: the operator's imported records (<DATA_DIR>/dossiers.sqlite, or PostgreSQL with DATABASE_URL).
import type { DossierSource } from './source.ts';
import type { DossierRecords } from './store.ts';
import type { DossierStatus } from './types.ts';

export class LocalDossierSource implements DossierSource {
  readonly kind = 'local';

  constructor(private readonly store: DossierRecords) {}

  async find(code: string): Promise<DossierStatus | undefined> {
    return this.store.find(code);
  }

  close(): void {
    Promise.resolve()
      .then(() => this.store.close())
      .catch(() => undefined);
  }
}
