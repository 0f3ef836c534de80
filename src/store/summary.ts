// Summarises feedback and unanswered questions for maintainers (`npm run report`): the most frequent
// unanswered wordings and the procedures whose answers were marked "chưa đúng".
import { foldAccents, normalizeText } from '../text/normalize.ts';
import type { FeedbackEntry, FeedbackSummary, UnansweredEntry } from './types.ts';

export function summarize(feedback: FeedbackEntry[], unanswered: UnansweredEntry[], limit: number): FeedbackSummary {
  const wordings = new Map<string, { question: string; count: number; lastAt: number }>();
  for (const u of unanswered) {
    const key = foldAccents(normalizeText(u.question));
    const entry = wordings.get(key) ?? { question: u.question, count: 0, lastAt: 0 };
    entry.count++;
    entry.lastAt = Math.max(entry.lastAt, u.at);
    wordings.set(key, entry);
  }
  const byProcedure = new Map<
    string,
    { procedureId: string; notHelpful: number; helpful: number; examples: string[] }
  >();
  for (const f of feedback) {
    const entry = byProcedure.get(f.procedureId) ?? {
      procedureId: f.procedureId,
      notHelpful: 0,
      helpful: 0,
      examples: [],
    };
    if (f.helpful) entry.helpful++;
    else {
      entry.notHelpful++;
      if (entry.examples.length < 3 && !entry.examples.includes(f.question)) entry.examples.push(f.question);
    }
    byProcedure.set(f.procedureId, entry);
  }
  const helpful = feedback.filter((f) => f.helpful).length;
  return {
    unanswered: [...wordings.values()].sort((a, b) => b.count - a.count || b.lastAt - a.lastAt).slice(0, limit),
    negative: [...byProcedure.values()]
      .filter((p) => p.notHelpful > 0)
      .sort((a, b) => b.notHelpful - a.notHelpful)
      .slice(0, limit),
    totals: {
      feedback: feedback.length,
      helpful,
      notHelpful: feedback.length - helpful,
      unanswered: unanswered.length,
    },
  };
}
