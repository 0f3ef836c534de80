// The conversation engine: loads the session, understands the message in its context (understand.ts, then
// context.ts for questions), routes it to a pure screen function (screens/: card, steps, documents, sections,
// yes/no, place, clarify, dossier) and keeps the session. Each message works on one snapshot of the finder, so a
// reindex in the middle of a message cannot mix two catalogues. Callers keep the order within a conversation
// (src/inbound).
import { type DossierService, dossierClient } from '../dossier/types.ts';
import type { OutOfScope } from '../knowledge/out-of-scope.ts';
import type { Province, ProvinceCatalogue, ProvinceMatch } from '../knowledge/provinces.ts';
import type { Procedure } from '../knowledge/schema.ts';
import { fingerprint, type Logger } from '../log/logger.ts';
import type { SearchResult } from '../retrieval/types.ts';
import type { FeedbackStore, SessionStore } from '../store/types.ts';
import { analyze } from '../text/normalize.ts';
import { cleanInboundText } from '../text/sanitize.ts';
import { routeQuestion } from './context.ts';
import * as say from './messages.ts';
import { scrubPersonalData } from './privacy.ts';
import { recalledProcedure, remember } from './recall.ts';
import { contentWords } from './relevance.ts';
import { CLARIFY_PROMPT, clarifyScreen, genericPrompt, RELATED_PROMPT, shortLabel } from './screens/clarify.ts';
import { askDossierCode, describeCodeMatch, describeLookup, MAYBE_CODE_YES, recallDossier } from './screens/dossier.ts';
import { candidateIndex, type OptionId, options } from './screens/options.ts';
import {
  choosePlace,
  onlyPlace,
  otherProvinceScreen,
  placeNote,
  type ScoredProcedure,
  withoutPlace,
} from './screens/place.ts';
import {
  cardScreen,
  documentsEndScreen,
  documentsScreen,
  type SectionAspect,
  sectionScreen,
  stepParts,
  stepScreen,
  yesNoScreen,
} from './screens/procedure.ts';
import type { Screen } from './screens/screen.ts';
import { newSession, readSession, type Session } from './session.ts';
import {
  type ConversationEngine,
  type InboundEvent,
  type Menu,
  type MenuOption,
  parseInboundEvent,
  type Reply,
} from './types.ts';
import { type Aspect, genericWords, understand } from './understand.ts';

/** What the engine needs from the catalogue and search (the retrieval engine provides it). */
export interface ProcedureFinder {
  search(query: string, options?: { limit?: number }): Promise<SearchResult>;
  get(id: string): Procedure | undefined;
  familyOf(id: string): Procedure[];
  /** The out-of-scope list retrieval refuses by; messages are checked against it before any search. */
  readonly outOfScope?: OutOfScope;
}

export type Outcome =
  | 'answer'
  | 'clarify'
  | 'abstain'
  | 'aspect'
  | 'navigation'
  | 'dossier'
  | 'feedback'
  | 'smalltalk'
  | 'stale';

export interface EngineOptions {
  /** The current finder; a function so a reindex can swap it without dropping conversations. */
  finder: () => ProcedureFinder;
  sessions: SessionStore<unknown>;
  feedback: FeedbackStore;
  dossiers?: DossierService;
  /** Recognises provinces (also pre-2025 names and old districts) in a question. */
  provinces?: ProvinceCatalogue;
  logger: Logger;
  now?: () => number;
  onOutcome?: (outcome: Outcome) => void;
  /** Called after each handled message with its outcome and the procedure it showed (evaluation, tests). */
  onTurn?: (report: TurnReport) => void;
}

/** What one handled message did: its outcome and the procedure shown, if any. */
export interface TurnReport {
  outcome: Outcome;
  procedureId?: string;
}

/** Outcomes whose reply is about the session's current procedure. */
const SHOWS_PROCEDURE: ReadonlySet<Outcome> = new Set(['answer', 'aspect', 'navigation']);

/** Longest message the engine reads; the rest is ignored (the server says so to the user). */
export const MAX_MESSAGE_CHARS = 1000;
const CLARIFY_OPTIONS = 3;
const GENERIC_OPTIONS = 4;
/**
 * With a menu open, an aspect question of at most this many other words ("nộp ở xã được không") is about the best
 * option; a longer one ("… muốn xin giấy phép xây dựng có thời hạn cho nhà ở") is a new, more precise question.
 */
const ADOPT_MAX_WORDS = 3;
const SEARCH_HITS = 10;

/** One message being handled: its event, the session, the finder snapshot and what came of it. */
type Context = {
  event: InboundEvent;
  session: Session;
  finder: ProcedureFinder;
  outcome: Outcome;
  /** No conversation before this message (a first /start greets without "Đã bắt đầu lại"). */
  fresh: boolean;
};

export class Engine implements ConversationEngine {
  private readonly now: () => number;
  private answerCounter = 0;

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Handles one event. Ordering within a conversation is the caller's job: every channel goes through the
   * inbound pipeline (src/inbound/pipeline.ts), whose conversation lock runs one message at a time.
   */
  async handle(event: InboundEvent): Promise<Reply[]> {
    return this.process(parseInboundEvent(event));
  }

  async endConversation(conversationId: string): Promise<void> {
    await this.options.sessions.delete(conversationId);
  }

  private async process(event: InboundEvent): Promise<Reply[]> {
    const stored = await this.options.sessions.load(event.conversationId);
    const session = stored ? readSession(stored) : newSession();
    const ctx: Context = {
      event,
      session,
      finder: this.options.finder(),
      outcome: 'smalltalk',
      fresh: session.menuSeq === 0 && !session.procedureId,
    };
    const message = cleanInboundText(event.text ?? '', MAX_MESSAGE_CHARS);
    const replies = event.choice
      ? await this.onChoice(ctx, event.choice.menuId, event.choice.optionId)
      : await this.onText(ctx, message.text);
    if (!event.choice && message.shortened) replies.unshift(say.tooLong(MAX_MESSAGE_CHARS));
    await this.options.sessions.save(event.conversationId, ctx.session);
    this.options.onOutcome?.(ctx.outcome);
    const shown = SHOWS_PROCEDURE.has(ctx.outcome) ? ctx.session.procedureId : undefined;
    this.options.onTurn?.({ outcome: ctx.outcome, ...(shown ? { procedureId: shown } : {}) });
    this.options.logger.debug(
      { conversation: fingerprint(event.conversationId), channel: event.channel, outcome: ctx.outcome },
      'message handled',
    );
    return replies;
  }

  // ---- routing of text messages --------------------------------------------------------------------

  private async onText(ctx: Context, message: string): Promise<Reply[]> {
    const { session } = ctx;
    let intent = understand(message, session.menu, ctx.finder.outOfScope);
    // The out-of-scope list marks it; retrieval, which refuses by the same list, still answers it when the
    // procedure it finds holds the phrase in its own name ("hỗ trợ lãi suất vay vốn"): then it is a question.
    if (intent.kind === 'offtopic' && (await this.procedureNamesIt(ctx, message)))
      intent = understand(message, session.menu);
    switch (intent.kind) {
      case 'empty':
        return [message === '' ? say.emptyMessage() : say.notText()];
      case 'reset':
        ctx.session = newSession();
        return ctx.fresh ? [say.greeting()] : [say.resetDone(), say.greeting()];
      case 'help':
        return [say.help()];
      case 'greeting':
        return [ctx.fresh ? say.greeting() : say.greetingAgain()];
      case 'thanks':
        return [say.thanks()];
      case 'ack':
        return [intent.bye ? say.goodbye() : say.ack()];
      case 'choice':
        return this.act(ctx, intent.optionId);
      case 'number':
        return this.unknownNumber(ctx);
      case 'nav':
        return this.navigate(ctx, intent.to);
      case 'step':
        return this.showStep(ctx, intent.number - 1, 0);
      case 'feedback':
        return this.recordFeedback(ctx, intent.helpful);
      case 'recall_dossier':
        return [recallDossier(session.lastDossier)];
      case 'dossier_intent':
        if (this.options.dossiers?.detect(message)) break;
        ctx.outcome = 'dossier';
        session.view = 'dossier';
        session.menu = undefined;
        return [askDossierCode()];
      case 'offtopic':
        return this.abstain(ctx, message, 'abstain');
      case 'generic':
        return this.clarifyGeneric(ctx, message);
      case 'question':
        break;
    }
    const dossier = this.options.dossiers?.detect(message);
    if (dossier) return this.onDossierCode(ctx, dossier);
    if (intent.kind !== 'question') return [say.noProcedureYet()];
    const place = this.options.provinces?.find(message);
    if (place) {
      session.province = place.province.code;
      if (onlyPlace(message, place)) return this.onPlaceOnly(ctx, place);
    }
    let current = session.procedureId ? ctx.finder.get(session.procedureId) : undefined;
    // The place is remembered above; what else the message says decides whether it is a follow-up.
    let asked = place ? { ...intent, rest: withoutPlace(intent.rest, place) } : intent;
    // "Quay lại vụ đổi bằng lái, …": back to a procedure shown earlier; what else it asks is about that one.
    const remembered = session.recent.flatMap((id) => ctx.finder.get(id) ?? []);
    const recalled = recalledProcedure(message, asked.rest, remembered);
    if (recalled) {
      if (!asked.aspect && !asked.yesNo) {
        ctx.outcome = 'answer';
        return [this.cardReply(ctx, recalled)];
      }
      this.adopt(session, recalled, true);
      current = recalled;
      asked = { ...asked, rest: '' };
    }
    // A menu of close procedures is open and the citizen asks "nộp ở đâu?" instead of choosing: answer it for
    // the best match, saying which one, rather than searching the aspect words as a new question. A yes/no
    // question ("nộp ở xã được không") asks about a requirement of that procedure too.
    const offered = !current && session.view === 'clarify' ? session.candidates?.[0] : undefined;
    const best = offered ? ctx.finder.get(offered) : undefined;
    if (best && (intent.aspect || intent.yesNo) && contentWords(asked.rest).length <= ADOPT_MAX_WORDS) {
      const routed = await routeQuestion(asked, best, ctx.finder);
      if (routed.kind === 'followup') {
        this.adopt(session, best, true);
        return [say.answeringFirstOption(shortLabel(best.name)), ...(await this.onText(ctx, message))];
      }
    }
    // "làm giấy tờ" with no procedure yet: the aspect word has nothing to be about.
    if (!current && genericWords(analyze(message).folded)) return this.clarifyGeneric(ctx, message);
    const routed = await routeQuestion(asked, current, ctx.finder);
    if (routed.kind === 'followup' && current) {
      ctx.outcome = 'aspect';
      // An aspect is answered by its section, unless a yes/no question names something in particular ("có cần
      // mang giấy khám sức khỏe không"): that is answered from the field, quoted, or honestly "not said".
      const sectionFirst = ['fees', 'time', 'steps', 'online'].includes(routed.aspect ?? '');
      if (routed.aspect && (sectionFirst || routed.words.length === 0 || !routed.yesNo))
        return [this.aspectReply(ctx, current, routed.aspect)];
      return [this.show(ctx, yesNoScreen(current, routed.words))];
    }
    const query = place ? withoutPlace(message, place) : message;
    // "giấy phép xây dựng có thời hạn": an aspect phrase that is part of the procedure's name asks no aspect.
    return this.answerQuestion(ctx, query, message, routed.aspect, place, intent.aspectPhrase);
  }

  /** "Nghệ An", "tôi ở Hà Nội": remember it, and answer the question that was waiting for it. */
  private async onPlaceOnly(ctx: Context, place: ProvinceMatch): Promise<Reply[]> {
    const { session } = ctx;
    // Asked "which province?", or looking at another province's record: answer the question again for this one.
    const current = session.procedureId ? ctx.finder.get(session.procedureId) : undefined;
    const elsewhere = current?.type === 'provincial' && session.view !== 'dossier';
    const waiting = session.view === 'place' || elsewhere ? session.question : undefined;
    if (waiting) return this.answerQuestion(ctx, waiting, waiting, undefined, place);
    ctx.outcome = 'smalltalk';
    return [say.placeNoted(place.province.name)];
  }

  /** Retrieval answers this message that the out-of-scope list marks: a procedure's own name holds the phrase. */
  private async procedureNamesIt(ctx: Context, message: string): Promise<boolean> {
    const result = await ctx.finder.search(message, { limit: 1 });
    return !result.abstain && result.hits.length > 0;
  }

  /** The abstain reply; the question is logged (personal data removed) for maintainers as unanswered. */
  private async abstain(ctx: Context, message: string, reason: 'abstain' | 'no_match'): Promise<Reply[]> {
    ctx.outcome = 'abstain';
    await this.options.feedback.recordUnanswered({
      question: scrubPersonalData(message),
      reason,
      channel: ctx.event.channel,
      at: this.now(),
    });
    return [say.abstain()];
  }

  /** "đăng ký", "xin giấy phép": a short menu of the likeliest procedures instead of a confident guess. */
  private async clarifyGeneric(ctx: Context, message: string): Promise<Reply[]> {
    const result = await ctx.finder.search(message, { limit: SEARCH_HITS });
    const families = new Set<string>();
    const ids = result.hits
      .filter((h) => {
        if (families.has(h.family)) return false;
        families.add(h.family);
        return ctx.finder.get(h.id)?.type !== 'provincial';
      })
      .slice(0, GENERIC_OPTIONS)
      .map((h) => h.id);
    ctx.outcome = 'clarify';
    ctx.session.question = scrubPersonalData(message);
    return [this.clarify(ctx, ids, genericPrompt(message))];
  }

  /** A new question: search, choose the record for the citizen's place, answer with its card (and the aspect). */
  private async answerQuestion(
    ctx: Context,
    query: string,
    message: string,
    aspect: Aspect | undefined,
    place: ProvinceMatch | undefined,
    aspectPhrase?: string,
  ): Promise<Reply[]> {
    const { session, finder } = ctx;
    const result = await finder.search(query, { limit: SEARCH_HITS });
    if (result.abstain || result.hits.length === 0)
      return this.abstain(ctx, message, result.hits.length === 0 ? 'no_match' : 'abstain');
    session.question = scrubPersonalData(message);
    const province = this.province(session);
    const hits: ScoredProcedure[] = result.hits.flatMap((h) => {
      const procedure = finder.get(h.id);
      return procedure ? [{ procedure, score: h.score }] : [];
    });
    // Several procedures fit equally: ask, offering only records valid where the citizen is (one: show it).
    const local = hits.filter((h) => choosePlace([h], [], province, this.options.provinces)?.kind === 'show');
    if (result.ambiguous && local.length > 1) {
      ctx.outcome = 'clarify';
      return [
        this.clarify(
          ctx,
          local.slice(0, CLARIFY_OPTIONS).map((h) => h.procedure.id),
          CLARIFY_PROMPT,
        ),
      ];
    }
    const ranked = result.ambiguous && local.length === 1 ? local : hits;
    const top = ranked[0];
    const choice = top
      ? choosePlace(ranked, finder.familyOf(top.procedure.id), province, this.options.provinces)
      : undefined;
    if (!choice) return this.abstain(ctx, message, 'no_match');
    if (choice.kind === 'other_province') {
      ctx.outcome = 'clarify';
      session.candidates = [choice.procedure.id];
      session.view = 'place';
      const screen = otherProvinceScreen(choice.procedure, choice.issuer, province);
      return [
        {
          ...screen,
          menu: this.menu(session, 'l', 'Bạn muốn làm gì?', [
            { id: 'p1', label: choice.issuer ? `Xem bản của ${choice.issuer.shortName}` : 'Xem bản của tỉnh khác' },
            ...options('new'),
          ]),
        },
      ];
    }
    ctx.outcome = 'answer';
    const shown = choice.procedure;
    const note = place ? placeNote(place) : undefined;
    const replies = [this.cardReply(ctx, shown, true, note)];
    const named = [shown, ...hits.slice(0, 3).map((h) => h.procedure)];
    if (aspect && aspectPhrase && named.some((p) => analyze(p.name).folded.join(' ').includes(aspectPhrase)))
      aspect = undefined;
    if (aspect === 'steps') {
      // The card and its first step: still an answer to a new question, as with any other aspect asked with it.
      if (shown.steps.length > 0) replies.push(...this.showStep(ctx, 0, 0));
      ctx.outcome = 'answer';
    } else if (aspect) {
      replies.push(this.aspectReply(ctx, shown, aspect));
    }
    return replies;
  }

  private province(session: Session): Province | undefined {
    return session.province ? this.options.provinces?.byCode.get(session.province) : undefined;
  }

  // ---- menu choices ---------------------------------------------------------------------------------

  private async onChoice(ctx: Context, menuId: string, optionId: string): Promise<Reply[]> {
    const menu = ctx.session.menu;
    // "Hữu ích / Chưa đúng" stay valid on every message of the answer they belong to, even after more menus.
    if ((optionId === 'up' || optionId === 'down') && belongsToCurrentAnswer(ctx.session, menuId)) {
      return this.recordFeedback(ctx, optionId === 'up');
    }
    if (!menu || menu.id !== menuId || !menu.options.some((o) => o.id === optionId)) {
      ctx.outcome = 'stale';
      // One message: the notice, then the current buttons under the same text (the prompt is not repeated).
      return menu ? [{ ...say.staleMenu(), menu }] : [say.staleMenu(), say.noProcedureYet()];
    }
    return this.act(ctx, optionId);
  }

  private async act(ctx: Context, optionId: string): Promise<Reply[]> {
    const { session, finder } = ctx;
    const pick = candidateIndex(optionId);
    if (pick !== undefined) {
      const id = session.candidates?.[pick];
      const procedure = id ? finder.get(id) : undefined;
      if (!procedure) return [say.noProcedureYet()];
      ctx.outcome = 'answer';
      return [this.cardReply(ctx, procedure)];
    }
    switch (optionId as OptionId) {
      case 'none':
        ctx.outcome = 'abstain';
        if (session.question)
          await this.options.feedback.recordUnanswered({
            question: session.question,
            reason: 'abstain',
            channel: ctx.event.channel,
            at: this.now(),
          });
        return [say.abstain()];
      case 'new':
        session.menu = undefined;
        return [say.noProcedureYet()];
      case 'up':
      case 'down':
        return this.recordFeedback(ctx, optionId === 'up');
      case MAYBE_CODE_YES:
        return this.lookupDossier(ctx, session.pendingCode);
      case 'no':
        session.pendingCode = undefined;
        session.menu = undefined;
        return [say.noProcedureYet()];
      case 'next':
      case 'prev':
      case 'more':
        return this.navigate(ctx, optionId as 'next' | 'prev' | 'more');
      case 'steps':
        return this.showStep(ctx, 0, 0);
      default:
        break;
    }
    const current = session.procedureId ? finder.get(session.procedureId) : undefined;
    if (!current) return [say.noProcedureYet()];
    ctx.outcome = 'aspect';
    switch (optionId as OptionId) {
      case 'card':
      case 'back':
        return [this.cardReply(ctx, current, false)];
      case 'docs':
        return [this.documentsReply(ctx, current, 0)];
      case 'related':
        return [this.relatedReply(ctx, current)];
      default:
        return [this.aspectReply(ctx, current, optionId as Aspect)];
    }
  }

  // ---- screens, with the session kept in step -------------------------------------------------------

  /** Turns a screen into a reply, registering its menu as the conversation's current one. */
  private show(ctx: Context, screen: Screen): Reply {
    const reply: Reply = { paragraphs: screen.paragraphs };
    if (screen.links) reply.links = screen.links;
    if (screen.replacesPrevious) reply.replacesPrevious = true;
    if (screen.menu) reply.menu = this.menu(ctx.session, screen.menu.kind, screen.menu.prompt, screen.menu.options);
    return reply;
  }

  /** The day facts are told for (fees in force): the injected clock when there is one, else the message's time. */
  private today(ctx: Context): Date {
    return new Date(this.options.now ? this.options.now() : ctx.event.receivedAt);
  }

  /** The procedure the conversation is now about; a new one opens a new answer (rated on its own). */
  private adopt(session: Session, p: Procedure, fresh: boolean): void {
    const newAnswer = fresh || session.procedureId !== p.id;
    if (newAnswer) {
      session.answerId = `a${this.now().toString(36)}${(this.answerCounter++).toString(36)}`;
      // The menus shown from now on (the card's or the aspect's buttons) belong to this answer.
      session.answerMenuSeq = session.menuSeq + 1;
    }
    if (session.procedureId !== p.id) session.recent = remember(session.recent, session.procedureId);
    session.procedureId = p.id;
    session.step = undefined;
    session.page = undefined;
  }

  private cardReply(ctx: Context, p: Procedure, fresh = true, note?: ReturnType<typeof placeNote>): Reply {
    const { session, finder } = ctx;
    this.adopt(session, p, fresh);
    session.view = 'card';
    const alsoAt = finder
      .familyOf(p.id)
      .filter((m) => m.id !== p.id && m.type === p.type)
      .flatMap((m) => m.levels)
      .filter((l) => !p.levels.includes(l));
    const reply = this.show(
      ctx,
      cardScreen(p, {
        alsoAt,
        hasRelated: p.related.some((id) => finder.get(id)),
        rate: Boolean(session.answerId && !session.rated.includes(session.answerId)),
        note,
        now: this.today(ctx),
      }),
    );
    return reply;
  }

  private showStep(ctx: Context, index: number, part: number): Reply[] {
    const { session } = ctx;
    const p = session.procedureId ? ctx.finder.get(session.procedureId) : undefined;
    if (!p) return [say.noProcedureYet()];
    ctx.outcome = 'navigation';
    const { screen, step, part: shownPart } = stepScreen(p, index, part);
    if (p.steps.length > 0) {
      session.step = step;
      session.page = shownPart;
      session.view = 'steps';
    }
    return [this.show(ctx, screen)];
  }

  private navigate(ctx: Context, to: 'next' | 'prev' | 'more'): Reply[] {
    const { session } = ctx;
    const p = session.procedureId ? ctx.finder.get(session.procedureId) : undefined;
    if (!p) return [say.noProcedureYet()];
    if (session.view === 'documents') {
      const page = session.page ?? 0;
      if (to === 'prev') return [this.documentsReply(ctx, p, Math.max(0, page - 1))];
      if (documentsScreen(p, page).hasMore) return [this.documentsReply(ctx, p, page + 1)];
      ctx.outcome = 'navigation';
      return [this.show(ctx, documentsEndScreen(p))];
    }
    if (session.section && (session.view === 'fees' || session.view === 'where' || session.view === 'other')) {
      // "Xem thêm" / "Quay lại" page a long section; past its last page, "Xem thêm" says it is complete.
      const page = session.page ?? 0;
      if (to === 'more' || to === 'prev') {
        const target = to === 'more' ? page + 1 : Math.max(0, page - 1);
        if (to === 'prev' || sectionScreen(p, session.section, this.today(ctx), page).hasMore)
          return [this.sectionReply(ctx, p, session.section, target)];
      }
    }
    if (session.view !== 'steps') {
      // Back to the walk from another view: continue where it stopped, or start it.
      const at = session.step;
      if (at === undefined) return this.showStep(ctx, 0, 0);
      return this.showStep(ctx, to === 'next' ? at + 1 : to === 'prev' ? at - 1 : at, 0);
    }
    const step = session.step ?? 0;
    const part = session.page ?? 0;
    if (to === 'prev') return part > 0 ? this.showStep(ctx, step, part - 1) : this.showStep(ctx, step - 1, 0);
    if (to === 'more' && part + 1 < stepParts(p, step)) return this.showStep(ctx, step, part + 1);
    return this.showStep(ctx, step + 1, 0);
  }

  private documentsReply(ctx: Context, p: Procedure, page: number): Reply {
    ctx.session.view = 'documents';
    ctx.session.page = page;
    return this.show(ctx, documentsScreen(p, page).screen);
  }

  private aspectReply(ctx: Context, p: Procedure, aspect: Aspect): Reply {
    const { session } = ctx;
    if (aspect === 'documents') return this.documentsReply(ctx, p, 0);
    if (aspect === 'steps') return this.showStep(ctx, 0, 0)[0] ?? say.noProcedureYet();
    session.view = aspect === 'fees' || aspect === 'time' ? 'fees' : aspect === 'where' ? 'where' : 'other';
    return this.sectionReply(ctx, p, aspect, 0);
  }

  private sectionReply(ctx: Context, p: Procedure, aspect: SectionAspect, page: number): Reply {
    const view = sectionScreen(p, aspect, this.today(ctx), page);
    ctx.session.section = aspect;
    ctx.session.page = view.page;
    return this.show(ctx, view.screen);
  }

  private relatedReply(ctx: Context, p: Procedure): Reply {
    const related = p.related.map((id) => ctx.finder.get(id)).filter((r): r is Procedure => Boolean(r));
    ctx.session.view = 'related';
    return this.clarify(
      ctx,
      related.map((r) => r.id),
      RELATED_PROMPT,
      ['back'],
    );
  }

  private clarify(ctx: Context, ids: string[], prompt: string, extra: OptionId[] = ['none']): Reply {
    const procedures = ids.map((id) => ctx.finder.get(id)).filter((p): p is Procedure => Boolean(p));
    ctx.session.candidates = procedures.map((p) => p.id);
    if (prompt !== RELATED_PROMPT) ctx.session.view = 'clarify';
    return this.show(ctx, clarifyScreen(procedures, prompt, extra));
  }

  private menu(session: Session, kind: string, prompt: string, menuOptions: MenuOption[]): Menu {
    session.menuSeq += 1;
    const menu: Menu = { id: `${kind}${session.menuSeq.toString(36)}`, prompt, options: menuOptions };
    session.menu = menu;
    return menu;
  }

  /** A typed number that matches no option: there is no list, or the number is not on it. */
  private unknownNumber(ctx: Context): Reply[] {
    const menu = ctx.session.menu;
    if (!menu) return [say.nothingToChoose()];
    ctx.outcome = 'stale';
    return [{ ...say.numberNotOnMenu(menu.options.length), menu }];
  }

  // ---- feedback -----------------------------------------------------------------------------------------

  private async recordFeedback(ctx: Context, helpful: boolean): Promise<Reply[]> {
    const { session } = ctx;
    ctx.outcome = 'feedback';
    if (!session.answerId || !session.procedureId) return [say.noProcedureYet()];
    if (session.rated.includes(session.answerId)) return [say.alreadyRated()];
    await this.options.feedback.recordFeedback({
      answerId: session.answerId,
      procedureId: session.procedureId,
      question: session.question ?? '',
      helpful,
      channel: ctx.event.channel,
      at: this.now(),
    });
    session.rated = [...session.rated.slice(-20), session.answerId];
    if (session.menu)
      session.menu = { ...session.menu, options: session.menu.options.filter((o) => o.id !== 'up' && o.id !== 'down') };
    return [say.feedbackThanks(helpful)];
  }

  // ---- dossiers ------------------------------------------------------------------------------------------

  private async onDossierCode(
    ctx: Context,
    match: NonNullable<ReturnType<DossierService['detect']>>,
  ): Promise<Reply[]> {
    ctx.outcome = 'dossier';
    if (match.kind === 'valid') return this.lookupDossier(ctx, match.code);
    // After "tra cứu hồ sơ" the citizen was asked for a code: what they send next is looked up as it is.
    if (match.kind === 'maybe' && ctx.session.view === 'dossier' && !ctx.session.menu)
      return this.lookupDossier(ctx, match.candidate);
    const reply = describeCodeMatch(match);
    if (match.kind === 'maybe') {
      ctx.session.pendingCode = match.candidate;
      if (reply.menu) reply.menu = this.menu(ctx.session, 'q', reply.menu.prompt, reply.menu.options);
    }
    return [reply];
  }

  private async lookupDossier(ctx: Context, code: string | undefined): Promise<Reply[]> {
    const { session } = ctx;
    const dossiers = this.options.dossiers;
    ctx.outcome = 'dossier';
    session.pendingCode = undefined;
    if (!code || !dossiers) return [say.noProcedureYet()];
    const lookup = await dossiers.lookup(
      code,
      ctx.event.conversationId,
      dossierClient(ctx.event.channel, ctx.event.userId),
    );
    const reply = describeLookup(lookup, new Date(ctx.event.receivedAt));
    if (lookup.kind === 'found' || lookup.kind === 'not_found')
      session.lastDossier = { code: lookup.kind === 'found' ? lookup.status.code : lookup.code, at: this.now() };
    session.view = 'dossier';
    const procedure = lookup.kind === 'found' ? await this.procedureOf(ctx, lookup.status) : undefined;
    if (procedure) {
      session.candidates = [procedure.id];
      reply.menu = this.menu(session, 'h', 'Xem hướng dẫn thủ tục của hồ sơ này?', [
        { id: 'p1', label: 'Xem hướng dẫn thủ tục' },
      ]);
    } else {
      session.menu = undefined;
    }
    return [reply];
  }

  /** The procedure of a dossier: by its UUID, or by its code when the source gave only the code. */
  private async procedureOf(
    ctx: Context,
    status: { procedureId?: string; procedureCode?: string },
  ): Promise<Procedure | undefined> {
    if (status.procedureId) return ctx.finder.get(status.procedureId);
    if (!status.procedureCode) return undefined;
    const result = await ctx.finder.search(status.procedureCode, { limit: 1 });
    const top = result.hits[0];
    return top && top.code === status.procedureCode ? ctx.finder.get(top.id) : undefined;
  }
}

/** Menu ids are `<kind letter><sequence in base 36>`; menus shown since the current answer's card belong to it. */
function belongsToCurrentAnswer(session: Session, menuId: string): boolean {
  const seq = Number.parseInt(menuId.slice(1), 36);
  return (
    session.answerMenuSeq !== undefined &&
    Number.isInteger(seq) &&
    seq >= session.answerMenuSeq &&
    seq <= session.menuSeq
  );
}
