// What a screen function returns: the reply's text and links, and the buttons to offer with their prompt. The
// engine turns it into a Reply, giving the menu its id (menus are numbered per conversation).
import type { MenuOption, Paragraph, QuickLink } from '../types.ts';

export interface Screen {
  paragraphs: Paragraph[];
  links?: QuickLink[];
  /** Buttons; the engine names the menu with `menuKind` and remembers it in the session. */
  menu?: { kind: string; prompt: string; options: MenuOption[] };
  replacesPrevious?: boolean;
}
