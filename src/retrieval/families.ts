// Name families: the same procedure published at several levels ("(thực hiện tại cấp tỉnh)") or copied by
// provinces under the same name. Members share a key so results can be grouped and the conversation can ask.
import type { Level, Procedure } from '../knowledge/schema.ts';
import { canonicalCase, foldAccents } from '../text/normalize.ts';

const LEVEL_PARENTHETICAL = /\([^)]*\bcap (?:tinh|xa|huyen|trung uong|bo|co so)\b[^)]*\)/g;
const LEVEL_TAIL = /\b(?:duoc )?(?:thuc hien )?tai cap (?:tinh|xa|huyen|trung uong|bo)\b.*$/;
const LEADING_THU_TUC = /^thu tuc\s+/;
/** How a record is submitted ("bằng dịch vụ công trực tuyến toàn trình" / "một phần hoặc trực tiếp"): twins. */
const CHANNEL =
  /(?:thuc hien )?(?:bang )?(?:dich vu cong truc tuyen|dich vu cong|truc tuyen) (?:toan trinh|mot phan(?: hoac truc tiep)?)/g;

/** Words the two channel twins of one procedure may spell differently ("giấy chứng nhận đăng ký" / "chứng nhận đăng ký xe"). */
const TWIN_NOISE = new Set(['giay', 'thuc', 'hien', 'bang']);

export function familyKey(name: string): string {
  const spaced = foldAccents(canonicalCase(name))
    .replace(LEVEL_PARENTHETICAL, ' ')
    .replace(/[^\p{L}\p{N}()]+/gu, ' ');
  const channelTwin = CHANNEL.test(spaced);
  CHANNEL.lastIndex = 0;
  const plain = spaced
    .replace(CHANNEL, ' ')
    .trim()
    .replace(LEADING_THU_TUC, '')
    .replace(LEVEL_TAIL, '')
    .replace(/[()]/g, ' ');
  const words = plain.split(/\s+/).filter(Boolean);
  // The online-only and in-person records of one procedure are published as separately worded twins: they
  // share a family when they name the same words, in any order and whatever filler each adds.
  if (channelTwin) return `twin: ${[...new Set(words.filter((w) => !TWIN_NOISE.has(w)))].sort().join(' ')}`;
  return words.join(' ');
}

const LEVEL_ORDER: Level[] = ['xa', 'tinh', 'trung_uong'];

/**
 * Which member a citizen most likely means when nothing in the question decides:
 * curated guidance first, then national records, then the level closest to the citizen (commune first).
 */
export function memberPreference(procedure: Procedure, curated: boolean): number {
  let rank = curated ? 0 : 100;
  rank += procedure.type === 'national' ? 0 : procedure.type === 'provincial' ? 20 : 40;
  const closest = Math.min(...procedure.levels.map((l) => LEVEL_ORDER.indexOf(l)), LEVEL_ORDER.length);
  rank += closest;
  return rank;
}
