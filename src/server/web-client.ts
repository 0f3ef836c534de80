// Who a web request comes from, for limits: web users have no account, so the client is its IP address
// (the socket's, or the one a trusted proxy forwarded). The chat route puts it in InboundEvent.userId and the
// dossier API charges lookups to the same client, so both share one budget.
import { dossierClient } from '../dossier/types.ts';

/** The web user behind a request: `web-ip:<address>`. */
export function webUserId(ip: string): string {
  return `web-ip:${ip}`;
}

/** The dossier-lookup client of a web request: the same one the web chat's events are charged to. */
export function webDossierClient(ip: string): string | undefined {
  return dossierClient('web', webUserId(ip));
}
