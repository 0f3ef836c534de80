// The embedded default provider: the operator's imported records in <DATA_DIR>/dossiers.sqlite.
import type { DossierSource } from './source.ts';
import type { DossierStore } from './store.ts';
import type { DossierStatus } from './types.ts';

export class LocalDossierSource implements DossierSource {
  readonly kind = 'local';

  constructor(private readonly store: DossierStore) {}

  async find(code: string): Promise<DossierStatus | undefined> {
    return this.store.find(code);
  }

  close(): void {
    this.store.close();
  }
}
