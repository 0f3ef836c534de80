// The procedure screens: the answer card, one step of the walk, the document checklist, fees and time, where to
// submit, online, results, legal basis, conditions, a yes/no answer. Pure functions of the procedure and where the
// citizen is in it; the words come from guidance.ts, the buttons from the one option table.
import type { Level, Procedure } from '../../knowledge/schema.ts';
import * as guide from '../guidance.ts';
import { type Paragraph, text } from '../types.ts';
import type { Aspect } from '../understand.ts';
import { type OptionId, options } from './options.ts';
import type { Screen } from './screen.ts';
import { yesNoAnswer } from './yesno.ts';

const NEXT_PROMPT = 'Bạn muốn xem gì tiếp?';

/** The answer card. `related` = the related procedures that exist; `rate` = feedback buttons still offered. */
export function cardScreen(
  p: Procedure,
  extra: { alsoAt: Level[]; hasRelated: boolean; rate: boolean; note?: Paragraph | undefined; now?: Date },
): Screen {
  // `now` decides which fee is in force (a reduced rate until its end date, Vietnam time).
  const paragraphs = guide.card(p, extra.alsoAt, extra.now ?? new Date(), extra.note);
  return {
    paragraphs,
    links: guide.quickLinks(p),
    menu: {
      kind: 'c',
      prompt: NEXT_PROMPT,
      options: options(
        p.steps.length > 0 && 'steps',
        p.documents.length > 0 && 'docs',
        p.submissionMethods.length > 0 && 'fees',
        'where',
        extra.hasRelated && 'related',
        'new',
        extra.rate && 'up',
        extra.rate && 'down',
      ),
    },
  };
}

/** Buttons under a section (documents, fees, where, …): the other sections and back to the card. */
function sectionOptions(p: Procedure, current: OptionId | Aspect) {
  return options(
    p.steps.length > 0 && current !== 'steps' && 'steps',
    p.documents.length > 0 && current !== 'docs' && current !== 'documents' && 'docs',
    p.submissionMethods.length > 0 && current !== 'fees' && current !== 'time' && 'fees',
    current !== 'where' && 'where',
    'card',
  );
}

/** One step (and part of a long step), with Quay lại / Xem thêm / Tiếp. */
export function stepScreen(p: Procedure, index: number, part: number): { screen: Screen; step: number; part: number } {
  if (p.steps.length === 0) {
    return {
      screen: {
        paragraphs: guide.stepView(p, 0, 0).paragraphs,
        links: guide.quickLinks(p),
        menu: { kind: 'x', prompt: NEXT_PROMPT, options: sectionOptions(p, 'steps') },
      },
      step: 0,
      part: 0,
    };
  }
  const step = Math.max(0, Math.min(index, p.steps.length - 1));
  const parts = guide.stepView(p, step, 0).parts;
  const shownPart = Math.max(0, Math.min(part, parts - 1));
  const view = guide.stepView(p, step, shownPart);
  const last = step === p.steps.length - 1 && shownPart + 1 >= parts;
  return {
    screen: {
      paragraphs: [
        guide.titleLine(p),
        ...view.paragraphs,
        ...(last ? [[text('Đây là bước cuối. Chúc bạn làm thủ tục thuận lợi!')]] : []),
        guide.sourceLine(p),
      ],
      menu: {
        kind: 's',
        prompt: 'Điều hướng các bước',
        options: options(
          (step > 0 || shownPart > 0) && 'prev',
          shownPart + 1 < parts && 'more',
          step + 1 < p.steps.length && 'next',
          p.documents.length > 0 && 'docs',
          p.submissionMethods.length > 0 && 'fees',
          'card',
        ),
      },
      replacesPrevious: true,
    },
    step,
    part: shownPart,
  };
}

/** Whether the step walk has another part or step after this one. */
export function stepParts(p: Procedure, step: number): number {
  return guide.stepView(p, step, 0).parts;
}

/** The document checklist, a page at a time. */
export function documentsScreen(p: Procedure, page: number): { screen: Screen; hasMore: boolean } {
  const view = guide.documentsView(p, page);
  return {
    screen: {
      paragraphs: [...(page === 0 ? [guide.titleLine(p)] : []), ...view.paragraphs, guide.sourceLine(p)],
      links: guide.quickLinks(p),
      menu: {
        kind: 'd',
        prompt: NEXT_PROMPT,
        options: [...options(view.hasMore && 'more'), ...sectionOptions(p, 'docs')],
      },
    },
    hasMore: view.hasMore,
  };
}

export function documentsEndScreen(p: Procedure): Screen {
  return {
    paragraphs: [[text(`Đó là toàn bộ ${p.documents.length} mục giấy tờ của thủ tục này.`)]],
    menu: { kind: 'd', prompt: NEXT_PROMPT, options: sectionOptions(p, 'docs') },
  };
}

export type SectionAspect = Exclude<Aspect, 'documents' | 'steps'>;

/**
 * One page of a section of the current procedure (fees and time, where, online, results, legal basis,
 * conditions): at most one phone message, with "Xem thêm" / "Quay lại" when the section has more pages.
 */
export function sectionScreen(
  p: Procedure,
  aspect: SectionAspect,
  now: Date = new Date(),
  page = 0,
): { screen: Screen; page: number; hasMore: boolean } {
  const view = guide.viewPage(p, aspect, page, now);
  return {
    screen: {
      paragraphs: [guide.titleLine(p), ...view.paragraphs, guide.sourceLine(p)],
      links: guide.quickLinks(p),
      menu: {
        kind: 'x',
        prompt: NEXT_PROMPT,
        options: [...options(view.page > 0 && 'prev', view.hasMore && 'more'), ...sectionOptions(p, aspect)],
      },
    },
    page: view.page,
    hasMore: view.hasMore,
  };
}

/** The answer to a yes/no question about the procedure, quoting the field it comes from (or "not said"). */
export function yesNoScreen(p: Procedure, words: string[]): Screen {
  const answer = yesNoAnswer(p, words);
  return {
    paragraphs: [guide.titleLine(p), ...answer.paragraphs, guide.sourceLine(p)],
    links: guide.quickLinks(p),
    menu: { kind: 'x', prompt: NEXT_PROMPT, options: sectionOptions(p, 'card').concat(options('new')) },
  };
}
