// The provider interface every dossier source implements (local SQLite records, an operator's HTTP API,
// the demo set): find a status by canonical code, or say the source cannot answer right now.
import type { DossierStatus } from './types.ts';

export type DossierProviderKind = 'local' | 'http' | 'demo';

export interface DossierSource {
  readonly kind: DossierProviderKind;
  /** The status for a canonical code, undefined when the source has no such dossier. */
  find(code: string): Promise<DossierStatus | undefined>;
  close(): void;
}

/** The source is down, timed out or answered nonsense: the citizen is told so, never given a guess. */
export class SourceUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`dossier source unavailable: ${reason}`);
    this.name = 'SourceUnavailableError';
  }
}
