// The conversation engine: loads the session, understands the message, asks retrieval or the dossier
// capability, and answers with platform-neutral replies. Callers keep the order within a conversation (src/inbound).

import { type DossierService, dossierClient } from '../dossier/types.ts';
import type { Province, ProvinceCatalogue, ProvinceMatch } from '../knowledge/provinces.ts';
import type { Procedure } from '../knowledge/schema.ts';
import { fingerprint, type Logger } from '../log/logger.ts';
import type { SearchResult } from '../retrieval/types.ts';
import type { FeedbackStore, SessionStore } from '../store/types.ts';
import { foldAccents } from '../text/normalize.ts';
import { cleanInboundText } from '../text/sanitize.ts';
import * as guide from './guidance.ts';
import * as say from './messages.ts';
import { scrubPersonalData } from './privacy.ts';
import { describeCodeMatch, describeLookup, MAYBE_CODE_YES } from './screens/dossier.ts';
import { newSession, readSession, type Session } from './session.ts';
import {
  bold,
  type ConversationEngine,
  type InboundEvent,
  type Menu,
  type MenuOption,
  type Paragraph,
  parseInboundEvent,
  type Reply,
  text,
} from './types.ts';
import { type Aspect, understand } from './understand.ts';

/** Whether a province's own procedure was issued by that province ("UBND tỉnh Đồng Tháp"). */
function provinceIssued(p: Procedure, province: Province): boolean {
  const issuer = foldAccents(p.promulgatingAgency?.toLowerCase() ?? '');
  return issuer.includes(foldAccents(province.shortName.toLowerCase()));
}

/** "Bạn ở Bình Dương (nay thuộc Thành phố Hồ Chí Minh)." plus whether the card is that province's own procedure. */
function placeNote(place: ProvinceMatch, shown: Procedure): Paragraph {
  const now = place.formerName || place.kind === 'formerDistrict' ? ` (nay thuộc ${place.province.name})` : '';
  const own = shown.type === 'provincial' && provinceIssued(shown, place.province);
  return [
    text(`Bạn ở ${place.matched}${now}. `),
    text(own ? `Đây là thủ tục riêng của ${place.province.name}.` : 'Thủ tục này áp dụng chung trên cả nước.'),
  ];
}

/** What the engine needs from the catalogue and search (the retrieval engine provides it). */
export interface ProcedureFinder {
  search(query: string, options?: { limit?: number }): Promise<SearchResult>;
  get(id: string): Procedure | undefined;
  familyOf(id: string): Procedure[];
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
/** How sure retrieval must be that the rest of an aspect question names another procedure. */
const NEW_TOPIC_CONFIDENCE = 0.6;

type Context = { event: InboundEvent; session: Session; outcome: Outcome; fresh: boolean };

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
    const ctx: Context = { event, session, outcome: 'smalltalk', fresh: session.menuSeq === 0 && !session.procedureId };
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

  // ---- text messages -------------------------------------------------------------------------------

  private async onText(ctx: Context, message: string): Promise<Reply[]> {
    const { session } = ctx;
    const intent = understand(message, session.menu);
    switch (intent.kind) {
      case 'empty':
        return [message === '' ? say.emptyMessage() : say.notText()];
      case 'reset':
        // A first /start greets; "Đã bắt đầu lại" only when there was a conversation to reset.
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
      case 'dossier_intent':
        if (this.options.dossiers?.detect(message)) break;
        ctx.outcome = 'dossier';
        session.view = 'dossier';
        session.menu = undefined;
        return [say.askDossierCode()];
      case 'offtopic':
        return this.abstain(ctx, message, 'abstain');
      case 'generic':
        return this.clarifyGeneric(ctx, message);
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
        return [this.recallDossier(session)];
      case 'question':
        break;
    }
    const dossier = this.options.dossiers?.detect(message);
    if (dossier) return this.onDossierCode(ctx, dossier);
    if (intent.kind !== 'question') return [say.noProcedureYet()];
    const current = session.procedureId ? this.finder().get(session.procedureId) : undefined;
    if (intent.aspect && current) {
      const switched = await this.searchIfNewTopic(intent.rest, current);
      if (!switched) {
        ctx.outcome = 'aspect';
        return [this.aspectReply(ctx, current, intent.aspect)];
      }
    }
    return this.answerQuestion(ctx, message, intent.aspect);
  }

  /** With an aspect word and a current procedure: does the rest of the message name another procedure? */
  private async searchIfNewTopic(rest: string, current: Procedure): Promise<boolean> {
    if (rest.split(' ').filter((w) => w.length > 1).length < 2) return false;
    const result = await this.finder().search(rest, { limit: 3 });
    const top = result.hits[0];
    // Only a clear match switches topic; leftovers of the aspect words ("pháp lý") must not.
    if (result.abstain || result.ambiguous || result.confidence < NEW_TOPIC_CONFIDENCE || !top) return false;
    return top.id !== current.id && !this.sameFamily(top.id, current.id);
  }

  private sameFamily(a: string, b: string): boolean {
    return this.finder()
      .familyOf(a)
      .some((p) => p.id === b);
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
    const result = await this.finder().search(message, { limit: 10 });
    const seen = new Set<string>();
    const ids = result.hits
      .filter((h) => {
        const key = h.family;
        if (seen.has(key)) return false;
        seen.add(key);
        return this.finder().get(h.id)?.type !== 'provincial';
      })
      .slice(0, 4)
      .map((h) => h.id);
    ctx.outcome = 'clarify';
    ctx.session.question = scrubPersonalData(message);
    return [
      this.clarify(
        ctx.session,
        ids,
        `"${message.trim()}" có nhiều thủ tục khác nhau. Bạn chọn một thủ tục dưới đây, hoặc gõ rõ hơn việc bạn cần (ví dụ "đăng ký khai sinh cho con").`,
      ),
    ];
  }

  private async answerQuestion(ctx: Context, message: string, aspect?: Aspect): Promise<Reply[]> {
    const result = await this.finder().search(message, { limit: 5 });
    const question = scrubPersonalData(message);
    if (result.abstain || result.hits.length === 0)
      return this.abstain(ctx, message, result.hits.length === 0 ? 'no_match' : 'abstain');
    ctx.session.question = question;
    if (result.ambiguous) {
      ctx.outcome = 'clarify';
      const ids = result.hits.slice(0, CLARIFY_OPTIONS).map((h) => h.id);
      return [this.clarify(ctx.session, ids, 'Mình thấy vài thủ tục gần giống nhau. Bạn cần thủ tục nào?')];
    }
    const best = this.finder().get(result.hits[0]?.id ?? '');
    if (!best) return [say.abstain()];
    ctx.outcome = 'answer';
    // "tôi ở Bình Dương": the place decides between provinces' own copies and is acknowledged on the card.
    const place = this.options.provinces?.find(message);
    const top = place ? this.localVariant(best, place.province) : best;
    const replies = [this.cardReply(ctx, top, true, place ? placeNote(place, top) : undefined)];
    if (aspect && aspect !== 'steps') replies.push(this.aspectReply(ctx, top, aspect));
    else if (aspect === 'steps' && top.steps.length > 0) replies.push(...this.showStep(ctx, 0, 0));
    return replies;
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
    const { session } = ctx;
    const pick = /^p(\d+)$/.exec(optionId);
    if (pick) {
      const id = session.candidates?.[Number(pick[1]) - 1];
      const procedure = id ? this.finder().get(id) : undefined;
      if (!procedure) return [say.noProcedureYet()];
      ctx.outcome = 'answer';
      return [this.cardReply(ctx, procedure)];
    }
    switch (optionId) {
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
        return this.navigate(ctx, optionId);
      case 'steps':
        return this.showStep(ctx, 0, 0);
    }
    const current = session.procedureId ? this.finder().get(session.procedureId) : undefined;
    if (!current) return [say.noProcedureYet()];
    ctx.outcome = 'aspect';
    switch (optionId) {
      case 'card':
        return [this.cardReply(ctx, current, false)];
      case 'docs':
        return [this.documentsReply(ctx, current, 0)];
      case 'related':
        return [this.relatedReply(ctx, current)];
      default:
        return [this.aspectReply(ctx, current, optionId as Aspect)];
    }
  }

  // ---- views ------------------------------------------------------------------------------------------

  /** The member of a procedure's family issued by the citizen's province, if the family has one. */
  private localVariant(p: Procedure, province: Province): Procedure {
    const local = this.finder()
      .familyOf(p.id)
      .find((m) => m.type === 'provincial' && provinceIssued(m, province));
    return local ?? p;
  }

  private cardReply(ctx: Context, p: Procedure, fresh = true, note?: Paragraph): Reply {
    const { session } = ctx;
    const newAnswer = fresh || session.procedureId !== p.id;
    if (newAnswer) {
      session.answerId = `a${this.now().toString(36)}${(this.answerCounter++).toString(36)}`;
    }
    session.procedureId = p.id;
    session.step = undefined;
    session.page = undefined;
    session.view = 'card';
    const alsoAt = this.finder()
      .familyOf(p.id)
      .filter((m) => m.id !== p.id && m.type === p.type)
      .flatMap((m) => m.levels)
      .filter((l) => !p.levels.includes(l));
    const options: MenuOption[] = [
      ...(p.steps.length > 0 ? [{ id: 'steps', label: 'Các bước' }] : []),
      ...(p.documents.length > 0 ? [{ id: 'docs', label: 'Giấy tờ' }] : []),
      ...(p.submissionMethods.length > 0 ? [{ id: 'fees', label: 'Lệ phí & thời gian' }] : []),
      { id: 'where', label: 'Nơi nộp' },
      ...(p.related.some((id) => this.finder().get(id)) ? [{ id: 'related', label: 'Thủ tục liên quan' }] : []),
      { id: 'new', label: 'Hỏi câu khác' },
      ...(session.answerId && !session.rated.includes(session.answerId)
        ? [
            { id: 'up', label: 'Hữu ích' },
            { id: 'down', label: 'Chưa đúng' },
          ]
        : []),
    ];
    const menu = this.menu(session, 'c', 'Bạn muốn xem gì tiếp?', options);
    if (newAnswer) session.answerMenuSeq = session.menuSeq;
    const paragraphs = guide.card(p, alsoAt);
    if (note) paragraphs.splice(1, 0, note);
    return { paragraphs, links: guide.quickLinks(p), menu };
  }

  private showStep(ctx: Context, index: number, part: number): Reply[] {
    const { session } = ctx;
    const p = session.procedureId ? this.finder().get(session.procedureId) : undefined;
    if (!p) return [say.noProcedureYet()];
    ctx.outcome = 'navigation';
    if (p.steps.length === 0)
      return [
        {
          paragraphs: guide.stepView(p, 0, 0).paragraphs,
          links: guide.quickLinks(p),
          menu: this.sectionMenu(session, p, 'steps'),
        },
      ];
    const clamped = Math.max(0, Math.min(index, p.steps.length - 1));
    const parts = guide.stepView(p, clamped, 0).parts;
    const shownPart = Math.max(0, Math.min(part, parts - 1));
    const view = guide.stepView(p, clamped, shownPart);
    session.step = clamped;
    session.page = shownPart;
    session.view = 'steps';
    const options: MenuOption[] = [
      ...(clamped > 0 || shownPart > 0 ? [{ id: 'prev', label: 'Quay lại' }] : []),
      ...(shownPart + 1 < parts ? [{ id: 'more', label: 'Xem thêm' }] : []),
      ...(clamped + 1 < p.steps.length ? [{ id: 'next', label: 'Tiếp' }] : []),
      ...(p.documents.length > 0 ? [{ id: 'docs', label: 'Giấy tờ' }] : []),
      ...(p.submissionMethods.length > 0 ? [{ id: 'fees', label: 'Lệ phí & thời gian' }] : []),
      { id: 'card', label: 'Thông tin chung' },
    ];
    const last = clamped === p.steps.length - 1 && shownPart + 1 >= parts;
    const paragraphs = [
      [bold(p.name)],
      ...view.paragraphs,
      ...(last ? [[text('Đây là bước cuối. Chúc bạn làm thủ tục thuận lợi!')]] : []),
      guide.sourceLine(p),
    ];
    return [{ paragraphs, menu: this.menu(session, 's', 'Điều hướng các bước', options), replacesPrevious: true }];
  }

  private navigate(ctx: Context, to: 'next' | 'prev' | 'more'): Reply[] {
    const { session } = ctx;
    const p = session.procedureId ? this.finder().get(session.procedureId) : undefined;
    if (!p) return [say.noProcedureYet()];
    if (session.view === 'documents') {
      const page = session.page ?? 0;
      if (to === 'prev') return [this.documentsReply(ctx, p, Math.max(0, page - 1))];
      if (guide.documentsView(p, page).hasMore) return [this.documentsReply(ctx, p, page + 1)];
      ctx.outcome = 'navigation';
      return [
        {
          paragraphs: [[text(`Đó là toàn bộ ${p.documents.length} mục giấy tờ của thủ tục này.`)]],
          menu: this.documentsMenu(session, p, false),
        },
      ];
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
    if (to === 'more' && part + 1 < guide.stepView(p, step, 0).parts) return this.showStep(ctx, step, part + 1);
    return this.showStep(ctx, step + 1, 0);
  }

  private documentsReply(ctx: Context, p: Procedure, page: number): Reply {
    const { session } = ctx;
    const view = guide.documentsView(p, page);
    session.view = 'documents';
    session.page = page;
    return {
      paragraphs: [...(page === 0 ? [[bold(p.name)]] : []), ...view.paragraphs, guide.sourceLine(p)],
      links: guide.quickLinks(p),
      menu: this.documentsMenu(session, p, view.hasMore),
    };
  }

  private documentsMenu(session: Session, p: Procedure, hasMore: boolean): Menu {
    const options: MenuOption[] = [
      ...(hasMore ? [{ id: 'more', label: 'Xem thêm' }] : []),
      ...(p.steps.length > 0 ? [{ id: 'steps', label: 'Các bước' }] : []),
      ...(p.submissionMethods.length > 0 ? [{ id: 'fees', label: 'Lệ phí & thời gian' }] : []),
      { id: 'card', label: 'Thông tin chung' },
    ];
    return this.menu(session, 'd', 'Bạn muốn xem gì tiếp?', options);
  }

  private aspectReply(ctx: Context, p: Procedure, aspect: Aspect): Reply {
    const { session } = ctx;
    if (aspect === 'documents') return this.documentsReply(ctx, p, 0);
    if (aspect === 'steps') {
      return this.showStep(ctx, 0, 0)[0] ?? say.noProcedureYet();
    }
    const views: Record<Exclude<Aspect, 'documents' | 'steps'>, () => ReturnType<typeof guide.feesView>> = {
      fees: () => guide.feesView(p),
      time: () => guide.feesView(p),
      where: () => guide.whereView(p),
      online: () => guide.onlineView(p),
      result: () => guide.listView(p, 'Kết quả bạn nhận được:', p.results, 'về kết quả thực hiện'),
      legal: () =>
        guide.listView(
          p,
          'Căn cứ pháp lý:',
          p.legalBasis.map((l) => l.name),
          'về căn cứ pháp lý',
        ),
      conditions: () => guide.conditionsView(p),
    };
    session.view = aspect === 'fees' || aspect === 'time' ? 'fees' : aspect === 'where' ? 'where' : 'other';
    return {
      paragraphs: [[bold(p.name)], ...views[aspect](), guide.sourceLine(p)],
      links: guide.quickLinks(p),
      menu: this.sectionMenu(session, p, aspect),
    };
  }

  private sectionMenu(session: Session, p: Procedure, current: string): Menu {
    const options: MenuOption[] = [
      ...(p.steps.length > 0 && current !== 'steps' ? [{ id: 'steps', label: 'Các bước' }] : []),
      ...(p.documents.length > 0 && current !== 'documents' ? [{ id: 'docs', label: 'Giấy tờ' }] : []),
      ...(p.submissionMethods.length > 0 && current !== 'fees' && current !== 'time'
        ? [{ id: 'fees', label: 'Lệ phí & thời gian' }]
        : []),
      ...(current !== 'where' ? [{ id: 'where', label: 'Nơi nộp' }] : []),
      { id: 'card', label: 'Thông tin chung' },
    ];
    return this.menu(session, 'x', 'Bạn muốn xem gì tiếp?', options);
  }

  private relatedReply(ctx: Context, p: Procedure): Reply {
    const related = p.related.map((id) => this.finder().get(id)).filter((r): r is Procedure => Boolean(r));
    ctx.session.view = 'related';
    return this.clarify(
      ctx.session,
      related.map((r) => r.id),
      'Có thể bạn cũng cần các thủ tục sau:',
      [{ id: 'card', label: 'Quay lại thủ tục đang xem' }],
    );
  }

  private clarify(
    session: Session,
    ids: string[],
    prompt: string,
    extra: MenuOption[] = [{ id: 'none', label: 'Không phải các thủ tục trên' }],
  ): Reply {
    const procedures = ids.map((id) => this.finder().get(id)).filter((p): p is Procedure => Boolean(p));
    session.candidates = procedures.map((p) => p.id);
    if (prompt.startsWith('Mình thấy')) session.view = 'clarify';
    const options = procedures.map((p, i) => ({ id: `p${i + 1}`, label: shorten(p.name, 90) }));
    return { paragraphs: [[text(prompt)]], menu: this.menu(session, 'k', 'Chọn một thủ tục:', [...options, ...extra]) };
  }

  private menu(session: Session, kind: string, prompt: string, options: MenuOption[]): Menu {
    session.menuSeq += 1;
    const menu: Menu = { id: `${kind}${session.menuSeq.toString(36)}`, prompt, options };
    session.menu = menu;
    return menu;
  }

  /** A typed number that matches no option: there is no list, or the number is not on it. */
  private unknownNumber(ctx: Context): Reply[] {
    const menu = ctx.session.menu;
    if (!menu) return [say.nothingToChoose()];
    ctx.outcome = 'stale';
    return [say.numberNotOnMenu(menu.options.length), { paragraphs: [[text(menu.prompt)]], menu }];
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
    const procedure = lookup.kind === 'found' ? await this.procedureOf(lookup.status) : undefined;
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
  private async procedureOf(status: { procedureId?: string; procedureCode?: string }): Promise<Procedure | undefined> {
    if (status.procedureId) return this.finder().get(status.procedureId);
    if (!status.procedureCode) return undefined;
    const result = await this.finder().search(status.procedureCode, { limit: 1 });
    const top = result.hits[0];
    return top && top.code === status.procedureCode ? this.finder().get(top.id) : undefined;
  }

  private recallDossier(session: Session): Reply {
    if (!session.lastDossier) return { paragraphs: [[text('Trong cuộc trò chuyện này bạn chưa tra mã hồ sơ nào.')]] };
    return {
      paragraphs: [
        [text('Mã hồ sơ bạn vừa tra: '), bold(session.lastDossier.code)],
        [text('Bạn gửi lại mã này nếu muốn xem tình trạng mới nhất.')],
      ],
    };
  }

  private finder(): ProcedureFinder {
    return this.options.finder();
  }
}

/**
 * Retrieval abstains on short topic words ("khai sinh", "tạm trú") because several procedures match them
 * equally well. When every content word of the question is matched, word pairs match too, and the first
 * candidates are nearly tied, the citizen is asked to pick instead of being told nothing was found.
 */

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

function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}
