// What a citizen is shown about one dossier: its status plus the plain label and the days left or overdue,
// computed from the due date and "today" in Vietnam. Shared by the chat reply and the JSON API.
import { daysBetween, vietnamDate } from './dates.ts';
import { OPEN_STATES, STATE_LABELS } from './states.ts';
import type { DossierStatus } from './types.ts';

export interface DossierView extends DossierStatus {
  stateLabel: string;
  /** Days until the due date (0 = due today), while the dossier is still with the agency. */
  daysLeft?: number;
  /** Days past the due date, while the dossier is still with the agency. */
  daysOverdue?: number;
}

export function dossierView(status: DossierStatus, today: Date): DossierView {
  const view: DossierView = { ...status, stateLabel: STATE_LABELS[status.state] };
  if (status.dueOn && OPEN_STATES.has(status.state)) {
    const days = daysBetween(vietnamDate(today), status.dueOn);
    if (days >= 0) view.daysLeft = days;
    else view.daysOverdue = -days;
  }
  return view;
}
