// The place screen: which record to show given the citizen's province, and what to say about it. With a province
// known (in the question or remembered), that province's own record or a national one, never another province's;
// with none known, national and ministry records before provincial copies. When only another province's copy
// matches, say so plainly and ask which province the citizen is in.
import type { Province, ProvinceCatalogue, ProvinceMatch } from '../../knowledge/provinces.ts';
import type { Procedure } from '../../knowledge/schema.ts';
import { analyze } from '../../text/normalize.ts';
import { wordSet } from '../relevance.ts';
import { bold, type Paragraph, type Reply, text } from '../types.ts';
import { shortLabel } from './clarify.ts';

/** With no province known, a national hit this close to a provincial top hit (score ratio) is preferred to it. */
const NATIONAL_NEAR_TOP = 0.8;
/** With a province known, another province's copy is never shown: a national hit this close is taken instead. */
const NATIONAL_INSTEAD = 0.5;

export interface ScoredProcedure {
  procedure: Procedure;
  score: number;
}

export type PlaceChoice =
  /** Show this record; `own` when it is the citizen's province's own copy. */
  | { kind: 'show'; procedure: Procedure; own: boolean }
  /** Only another province's copy matches: say so (province known) or ask where the citizen is (unknown). */
  | { kind: 'other_province'; procedure: Procedure; issuer?: Province };

/** The province that issued a provincial record ("UBND tỉnh Đắk Lắk" → Đắk Lắk), if recognisable. */
export function issuingProvince(p: Procedure, provinces: ProvinceCatalogue | undefined): Province | undefined {
  if (p.type !== 'provincial' || !p.promulgatingAgency || !provinces) return undefined;
  return provinces.find(p.promulgatingAgency)?.province;
}

/**
 * Picks the record to show among the search hits (best first) and the family of the best one (same name at
 * other levels or provinces).
 */
export function choosePlace(
  hits: ScoredProcedure[],
  family: Procedure[],
  province: Province | undefined,
  provinces: ProvinceCatalogue | undefined,
): PlaceChoice | undefined {
  const top = hits[0];
  if (!top) return undefined;
  const from = (p: Procedure) => issuingProvince(p, provinces)?.code;
  const isOwn = (p: Procedure) => Boolean(province) && p.type === 'provincial' && from(p) === province?.code;
  const acceptable = (p: Procedure) => p.type !== 'provincial' || isOwn(p);
  const near = (h: ScoredProcedure) => h.score >= top.score * NATIONAL_NEAR_TOP;
  const close = (h: ScoredProcedure) => h.score >= top.score * NATIONAL_INSTEAD;
  if (province) {
    const own = family.find(isOwn) ?? hits.find((h) => isOwn(h.procedure) && near(h))?.procedure;
    if (own) return { kind: 'show', procedure: own, own: true };
    if (acceptable(top.procedure)) return { kind: 'show', procedure: top.procedure, own: false };
    const national = family.find(acceptable) ?? hits.find((h) => acceptable(h.procedure) && close(h))?.procedure;
    if (national) return { kind: 'show', procedure: national, own: false };
  } else {
    if (top.procedure.type !== 'provincial') return { kind: 'show', procedure: top.procedure, own: false };
    const national = family.find(acceptable) ?? hits.find((h) => acceptable(h.procedure) && near(h))?.procedure;
    if (national) return { kind: 'show', procedure: national, own: false };
  }
  const issuer = issuingProvince(top.procedure, provinces);
  return { kind: 'other_province', procedure: top.procedure, ...(issuer ? { issuer } : {}) };
}

/** "Bạn ở Bình Dương (nay thuộc Thành phố Hồ Chí Minh)." The card itself says whose record it is. */
export function placeNote(place: ProvinceMatch): Paragraph {
  const now = place.formerName || place.kind === 'formerDistrict' ? ` (nay thuộc ${place.province.name})` : '';
  return [text(`Bạn ở ${place.matched}${now}.`)];
}

/** Only another province's copy matched: say so and ask where the citizen is (or offer that copy anyway). */
export function otherProvinceScreen(p: Procedure, issuer: Province | undefined, known: Province | undefined): Reply {
  const from = issuer ? issuer.name : 'một tỉnh khác';
  const paragraphs: Paragraph[] = known
    ? [
        [
          text('Mình chưa thấy thủ tục này của '),
          bold(known.name),
          text(' hay bản dùng chung toàn quốc. Mình chỉ thấy bản do '),
          bold(from),
          text(' ban hành:'),
        ],
        [text(`«${shortLabel(p.name, 200)}»`)],
        [text('Bạn có thể xem bản đó để tham khảo, hoặc hỏi Trung tâm Phục vụ hành chính công nơi bạn ở.')],
      ]
    : [
        [text('Mình chỉ thấy thủ tục này trong danh mục riêng của '), bold(from), text(':')],
        [text(`«${shortLabel(p.name, 200)}»`)],
        [text('Bạn đang ở tỉnh, thành phố nào? Mình sẽ tìm đúng thủ tục của nơi bạn ở.')],
      ];
  return { paragraphs };
}

/** Place words around a province name ("tôi ở", "tại", "tỉnh"): nothing else means the message only says where. */
const PLACE_ONLY_WORDS = wordSet(
  'toi minh em anh chi o tai song dang que nha la thuoc tinh thanh pho tp quan huyen xa phuong a nhe nha ben ve day do chuyen sang roi vua moi'.split(
    ' ',
  ),
);

/** The message without the province mention, for searching ("tôi ở Hà Nội, cấp giấy phép xây dựng"). */
export function withoutPlace(message: string, place: ProvinceMatch): string {
  const { folded } = analyze(message);
  const name = analyze(place.matched).folded;
  for (let i = 0; i + name.length <= folded.length; i++) {
    if (name.every((w, k) => folded[i + k] === w)) {
      let start = i;
      while (start > 0 && PLACE_ONLY_WORDS.has(folded[start - 1] ?? '')) start--;
      const rest = [...analyze(message).tokens.slice(0, start), ...analyze(message).tokens.slice(i + name.length)];
      return rest.join(' ');
    }
  }
  return message;
}

/** True when the message says only where the citizen is ("Nghệ An", "tôi ở Hà Nội ạ"). */
export function onlyPlace(message: string, place: ProvinceMatch): boolean {
  const rest = analyze(withoutPlace(message, place)).folded;
  return rest.every((w) => PLACE_ONLY_WORDS.has(w));
}
