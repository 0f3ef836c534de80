// The dialogue evaluation: multi-turn scripts (JSONL, one dialogue a line) run through a real conversation engine,
// each turn checked against what a citizen would notice: the procedure shown, text that must or must not appear,
// the reply's length, the kind of answer. Used by `npm run eval:dialogues` and its test.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldAccents } from '../text/normalize.ts';
import type { Outcome, TurnReport } from './engine.ts';
import { type ConversationEngine, type Menu, type Reply, replyPlainText } from './types.ts';

const Strings = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (Array.isArray(v) ? v : [v]));

const TurnSchema = z
  .strictObject({
    say: z.string().optional(),
    press: z.string().min(1).optional(),
    /** The procedure code this turn shows. */
    code: z.string().optional(),
    /** Any of these procedure codes. */
    codes: z.array(z.string()).min(1).optional(),
    contains: Strings.optional(),
    notContains: Strings.optional(),
    /** Longest allowed single reply message, in characters. */
    maxChars: z.number().int().positive().optional(),
    /** The engine's outcome for this turn (answer, aspect, abstain, smalltalk, dossier, clarify, …). */
    kind: Strings.optional(),
  })
  .refine((t) => (t.say === undefined) !== (t.press === undefined), 'each turn has exactly one of "say" or "press"');

export const DialogueSchema = z.strictObject({
  id: z.string().min(1),
  /** What the dialogue is about (place, follow-up, off-topic, …): reported per class. */
  class: z.string().optional(),
  turns: z.array(TurnSchema).min(1),
});
export type Dialogue = z.infer<typeof DialogueSchema>;
export type DialogueTurn = z.infer<typeof TurnSchema>;

/** Reads a JSONL file of dialogues; a bad line is reported with its number. */
export function readDialogues(path: string): Dialogue[] {
  const dialogues: Dialogue[] = [];
  const ids = new Set<string>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${i + 1}: không phải JSON`);
      }
      const parsed = DialogueSchema.safeParse(value);
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
      if (ids.has(parsed.data.id)) throw new Error(`${path}:${i + 1}: id "${parsed.data.id}" lặp lại`);
      ids.add(parsed.data.id);
      dialogues.push(parsed.data);
    });
  return dialogues;
}

/** What the runner needs: an engine wired so that each handled message reports its outcome and procedure. */
export interface DialogueHarness {
  engine: ConversationEngine;
  /** The report of the message handled last. */
  lastTurn(): TurnReport | undefined;
  /** Public code of a procedure id. */
  codeOf(id: string): string | undefined;
  /** For a provincial record, the name of the province that issued it (every card of it must name it). */
  issuerOf?(id: string): string | undefined;
}

export interface TurnResult {
  index: number;
  ok: boolean;
  problems: string[];
  replyChars: number[];
  outcome?: Outcome;
  code?: string;
  text: string;
}

export interface DialogueResult {
  id: string;
  class?: string;
  ok: boolean;
  turns: TurnResult[];
}

export interface DialogueSummary {
  dialogues: number;
  dialoguesRight: number;
  turns: number;
  turnsRight: number;
  medianChars: number;
  maxChars: number;
  replies: number;
}

const fold = (value: string) => foldAccents(value.toLowerCase()).replace(/\s+/g, ' ');

/** Case-insensitive; a needle typed without diacritics also matches the accented text. */
function includes(haystack: string, needle: string): boolean {
  const lower = haystack.toLowerCase().replace(/\s+/g, ' ');
  if (lower.includes(needle.toLowerCase())) return true;
  return needle === foldAccents(needle) && fold(haystack).includes(fold(needle));
}

function findOption(menu: Menu | undefined, wanted: string) {
  if (!menu) return undefined;
  return (
    menu.options.find((o) => o.id === wanted) ??
    menu.options.find((o) => fold(o.label) === fold(wanted)) ??
    menu.options.find((o) => fold(o.label).startsWith(fold(wanted)))
  );
}

/** Everything a citizen sees of a turn: the text, the menu's prompt and buttons, the links. */
function visibleText(replies: Reply[]): string {
  return replies
    .map((r) =>
      [
        replyPlainText(r),
        ...(r.menu ? [r.menu.prompt, ...r.menu.options.map((o) => o.label)] : []),
        ...(r.links ?? []).map((l) => l.label),
      ].join('\n'),
    )
    .join('\n');
}

export async function runDialogue(harness: DialogueHarness, dialogue: Dialogue, n: number): Promise<DialogueResult> {
  const conversationId = `eval:${n}:${dialogue.id}`;
  let menu: Menu | undefined;
  const turns: TurnResult[] = [];
  for (const [index, turn] of dialogue.turns.entries()) {
    const problems: string[] = [];
    let replies: Reply[] = [];
    if (turn.press !== undefined) {
      const option = findOption(menu, turn.press);
      if (!option || !menu) problems.push(`không có nút "${turn.press}"`);
      else
        replies = await harness.engine.handle({
          channel: 'web',
          conversationId,
          userId: 'eval',
          choice: { menuId: menu.id, optionId: option.id },
          receivedAt: Date.now(),
        });
    } else {
      replies = await harness.engine.handle({
        channel: 'web',
        conversationId,
        userId: 'eval',
        text: turn.say ?? '',
        receivedAt: Date.now(),
      });
    }
    const shownMenu = replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);
    if (shownMenu) menu = shownMenu;
    const report = replies.length > 0 ? harness.lastTurn() : undefined;
    const code = report?.procedureId ? harness.codeOf(report.procedureId) : undefined;
    const text = visibleText(replies);
    const replyChars = replies.map((r) => replyPlainText(r).length);
    if (replies.length > 0) problems.push(...check(turn, { text, code, outcome: report?.outcome, replyChars }));
    // Checked on every turn, expected or not: a provincial record's card names its province.
    const issuer =
      report?.outcome === 'answer' && report.procedureId ? harness.issuerOf?.(report.procedureId) : undefined;
    if (issuer && !includes(text, issuer)) problems.push(`thẻ thủ tục của tỉnh không nêu "${issuer}"`);
    turns.push({
      index,
      ok: problems.length === 0,
      problems,
      replyChars,
      text,
      ...(report?.outcome ? { outcome: report.outcome } : {}),
      ...(code ? { code } : {}),
    });
  }
  return {
    id: dialogue.id,
    ...(dialogue.class ? { class: dialogue.class } : {}),
    ok: turns.every((t) => t.ok),
    turns,
  };
}

function check(
  turn: DialogueTurn,
  seen: { text: string; code: string | undefined; outcome: Outcome | undefined; replyChars: number[] },
): string[] {
  const problems: string[] = [];
  if (turn.code && seen.code !== turn.code) problems.push(`mã ${seen.code ?? '(không có)'} thay vì ${turn.code}`);
  if (turn.codes && !(seen.code && turn.codes.includes(seen.code)))
    problems.push(`mã ${seen.code ?? '(không có)'} không thuộc ${turn.codes.join('|')}`);
  for (const needle of turn.contains ?? []) if (!includes(seen.text, needle)) problems.push(`thiếu "${needle}"`);
  for (const needle of turn.notContains ?? []) if (includes(seen.text, needle)) problems.push(`có "${needle}"`);
  const longest = Math.max(0, ...seen.replyChars);
  if (turn.maxChars && longest > turn.maxChars) problems.push(`dài ${longest} > ${turn.maxChars} ký tự`);
  if (turn.kind && !(seen.outcome && turn.kind.includes(seen.outcome)))
    problems.push(`loại ${seen.outcome ?? '(không có)'} thay vì ${turn.kind.join('|')}`);
  return problems;
}

export async function runDialogues(harness: DialogueHarness, dialogues: Dialogue[]): Promise<DialogueResult[]> {
  const results: DialogueResult[] = [];
  for (const [n, dialogue] of dialogues.entries()) results.push(await runDialogue(harness, dialogue, n));
  return results;
}

export function summarize(results: DialogueResult[]): DialogueSummary {
  const turns = results.flatMap((r) => r.turns);
  const chars = turns.flatMap((t) => t.replyChars).sort((a, b) => a - b);
  const median =
    chars.length === 0
      ? 0
      : chars.length % 2
        ? (chars[(chars.length - 1) / 2] ?? 0)
        : Math.round(((chars[chars.length / 2 - 1] ?? 0) + (chars[chars.length / 2] ?? 0)) / 2);
  return {
    dialogues: results.length,
    dialoguesRight: results.filter((r) => r.ok).length,
    turns: turns.length,
    turnsRight: turns.filter((t) => t.ok).length,
    medianChars: median,
    maxChars: chars.at(-1) ?? 0,
    replies: chars.length,
  };
}

/** One line per dialogue: PASS, or FAIL with the first failing turn and what went wrong. */
export function formatResult(result: DialogueResult, dialogue?: Dialogue): string {
  if (result.ok) return `PASS ${result.id}`;
  const failed = result.turns.find((t) => !t.ok);
  if (!failed) return `FAIL ${result.id}`;
  const turn = dialogue?.turns[failed.index];
  const input = turn ? (turn.say !== undefined ? ` "${turn.say}"` : ` [${turn.press}]`) : '';
  return `FAIL ${result.id} lượt ${failed.index + 1}${input}: ${failed.problems.join('; ')}`;
}

export function formatSummary(s: DialogueSummary): string {
  const pct = (a: number, b: number) => (b === 0 ? '0' : ((100 * a) / b).toFixed(1));
  return `Hội thoại đúng ${s.dialoguesRight}/${s.dialogues}, lượt đúng ${s.turnsRight}/${s.turns} (${pct(s.turnsRight, s.turns)}%), độ dài trả lời trung vị ${s.medianChars}, dài nhất ${s.maxChars} ký tự (${s.replies} tin)`;
}

/** Wires a harness: `make` builds the engine with the given turn listener. */
export function harness(
  make: (onTurn: (report: TurnReport) => void) => ConversationEngine,
  codeOf: (id: string) => string | undefined,
  issuerOf?: (id: string) => string | undefined,
): DialogueHarness {
  let last: TurnReport | undefined;
  const engine = make((report) => {
    last = report;
  });
  return { engine, lastTurn: () => last, codeOf, ...(issuerOf ? { issuerOf } : {}) };
}
