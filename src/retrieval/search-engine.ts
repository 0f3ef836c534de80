// The retrieval engine: lexical BM25F over the catalogue, priors and re-ranking, then dense similarities fused in
// when a model is loaded (fusion.ts), grouping of name families, a calibrated confidence and the abstain decision.
import type { Catalogue } from '../knowledge/loader.ts';
import type { OutOfScope, ScopeCheck, ScopeQuestion } from '../knowledge/out-of-scope.ts';
import type { Procedure } from '../knowledge/schema.ts';
import { foldToken, tokenize } from '../text/normalize.ts';
import { type ActionClass, actionFactor, nameAction } from './actions.ts';
import { type Calibration, confidenceOf, DEFAULT_CALIBRATION, type MatchFeatures } from './confidence.ts';
import { contrastFactor, contrastSides } from './contrasts.ts';
import { FIELD_SPECS, procedureTerms, searchableName } from './documents.ts';
import { familyKey, memberPreference } from './families.ts';
import {
  DEFAULT_DENSE_CALIBRATION,
  DEFAULT_FUSION,
  type DenseCalibration,
  denseStrength,
  type FusionParameters,
  fuseDense,
  withDenseEvidence,
} from './fusion.ts';
import { LEARNED_CALIBRATION, LEARNED_FUSION, type Learned } from './learned.ts';
import { LearnedQuestionIndex } from './learned-index.ts';
import { LexicalIndex, sortByScore, topIndices } from './lexical-index.ts';
import type { Lexicon } from './lexicon.ts';
import { type PreparedQuery, prepareQuery } from './query.ts';
import { PackedSequences, QueryMatch, type ResolvedUnit, type RunSequence, WordIds } from './query-match.ts';
import { requestMask } from './request-focus.ts';
import {
  ABROAD_ONLY_PRIOR,
  mentionsAbroad,
  nameResidence,
  Residence,
  silentlyAbroad,
  statedResidence,
} from './residence.ts';
import { Spelling } from './spelling.ts';
import { bigramKey, foldedKey } from './terms.ts';
import type { Retriever, SearchHit, SearchOptions, SearchResult } from './types.ts';

/** Dense similarities for a question (cosine, best first), provided when an embedding model is loaded. */
export interface DenseSearcher {
  readonly modelId: string;
  similar(query: string, k: number): Promise<{ id: string; similarity: number }[]>;
}

/** Score multipliers: a province's own copy or an internal procedure is less likely what a citizen means. */
const TYPE_PRIOR = { national: 1, provincial: 0.85, internal: 0.6 } as const;
/** Curated entries are the procedures citizens need most often. */
const CURATED_PRIOR = 1.15;
/** How many of the best lexical candidates are re-scored (coverage, phrase and alias matches). */
const RERANK_CANDIDATES = 50;
/** A name quoted as an unbroken phrase gains up to ×(1 + PHRASE_BONUS). */
const PHRASE_BONUS = 0.5;
/** Candidates are scaled by (COVERAGE_FLOOR + share of the question's content words they contain). */
const COVERAGE_FLOOR = 0.5;
/** Fully covered questions whose two best families are this close are ambiguous, never abstained. */
const TIED_MARGIN = 0.05;
/** A bare topic with no action ("bằng lái") is ambiguous when its two best families are this close. */
const BARE_TOPIC_MARGIN = 0.15;
/** A question quoting a curated alias gains up to ×(1 + ALIAS_BONUS) (when the alias is all it says). */
const ALIAS_BONUS = 0.5;
/** A question matched word for word by the best record, with at least this many word pairs, names it. */
const NAMED_PAIRS = 8;
/** A menu is offered instead of abstaining only when the best match covers this much of the question… */
const MENU_MIN_COVERAGE = 0.5;
/** …and the question this much of its name. */
const MENU_MIN_NAME_COVERAGE = 0.2;
/** A candidate doing the asked action counts as an alternative when it covers this much of the question. */
const ALTERNATIVE_COVERAGE = 0.3;
/** Share of a word's weight covered when only its unaccented form matches an accented question. */
const FOLDED_MATCH = 0.5;
/**
 * A word found only in a record's index-only page text (documents.ts, `covers: false`) counts this much of a word
 * the record holds, when measuring how much of the question it covers.
 */
const INDEX_ONLY_MATCH = 0.8;
/** Questions with more content words than this are stories: actions in them are matched softly. */
const LONG_QUESTION = 14;
/** A question of at most this many words, none of them filler, is a bare topic the conversation asks about. */
const TOPIC_ONLY = 3;
/** Questions with at most this many content words are short: each word must be found… */
const SHORT_QUESTION = 6;
/** …or the candidate is scaled by this. */
const MISSING_RARE = 0.7;
/** In a longer question, a rarest word held by at most this many records is an identifier ("mẫu Peru")… */
const IDENTIFIER_HOLDERS = 5;
/** …and a candidate without it is scaled by this. */
const MISSING_IDENTIFIER = 0.6;
/** Records holding the question's rarest word join the re-ranking when there are at most this many. */
const RARE_POOL = 40;
/** Sibling names (one holds all the other's words and more) compared among this many best candidates… */
const SPECIALISED_CANDIDATES = 10;
/** …the longer one goes first when the question names this much of its extra words as word pairs. */
const SPECIALISED_MENTION = 0.2;
/** …and itself scores at least this share of the shorter one (it must fit the question on its own too). */
const SPECIALISED_FLOOR = 0.4;
/** Sibling names compared word by word among this many best candidates… */
const DISCRIMINATE_CANDIDATES = 8;
/** …when they share this much of the smaller name's rarity-weighted words, and this much of the larger one's… */
const SIBLING_SHARE = 0.5;
const SIBLING_OVERLAP = 0.25;
/** …when the question names this much of the lower one's own words and none of the higher one's… */
const DISCRIMINATE_MENTION = 0.3;
/** …and the lower one scores at least this share of the higher one. */
const DISCRIMINATE_FLOOR = 0.7;
/** An out-of-scope phrase typed without accents yields to a catalogue pair its end forms held by this many records. */
const BOUND_PAIRS = 20;
/** Grammar words of names: they neither qualify a name nor tell siblings apart. */
const GRAMMAR_WORDS = new Set(
  'cho của đối với và các trong tại theo là được có từ đến trên về hoặc những một khi do mà thì ở này bằng'.split(' '),
);
/** A story whose request the best record explains less of than this (rarity-weighted) is refused. */
const UNASKED_REQUEST = 0.1;
/** How many lexical candidates are grouped and considered. */
const CANDIDATES = 200;
/** How many dense neighbours are fused. */
const DENSE_CANDIDATES = 50;

export interface RetrievalEngineOptions {
  dense?: DenseSearcher | undefined;
  calibration?: Calibration;
  /** Dense fusion weight and floor (hybrid path). */
  fusion?: FusionParameters;
  /** The dense term of the confidence (hybrid path); the lexical calibration is used as is beneath it. */
  denseCalibration?: DenseCalibration;
  /** Learned questions per procedure UUID (DATA_DIR/learned.json). */
  learned?: Learned | undefined;
}

export class RetrievalEngine implements Retriever {
  readonly catalogue: Catalogue;
  private readonly procedures: Procedure[];
  private readonly index: LexicalIndex;
  /** The catalogue's syllables, to read misspelt and mis-accented words of a question (spelling.ts). */
  private readonly spelling: Spelling;
  private readonly priors: Float32Array;
  /** Where each name says it is done: in Vietnam ("… ở trong nước"), abroad ("… ở nước ngoài") or unsaid. */
  private readonly nameResidences: Uint8Array;
  /** Positions of procedures only missions abroad carry out, under a name that does not say so. */
  private readonly abroadOnly: number[] = [];
  private readonly families: string[];
  /** Each position's family as a small integer (grouping keys). */
  private readonly familyIds: Int32Array;
  private readonly preference: number[];
  /** Distinct folded words of each name (for name coverage)… */
  private readonly nameWords: string[][] = [];
  /** …and the IDF of each of them (their folded term's), computed once. */
  private readonly nameWordWeights: number[][];
  /** Folded words of each name in order (for phrase matches). */
  private readonly nameSequences: string[][] = [];
  /** Actions each name opens with (cấp, cấp lại, gia hạn…), to tell siblings apart. */
  private readonly actions: Set<ActionClass>[] = [];
  /** Where each name's object starts, after its leading action words ("Cấp lại | giấy phép…"). */
  private readonly objectStarts: Uint8Array;
  /** Each name's object words with their IDF (`objectWords`), for the records asked about so far. */
  private readonly objectWeights: (Map<string, number> | undefined)[] = [];
  /** Folded words of each curated alias, in order (a question that quotes one is a strong match). */
  private readonly aliasSequences: string[][][] = [];
  /** Folded words of names and aliases as ids (`nameSequences`, `aliasSequences`), for phrase runs. */
  private readonly words = new WordIds();
  private readonly aliasIds: Int32Array[][] = [];
  /** Each name's folded words as ids with their IDF (the phrase bonus weighs a run by them). */
  private readonly names: PackedSequences;
  /** Which side of each exclusive qualifier (nhập / xuất khẩu, đường bộ / sắt…) each name names. */
  private readonly nameSides: Uint8Array[] = [];
  private readonly byCode = new Map<string, number[]>();
  private readonly positionById = new Map<string, number>();
  private readonly familyNames = new Map<string, string>();
  private readonly familyMembers = new Map<string, number[]>();
  private readonly dense: DenseSearcher | undefined;
  /** How citizens asked for procedures (npm run kb:learn), when anything was learned. */
  private readonly learned: LearnedQuestionIndex | undefined;
  private readonly calibration: Calibration;
  private readonly fusion: FusionParameters;
  private readonly denseCalibration: DenseCalibration;

  constructor(
    catalogue: Catalogue,
    private readonly lexicon: Lexicon,
    options: RetrievalEngineOptions = {},
  ) {
    this.catalogue = catalogue;
    this.procedures = catalogue.procedures;
    this.dense = options.dense;
    this.calibration = options.calibration ?? DEFAULT_CALIBRATION;
    this.fusion = options.fusion ?? DEFAULT_FUSION;
    this.denseCalibration = options.denseCalibration ?? DEFAULT_DENSE_CALIBRATION;
    this.index = new LexicalIndex(
      lazyMap(this.procedures, (p) => procedureTerms(p, (tokens) => lexicon.indexExpansions(tokens))),
      FIELD_SPECS,
    );
    this.spelling = new Spelling(this.index, lexicon.words);
    this.priors = new Float32Array(this.procedures.length);
    this.nameResidences = new Uint8Array(this.procedures.length);
    this.objectStarts = new Uint8Array(this.procedures.length);
    this.families = [];
    this.familyIds = new Int32Array(this.procedures.length);
    const familyNumbers = new Map<string, number>();
    this.preference = [];
    this.procedures.forEach((p, i) => {
      const curated = catalogue.origin.get(p.id) === 'curated';
      const abroad = silentlyAbroad(p);
      if (abroad) this.abroadOnly.push(i);
      this.priors[i] = TYPE_PRIOR[p.type] * (curated ? CURATED_PRIOR : 1) * (abroad ? ABROAD_ONLY_PRIOR : 1);
      const family = familyKey(p.name);
      this.families.push(family);
      if (!familyNumbers.has(family)) familyNumbers.set(family, familyNumbers.size);
      this.familyIds[i] = familyNumbers.get(family) as number;
      const members = this.familyMembers.get(family) ?? [];
      members.push(i);
      this.familyMembers.set(family, members);
      this.preference.push(memberPreference(p, curated));
      const nameTokens = tokenize(searchableName(p.name));
      this.nameResidences[i] = nameResidence(nameTokens);
      const sequence = nameTokens.map(foldToken);
      this.nameSequences.push(sequence);
      this.nameSides.push(contrastSides(sequence));
      const action = nameAction(searchableName(p.name));
      this.actions.push(action.classes);
      this.objectStarts[i] = action.end;
      this.aliasSequences.push(p.aliases.map((a) => tokenize(a).map(foldToken)).filter((a) => a.length >= 2));
      this.nameWords.push([...new Set(sequence)]);
      this.aliasIds.push((this.aliasSequences[i] as string[][]).map((a) => this.words.intern(a)));
      if (!this.familyNames.has(family) || curated) this.familyNames.set(family, p.name);
      const list = this.byCode.get(p.code.toLowerCase()) ?? [];
      list.push(i);
      this.byCode.set(p.code.toLowerCase(), list);
      this.positionById.set(p.id, i);
    });
    this.names = new PackedSequences(this.nameSequences, this.words, (word) => this.index.idf(`~${word}`));
    this.nameWordWeights = this.nameWords.map((words) => words.map((word) => this.index.idf(`~${word}`)));
    this.learned =
      options.learned && options.learned.size > 0
        ? new LearnedQuestionIndex(options.learned, this.positionById, lexicon)
        : undefined;
  }

  get path(): 'lexical' | 'hybrid' {
    return this.dense ? 'hybrid' : 'lexical';
  }

  get size(): number {
    return this.procedures.length;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = Math.max(1, Math.min(options.limit ?? 10, 50));
    const prepared = prepareQuery(query, this.lexicon, this.spelling);
    if (prepared.length === 0) return this.empty();
    // The dense search runs beside the lexical one, whether or not any word matches.
    const denseSearch = this.dense ? this.denseSimilarities(query) : undefined;
    const scores = new Float32Array(this.procedures.length);
    // The best score the question could reach (every known term at full impact), for normalisation.
    const maxScore = this.index.accumulate(prepared.terms, scores);
    for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) * (this.priors[i] as number);
    if (mentionsAbroad(prepared))
      for (const i of this.abroadOnly) scores[i] = (scores[i] as number) / ABROAD_ONLY_PRIOR;
    const ranked = topIndices(scores, CANDIDATES);
    const match = new QueryMatch(prepared, this.index, this.words);
    const pool = this.withRareMatches(match, ranked, scores);
    this.rerank(match, scores, pool);
    this.specialise(prepared, scores, pool);
    this.discriminate(prepared, scores, pool);
    const similarities = denseSearch ? await denseSearch : undefined;
    // Lexical scores before dense evidence: the lexical confidence features are read from them.
    let lexical = scores;
    if (similarities && similarities.size > 0) {
      lexical = Float32Array.from(scores);
      const gained = fuseDense(scores, similarities, this.priors, maxScore > 0 ? maxScore : 1, this.fusion);
      for (const position of gained) if (!ranked.includes(position)) ranked.push(position);
    }
    // Questions citizens were confirmed to mean a procedure by: evidence of the same kind, fused the same way.
    const near = this.learned?.similar(prepared);
    if (near && near.size > 0) {
      if (lexical === scores) lexical = Float32Array.from(scores);
      const gained = fuseDense(scores, near, this.priors, maxScore > 0 ? maxScore : 1, LEARNED_FUSION);
      for (const position of gained) if (!ranked.includes(position)) ranked.push(position);
    }
    // A procedure code typed in the question ("1.001193") puts that procedure first, whatever else matched.
    const codeHits = this.codeMatches(prepared);
    if (codeHits.length > 0) {
      const ceiling = maxOf(scores) * 2 + 1;
      for (const i of codeHits) {
        scores[i] = ceiling;
        if (!ranked.includes(i)) ranked.push(i);
      }
    }
    if (ranked.length === 0) return this.empty();
    sortByScore(ranked, scores);
    // The families shown, and at least the runner-up (ambiguity and confidence are read from the first two).
    const groups = this.group(ranked, scores, Math.max(limit, 2));
    // Where the citizen says they live, read once: it reorders a near tie and settles a "which one?" below.
    const residence = statedResidence(prepared.tokens, prepared.folded);
    this.preferResidence(residence, groups);
    const top = groups[0];
    if (!top) return this.empty();
    const runnerUp = groups[1];
    const second = runnerUp?.score ?? 0;
    const words = queryWords(prepared);
    const features = this.features(match, words, top.best, lexical[top.best] as number, maxScore, top.score, second);
    let confidence = codeHits.length > 0 ? 1 : confidenceOf(features, this.calibration);
    if (similarities) {
      features.dense = Math.max(0, ...top.members.map((m) => similarities.get(m) ?? 0));
      if (codeHits.length === 0)
        confidence = withDenseEvidence(confidence, denseStrength(features.dense, this.fusion), this.denseCalibration);
    }
    if (near && near.size > 0 && codeHits.length === 0) {
      const closest = Math.max(0, ...top.members.map((m) => near.get(m) ?? 0));
      confidence = withDenseEvidence(confidence, denseStrength(closest, LEARNED_FUSION), LEARNED_CALIBRATION);
    }
    // A short topic ("khai sinh", "tạm trú") matches several procedures completely and equally: that is a
    // question to ask back, not an out-of-scope one.
    const tiedTopic =
      runnerUp !== undefined && features.coverage >= 0.99 && features.bigrams >= 1 && features.margin < TIED_MARGIN;
    // A bare topic naming no action ("bằng lái"), which a sibling's name happens to spell word for word ("Đổi …
    // bằng lái xe của người nước ngoài"), still fits the other siblings: ask which, even at a wider margin.
    const bareTopic =
      runnerUp !== undefined &&
      isTopicOnly(prepared) &&
      prepared.actions.size === 0 &&
      features.coverage >= 0.99 &&
      features.margin < BARE_TOPIC_MARGIN;
    // Shopping, prices, bank products… are out of scope even when they share words with a procedure; one the
    // best procedure's own name holds ("đặt cược bóng đá") is answered only when sure, never offered as a menu.
    let scope = codeHits.length === 0 ? this.scope(prepared, top.best, query) : {};
    // A question the best record explains word for word, with many of its word pairs, names that procedure: a
    // marked phrase in it ("vay ngân hàng cần đk thế chấp sổ đỏ ở vp đăng ký đất đai") is the procedure's own
    // business, as when its name holds the phrase (answered only when sure). No out-of-scope question of the test
    // sets comes near (the closest: every word but one, 5 pairs).
    if (scope.refused !== undefined && features.coverage >= 0.99 && features.bigrams >= NAMED_PAIRS)
      scope = { excusedByName: scope.refused };
    // A story is judged by its request: a best record that explains almost none of a request without any
    // administrative word was found by the context alone ("…sổ đỏ đứng tên bố… Tôi nên nói chuyện với anh thế nào
    // để giữ hòa khí?"). Dense evidence may vouch for it.
    const unasked =
      prepared.story &&
      codeHits.length === 0 &&
      features.coverage < UNASKED_REQUEST &&
      features.dense === undefined &&
      !this.outOfScope.administrative({ ...prepared, text: query });
    const offTopic = scope.refused !== undefined || unasked;
    const unsure = confidence < this.calibration.abstainBelow && !tiedTopic;
    // A plausible but uncertain match (most of the question found, confidence in the menu band) is offered as a
    // short menu of the best candidates instead of "not found".
    // Every word found, with a word pair, and half the name mentioned or a table phrase (synonym, abbreviation,
    // concept: "đổi trường" → chuyển trường) the record holds: reviewed vocabulary says what the words mean.
    const fullyCovered =
      features.coverage >= 0.99 &&
      features.bigrams >= 1 &&
      (features.nameCoverage >= 0.5 || this.holdsExplained(prepared, top.best));
    const offerMenu =
      unsure &&
      !offTopic &&
      scope.excusedByName === undefined &&
      (fullyCovered ||
        (confidence >= this.calibration.menuAbove &&
          features.coverage >= MENU_MIN_COVERAGE &&
          features.nameCoverage >= MENU_MIN_NAME_COVERAGE));
    const abstain = offTopic || (unsure && !offerMenu);
    // Close scores are ambiguous only when the runner-up's name fits the question as well as the top one's
    // ("khai sinh" vs "khai sinh có yếu tố nước ngoài" is not ambiguous for "làm giấy khai sinh").
    const ambiguous =
      offerMenu ||
      (!abstain &&
        codeHits.length === 0 &&
        runnerUp !== undefined &&
        (tiedTopic || bareTopic || second >= top.score * this.calibration.ambiguousWithin) &&
        this.nameCoverage(words, runnerUp.best) >= features.nameCoverage - 0.1 &&
        !this.onlyTopDoes(prepared.actions, top.best, runnerUp.best) &&
        !this.residenceSettles(residence, top.best, runnerUp.best) &&
        (bareTopic || !this.onlyTopNamed(words, top.best, runnerUp.best)));
    const shown = groups.slice(0, limit);
    return {
      hits: shown.map((g) => this.hit(g.representative, scores)),
      groups: shown.map((g) => ({
        family: g.family,
        name: this.familyNames.get(g.family) ?? '',
        ids: g.members.map((m) => this.procedures[m]?.id as string),
      })),
      confidence,
      abstain,
      ambiguous,
      ...(offerMenu ? { offerMenu } : {}),
      path: this.path,
      features,
    };
  }

  private empty(): SearchResult {
    return { hits: [], groups: [], confidence: 0, abstain: true, ambiguous: false, path: this.path };
  }

  private hit(position: number, scores: Float32Array): SearchHit {
    const p = this.procedures[position] as Procedure;
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      score: scores[position] as number,
      family: this.families[position] as string,
    };
  }

  /** Whether the question is out of scope (knowledge/out-of-scope.json), given the best procedure's own name. */
  private scope(prepared: PreparedQuery, position: number, text: string): ScopeCheck {
    return this.outOfScope.check(
      { ...prepared, ...(prepared.story ? { text } : {}) },
      this.nameSequences[position] ?? [],
    );
  }

  /** Which words of a story are its request (request-focus.ts); undefined when the question is not a story. */
  private requestOf(text: string, question: ScopeQuestion): boolean[] | undefined {
    const { tokens, folded, unaccented } = question;
    return requestMask(text, tokens, folded, this.lexicon.fillerMask(tokens, folded, unaccented), unaccented);
  }

  /** The accented pair words i and i + 1 of a question typed without accents stand for, when the catalogue is sure. */
  private pairReading(folded: readonly string[], i: number): readonly [string, string] | undefined {
    const left = folded[i];
    const right = folded[i + 1];
    return left === undefined || right === undefined ? undefined : this.spelling.pairReading(left, right, BOUND_PAIRS);
  }

  /**
   * The out-of-scope list this engine refuses by; the conversation checks messages against the same one. A message
   * typed without diacritics is read with the accents the catalogue points to ("co quan nao" is not "quán nào").
   */
  get outOfScope(): OutOfScope {
    const list = this.lexicon.outOfScope;
    const read = (question: ScopeQuestion): ScopeQuestion => {
      const unaccented = question.unaccented && question.pairReading === undefined;
      const { text } = question;
      const story = text !== undefined && question.request === undefined;
      if (!unaccented && !story) return question;
      return {
        ...question,
        ...(unaccented ? { pairReading: (i: number) => this.pairReading(question.folded, i) } : {}),
        ...(story ? { request: () => this.requestOf(text, question) } : {}),
      };
    };
    return {
      find: (question, name) => list.find(read(question), name),
      check: (question, name) => list.check(read(question), name),
      administrative: (question) => list.administrative(read(question)),
    };
  }

  private codeMatches(prepared: PreparedQuery): number[] {
    return prepared.codes.flatMap((code) => this.byCode.get(code) ?? []);
  }

  /**
   * Cosine similarity by catalogue position of the question's nearest procedures. A failing model is no
   * reason to fail the question: the answer is then lexical.
   */
  private async denseSimilarities(query: string): Promise<Map<number, number> | undefined> {
    try {
      const similar = (await this.dense?.similar(query, DENSE_CANDIDATES)) ?? [];
      const byPosition = new Map<number, number>();
      for (const { id, similarity } of similar) {
        const position = this.positionById.get(id);
        if (position !== undefined) byPosition.set(position, Math.max(similarity, byPosition.get(position) ?? -1));
      }
      return byPosition;
    } catch {
      return undefined;
    }
  }

  /** Groups ranked positions into families, the first `count` of them; a family's score is its best member's. */
  private group(ranked: number[], scores: Float32Array, count: number) {
    const byFamily = new Map<
      number,
      { family: string; score: number; best: number; members: number[]; representative: number }
    >();
    for (const position of ranked) {
      const key = this.familyIds[position] as number;
      const existing = byFamily.get(key);
      if (!existing) {
        // Only the first `count` families are asked for (the rest would be built and thrown away).
        if (byFamily.size >= count) continue;
        byFamily.set(key, {
          family: this.families[position] as string,
          score: scores[position] as number,
          best: position,
          members: [position],
          representative: position,
        });
        continue;
      }
      existing.members.push(position);
    }
    const groups = [...byFamily.values()];
    for (const g of groups) {
      // A lone member is its family's representative as it stands.
      if (g.members.length === 1) continue;
      // Members within a few percent of the best are interchangeable for the question: show the preferred one.
      const close = g.members.filter((m) => (scores[m] as number) >= g.score * 0.97);
      close.sort((a, b) => (this.preference[a] as number) - (this.preference[b] as number));
      g.representative = close[0] ?? g.best;
      g.members.sort((a, b) =>
        a === g.representative ? -1 : b === g.representative ? 1 : (scores[b] as number) - (scores[a] as number),
      );
    }
    return groups;
  }

  /** What the confidence is computed from: how well the best match covers the question and vice versa. */
  private features(
    match: QueryMatch,
    words: Set<string>,
    position: number,
    lexicalScore: number,
    maxScore: number,
    score: number,
    second: number,
  ): MatchFeatures {
    // A story is judged on its request: its context words are left out of the coverage.
    const { total, covered } = this.coverage(match, position, match.prepared.story);
    // The official phrase of a concept the question was recognised by counts as matched word pairs when the
    // match holds it (the concept table's triggers are situations, not bare everyday words: see docs/knowledge.md).
    let bigrams = match.bigramsIn(position) + this.explainedPairs(match.prepared, position);
    for (const key of match.prepared.conceptBigrams) if (this.index.contains(key, position)) bigrams++;
    return {
      coverage: total > 0 ? covered / total : 0,
      matched: covered,
      nameCoverage: this.nameCoverage(words, position),
      bigrams,
      strength: maxScore > 0 ? lexicalScore / maxScore : 0,
      margin: score > 0 ? (score - second) / score : 0,
    };
  }

  /** True when the record holds a synonym, abbreviation or concept phrase found in the question. */
  private holdsExplained(prepared: PreparedQuery, position: number): boolean {
    return prepared.explained.some((span) => span.holds.every((key) => this.index.contains(key, position)));
  }

  /**
   * Word pairs a synonym, abbreviation or concept phrase the record holds forms with the question's words beside it
   * (`ExplainedSpan`), beyond the question's own pairs (already counted).
   */
  private explainedPairs(prepared: PreparedQuery, position: number): number {
    if (prepared.explained.length === 0) return 0;
    const own = new Set(prepared.contentBigrams);
    const counted = new Set<string>();
    let pairs = 0;
    for (const span of prepared.explained) {
      if (!span.holds.every((key) => this.index.contains(key, position))) continue;
      for (const key of span.bridges) {
        if (counted.has(key) || own.has(key) || !this.index.contains(key, position)) continue;
        counted.add(key);
        pairs++;
      }
    }
    return pairs;
  }

  /** Rarity-weighted amount of the question's content words, and how much of it a document matches. */
  private coverage(match: QueryMatch, position: number, requestOnly = false): { total: number; covered: number } {
    let covered = 0;
    let total = 0;
    for (const resolved of match.units) {
      if (resolved.unit.filler || (requestOnly && resolved.unit.weight !== undefined)) continue;
      total += resolved.weight;
      covered += resolved.weight * this.unitMatch(match, resolved, position);
    }
    return { total: requestOnly ? total : match.contentWeight, covered };
  }

  /**
   * How well a document matches one word of the question: 1 for the word itself (or a synonym's word), less when
   * only its unaccented form matches an accented question ("dược" is not "được").
   */
  private unitMatch(match: QueryMatch, resolved: ResolvedUnit, position: number): number {
    const { unit } = resolved;
    if (unit.actions?.some((c) => this.actions[position]?.has(c))) return 1;
    // A word typed without accents, or with doubtful ones, is matched on its unaccented form in full.
    const echo = match.prepared.unaccented || unit.loose ? -1 : 1;
    let folded = false;
    let indexOnly = false;
    for (let k = 0; k < unit.terms.length; k++) {
      if (!match.holds(resolved, k, position)) {
        if (k !== echo && match.holdsAnywhere(resolved, k, position)) indexOnly = true;
        continue;
      }
      if (k !== echo) return 1;
      folded = true;
    }
    for (let p = 0; p < resolved.phrases.length; p++) {
      if (match.holdsPhrase(resolved, p, position)) return 1;
    }
    return Math.max(folded ? FOLDED_MATCH : 0, indexOnly ? INDEX_ONLY_MATCH : 0);
  }

  /**
   * The best lexical candidates, plus every record holding the question's rarest content word when few do: common
   * words and their pairs must not push the one discriminating word ("mẫu Peru") out of the re-ranking.
   */
  private withRareMatches(match: QueryMatch, ranked: number[], scores: Float32Array): number[] {
    const pool = ranked.slice(0, RERANK_CANDIDATES);
    const rarest = this.rarestUnit(match);
    const docs = rarest === undefined ? undefined : this.index.documentsWith(rarest.key);
    if (!docs || docs.length > RARE_POOL) return pool;
    const inPool = new Set(pool);
    for (const d of docs) {
      if (inPool.has(d) || (scores[d] as number) <= 0) continue;
      pool.push(d);
      if (!ranked.includes(d)) ranked.push(d);
    }
    return pool;
  }

  /**
   * The word a candidate must hold not to lose ground: in a short question its rarest word ("cchn dược"); in a
   * longer one (not a story) its rarest word when only a handful of records hold it, a name-like identifier
   * ("C/O mẫu Peru", "mẫu ICO"), which the common words and their pairs around it must not outweigh.
   */
  private discriminatingUnit(match: QueryMatch): { unit: ResolvedUnit; factor: number } | undefined {
    const length = contentLength(match.prepared);
    if (length > LONG_QUESTION) return undefined;
    const rarest = this.rarestUnit(match);
    if (!rarest) return undefined;
    if (length <= SHORT_QUESTION) return { unit: rarest.unit, factor: MISSING_RARE };
    const holders = this.index.documentsWith(rarest.key)?.length ?? 0;
    return holders <= IDENTIFIER_HOLDERS ? { unit: rarest.unit, factor: MISSING_IDENTIFIER } : undefined;
  }

  /** The question's rarest content word that the index knows (its folded term), with all its matching terms. */
  private rarestUnit(match: QueryMatch): { key: string; unit: ResolvedUnit } | undefined {
    let best: { key: string; unit: ResolvedUnit } | undefined;
    let bestIdf = 0;
    for (const resolved of match.units) {
      const { unit } = resolved;
      if (unit.filler) continue;
      const k = unit.terms.length > 1 && !match.prepared.unaccented ? 1 : 0;
      const key = unit.terms[k] as string;
      const idf = (resolved.idfs[k] as number) * (unit.weight ?? 1);
      if (resolved.postings[k] !== undefined && idf > bestIdf) {
        bestIdf = idf;
        best = { key, unit: resolved };
      }
    }
    return best;
  }

  /**
   * Re-scores the best lexical candidates: a candidate leaving more of the question's content words unmatched
   * loses ground (× (COVERAGE_FLOOR + coverage)), and one whose name appears in the question as an unbroken
   * phrase gains (× (1 + PHRASE_BONUS × phrase share of the name)); long questions often quote the name.
   */
  private rerank(match: QueryMatch, scores: Float32Array, candidates: number[]): void {
    const { prepared } = match;
    const asked = prepared.actions;
    // In a short question every word counts: a candidate without its rarest word ("cchn dược") loses ground.
    const rarest = this.discriminatingUnit(match);
    const long = contentLength(prepared) > LONG_QUESTION;
    const topicOnly = isTopicOnly(prepared);
    const sides = contrastSides(prepared.folded);
    const shares = candidates.map((p) => {
      const { total, covered } = this.coverage(match, p);
      return total > 0 ? covered / total : -1;
    });
    const alternative = candidates.some(
      (p, k) =>
        (shares[k] as number) >= ALTERNATIVE_COVERAGE && actionFactor(asked, this.actions[p] as Set<ActionClass>) > 1,
    );
    candidates.forEach((position, k) => {
      let factor = 1;
      if (rarest && this.unitMatch(match, rarest.unit, position) < 1) factor *= rarest.factor;
      const share = shares[k] as number;
      if (share >= 0) factor *= COVERAGE_FLOOR + share;
      if (prepared.contentBigrams.length > 0) {
        const pairs = match.bigramsIn(position);
        factor *= COVERAGE_FLOOR + pairs / prepared.contentBigrams.length;
      }
      const { ids, weights } = this.names;
      const from = this.names.start(position);
      const to = this.names.end(position);
      // The question's own words, or a rewording with a synonym in place ("lưu học sinh" → "du học sinh"); only
      // rewordings that could beat the question's own run are tried.
      const { sequences } = match;
      const question = sequences[0] as RunSequence;
      let run = question.longestRun(ids, from, to);
      const tried = match.rewordingsFor(ids, from, to);
      for (let v = 1; v < sequences.length; v++) {
        if ((tried & (1 << (v - 1))) === 0) continue;
        const alternative = (sequences[v] as RunSequence).longestRun(ids, from, to);
        if (alternative.length > run.length) run = alternative;
      }
      if (prepared.folded.length >= 3 && run.length >= 2) {
        let runWeight = 0;
        let nameWeight = 0;
        for (let k = 0; k < to - from; k++) {
          const weight = weights[from + k] as number;
          nameWeight += weight;
          if (k >= run.start && k < run.start + run.length) runWeight += weight;
        }
        if (nameWeight > 0) factor *= 1 + (PHRASE_BONUS * runWeight) / nameWeight;
      }
      // The question quotes a whole curated alias ("giải thể công ty"): weigh by how much of the question it explains.
      let quoted = 0;
      for (const alias of this.aliasIds[position] ?? []) {
        if (question.longestRun(alias).length === alias.length) quoted = Math.max(quoted, alias.length);
      }
      if (quoted > 0) factor *= 1 + (ALIAS_BONUS * quoted) / Math.max(quoted, contentLength(prepared));
      factor *= actionFactor(asked, this.actions[position] as Set<ActionClass>, alternative, long, topicOnly);
      factor *= contrastFactor(sides, this.nameSides[position] as Uint8Array);
      scores[position] = (scores[position] as number) * factor;
    });
  }

  /**
   * Sibling names where one adds a qualifier to the other ("Cấp Giấy xác nhận tình trạng hôn nhân" / "… cho công
   * dân Việt Nam trong thời gian cư trú ở nước ngoài"): the question decides. When it names the qualifier (as word
   * pairs, its own or a synonym's: "đang sống ở Nhật" = ở nước ngoài), the longer name goes just above the shorter
   * one, whatever a curated prior or the shorter name's phrase match gave. (The reverse, putting the shorter name
   * first when the question names none of the qualifier, was tried and lost more than it won: citizens name a
   * qualifier in words no table knows.)
   */
  private specialise(prepared: PreparedQuery, scores: Float32Array, candidates: number[]): void {
    if (prepared.contentBigrams.length === 0) return;
    const best = [...candidates]
      .sort((a, b) => (scores[b] as number) - (scores[a] as number))
      .slice(0, SPECIALISED_CANDIDATES);
    const asked = new Set(prepared.contentBigrams);
    for (const general of best) {
      const distinct = this.nameWords[general]?.length ?? 0;
      for (const specific of best) {
        if (specific === general || this.families[specific] === this.families[general]) continue;
        const words = this.nameSequences[specific] ?? [];
        if (words.length <= distinct || !this.names.holdsAllOf(specific, general)) continue;
        // Siblings that differ by their action ("Cấp lại …") are the actions' business.
        if (!sameActions(this.actions[general], this.actions[specific])) continue;
        const [g, sp] = [scores[general] as number, scores[specific] as number];
        if (sp > g || sp < g * SPECIALISED_FLOOR) continue;
        const base = new Set(this.nameWords[general]);
        if (this.qualifierMention(specific, base, asked) >= SPECIALISED_MENTION) scores[specific] = g * 1.01;
      }
    }
  }

  /**
   * Sibling names among the best candidates, each with words of its own beside the ones they share ("… thường xuyên
   * công lập" / "… tư thục"; "… thuộc thẩm quyền của UBND cấp xã" / "… nông, lâm, thủy sản"): the words that tell
   * them apart decide. A lower sibling scoring close to a higher one goes just above it when the question names a
   * good part of the lower one's own words and none of the higher one's. Leading action words are left out (the
   * actions weigh them), and so are stories, whose many words name a sibling's qualifier by chance. Looser
   * thresholds (any own word named, or a sibling further below) lost about as often as they won.
   */
  private discriminate(prepared: PreparedQuery, scores: Float32Array, candidates: number[]): void {
    if (contentLength(prepared) > LONG_QUESTION) return;
    const best = [...candidates]
      .sort((a, b) => (scores[b] as number) - (scores[a] as number))
      .slice(0, DISCRIMINATE_CANDIDATES);
    const asked = contentWords(prepared);
    const words = (position: number) => this.objectWords(position);
    for (let k = 1; k < best.length; k++) {
      const lower = best[k] as number;
      for (let h = 0; h < k; h++) {
        const higher = best[h] as number;
        if (this.families[higher] === this.families[lower]) continue;
        if ((scores[lower] as number) < (scores[higher] as number) * DISCRIMINATE_FLOOR) continue;
        const { shared, higherOwn, lowerOwn } = this.nameDifference(words(higher), words(lower), asked);
        // A name holding all the other's words and more is specialise()'s business.
        if (higherOwn.weight === 0 || lowerOwn.weight === 0) continue;
        if (shared < SIBLING_SHARE * Math.min(shared + higherOwn.weight, shared + lowerOwn.weight)) continue;
        if (shared < SIBLING_OVERLAP * Math.max(shared + higherOwn.weight, shared + lowerOwn.weight)) continue;
        if (higherOwn.asked > 0 || lowerOwn.asked < lowerOwn.weight * DISCRIMINATE_MENTION) continue;
        scores[lower] = (scores[higher] as number) * 1.01;
        best.splice(k, 1);
        best.splice(h, 0, lower);
        break;
      }
    }
  }

  /**
   * Rarity-weighted words two names' objects share, and for each name the weight of its own words and of those the
   * question (`asked`, folded) holds.
   */
  private nameDifference(wordsA: Map<string, number>, wordsB: Map<string, number>, asked: Set<string>) {
    const higherOwn = { weight: 0, asked: 0 };
    const lowerOwn = { weight: 0, asked: 0 };
    let shared = 0;
    for (const [words, others, own] of [
      [wordsA, wordsB, higherOwn],
      [wordsB, wordsA, lowerOwn],
    ] as const) {
      for (const [w, weight] of words) {
        if (others.has(w)) {
          if (own === higherOwn) shared += weight;
          continue;
        }
        own.weight += weight;
        if (asked.has(w)) own.asked += weight;
      }
    }
    return { shared, higherOwn, lowerOwn };
  }

  /**
   * The distinct folded words of a name's object, each with its IDF (its folded term's): its leading action words
   * left out (the actions weigh them), and its grammar words ("cho", "của", "đối với"), read with their accents ("cơ
   * sở", "tư thục" stay). Worked out once per record, when first asked.
   */
  private objectWords(position: number): Map<string, number> {
    let words = this.objectWeights[position];
    if (words) return words;
    const tokens = tokenize(searchableName((this.procedures[position] as Procedure).name));
    words = new Map<string, number>();
    for (let k = this.objectStarts[position] as number; k < tokens.length; k++) {
      const token = tokens[k] as string;
      if (GRAMMAR_WORDS.has(token)) continue;
      const word = foldToken(token);
      if (!words.has(word)) words.set(word, this.index.idf(`~${word}`));
    }
    this.objectWeights[position] = words;
    return words;
  }

  /** Rarity-weighted share of the word pairs a longer name adds to `base` ("nước ngoài") that the question holds. */
  private qualifierMention(position: number, base: Set<string>, asked: Set<string>): number {
    const words = this.nameSequences[position] ?? [];
    // The name's words with their IDF, as packed for phrase runs.
    const { weights } = this.names;
    const from = this.names.start(position);
    let total = 0;
    let mentioned = 0;
    for (let k = 0; k + 1 < words.length; k++) {
      const [a, b] = [words[k] as string, words[k + 1] as string];
      // Only pairs of the qualifier itself, not where it joins the shared words ("tử cho").
      if (base.has(a) || base.has(b)) continue;
      const weight = Math.max(weights[from + k] as number, weights[from + k + 1] as number);
      total += weight;
      if (asked.has(foldedKey(bigramKey(a, b)))) mentioned += weight;
    }
    return total > 0 ? mentioned / total : 0;
  }

  /**
   * Whether the question names a word of the best name that the runner-up's lacks ("hỗ trợ doanh nghiệp khởi nghiệp
   * sáng tạo": "doanh nghiệp"), and none of the runner-up's that the best lacks: the question has already chosen.
   */
  private onlyTopNamed(words: Set<string>, top: number, runnerUp: number): boolean {
    const topWords = new Set(this.nameWords[top]);
    const otherWords = new Set(this.nameWords[runnerUp]);
    const named = (own: Set<string>, other: Set<string>) => [...own].some((w) => !other.has(w) && words.has(w));
    return named(topWords, otherWords) && !named(otherWords, topWords);
  }

  /**
   * Whether the question asks for an action ("xin cấp", "gia hạn") that the best record's name does and the
   * runner-up's does not ("Thủ tục lấy ý kiến đối với việc xây dựng nhà ở"): then the runner-up is no real
   * alternative to ask about.
   */
  private onlyTopDoes(asked: Set<ActionClass>, top: number, runnerUp: number): boolean {
    const does = (position: number) => [...asked].some((c) => this.actions[position]?.has(c));
    return asked.size > 0 && does(top) && !does(runnerUp);
  }

  /**
   * Two close siblings, one done where the citizen says they live ("hiện em vẫn đang ở Việt Nam": "Thôi quốc tịch
   * Việt Nam ở trong nước" over "… ở nước ngoài"): that one goes first. Only a near tie is reordered.
   */
  private preferResidence(stated: Residence, groups: { score: number; best: number }[]): void {
    const [top, runnerUp] = groups;
    if (stated === Residence.Unknown || !top || !runnerUp) return;
    if (runnerUp.score < top.score * this.calibration.ambiguousWithin) return;
    const named = (position: number) => this.nameResidences[position] as Residence;
    if (named(runnerUp.best) === stated && named(top.best) !== stated) {
      groups[0] = runnerUp;
      groups[1] = top;
    }
  }

  /**
   * Whether where the citizen says they live ("em đang ở Hàn Quốc", "hiện vẫn đang ở Việt Nam") is where the best
   * name is done and not where the runner-up's is ("Thôi quốc tịch Việt Nam ở trong nước" / "… ở nước ngoài"):
   * then there is nothing to ask. (As a ranking factor it lost more than it won: long questions state the
   * residence of someone else, or of the citizen before coming home.)
   */
  private residenceSettles(stated: Residence, top: number, runnerUp: number): boolean {
    if (stated === Residence.Unknown) return false;
    const named = (position: number) => this.nameResidences[position] as Residence;
    return (
      named(top) === stated ||
      (named(top) === Residence.Unknown && named(runnerUp) !== Residence.Unknown && named(runnerUp) !== stated)
    );
  }

  /** Share of a procedure's name (rarity-weighted, folded words) that the question mentions. */
  private nameCoverage(words: Set<string>, position: number): number {
    let total = 0;
    let covered = 0;
    const names = this.nameWords[position] ?? [];
    const weights = this.nameWordWeights[position] ?? [];
    for (let k = 0; k < names.length; k++) {
      const weight = weights[k] as number;
      total += weight;
      if (words.has(names[k] as string)) covered += weight;
    }
    return total > 0 ? covered / total : 0;
  }

  /** Looks a procedure up by UUID. */
  get(id: string): Procedure | undefined {
    return this.catalogue.byId.get(id);
  }

  /** Family members of a procedure, the preferred one first. */
  familyOf(id: string): Procedure[] {
    const position = this.positionById.get(id);
    if (position === undefined) return [];
    const members = [...(this.familyMembers.get(this.families[position] as string) ?? [])];
    members.sort((a, b) => (this.preference[a] as number) - (this.preference[b] as number));
    return members.map((m) => this.procedures[m] as Procedure);
  }
}

/** A bare topic ("bằng lái", "căn cước"): a few words, all of them content. */
function isTopicOnly(prepared: PreparedQuery): boolean {
  return contentLength(prepared) <= TOPIC_ONLY && prepared.units.every((u) => !u.filler);
}

/** Number of content (non-filler) words of the question. */
function contentLength(prepared: PreparedQuery): number {
  return prepared.units.filter((u) => !u.filler).length;
}

function sameActions(a: Set<ActionClass> | undefined, b: Set<ActionClass> | undefined): boolean {
  return a?.size === b?.size && [...(a ?? [])].every((c) => b?.has(c));
}

/** Folded content words of the question (no filler, not a story's context), with its synonyms' words. */
function contentWords(prepared: PreparedQuery): Set<string> {
  const words = new Set<string>();
  for (const unit of prepared.units) {
    if (unit.filler || (unit.weight ?? 1) < 1) continue;
    for (const t of unit.terms) words.add(t.startsWith('~') ? t.slice(1) : foldToken(t));
    for (const phrase of unit.phrases ?? []) for (const t of phrase.tokens) words.add(foldToken(t));
  }
  return words;
}

/** Folded words of the question, including the words of its synonym expansions. */
function queryWords(prepared: PreparedQuery): Set<string> {
  const words = new Set<string>();
  for (const unit of prepared.units) {
    for (const t of unit.terms) words.add(t.startsWith('~') ? t.slice(1) : foldToken(t));
    for (const phrase of unit.phrases ?? []) for (const t of phrase.tokens) words.add(foldToken(t));
  }
  return words;
}

/** Maps lazily, so documents are turned into terms one at a time while the index is built. */
function* lazyMap<T, U>(items: readonly T[], map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  return max;
}
