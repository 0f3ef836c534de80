// Public entry points of the dossier capability for the composition root, the engine and the API.
export { classifyDossierCode, DOSSIER_CODE_EXAMPLE, detectDossierCode, dossierLookupKey } from './code.ts';
export { DEMO_CODES } from './demo-source.ts';
export { createDossierService, DossierLookupService, type DossierServiceOptions } from './service.ts';
export { STATE_LABELS } from './states.ts';
export type { DossierCodeMatch, DossierLookup, DossierService, DossierState, DossierStatus } from './types.ts';
export { type DossierView, dossierView } from './view.ts';
