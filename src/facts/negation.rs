//! Negated clauses (否定節) in the normalised text of a notice.
//!
//! disclint checks whether a notice *states* things (which data items leaked, whether
//! misuse happened, …). A mention inside a negated clause does not state the thing:
//! in 「クレジットカード情報は含まれておりません」 the card data is *not* affected, in
//! 「二次被害は確認されておりません」 secondary damage is denied. This module finds the
//! byte ranges of such clauses once per document; rules test whether a hit lies inside
//! one (and a "secondary damage" rule uses negated mentions on purpose).
//!
//! The module is self-contained (no `crate::` imports) and works on the normalised view
//! (full-width ASCII folded to ASCII, kanji/kana untouched). Both the folded and the
//! full-width forms of punctuation are accepted anyway, so it also works on raw text.
//!
//! # What is found
//!
//! A clause is reported when its predicate ends in a negation marker:
//!
//! | marker | covers |
//! | --- | --- |
//! | ません (+でした) | ておりません, ていません, ございません, ありません, いたしません, 含まれません |
//! | ない / なかった / 無い / 無かった | ていない, 含まれていない, 該当しない, 認められない, 事実はない, ではない |
//! | なく / 無く | 影響はなく、 ではなく、 含まれていなくて |
//! | ず | ておらず、 確認されず、 せず(に) |
//! | なし / 無し | 影響なし, 要配慮個人情報は無し |
//!
//! The reported range runs from the start of the clause the negated predicate governs up
//! to and including the marker (ません includes a following でした).
//!
//! # Predicate position
//!
//! Only a marker that ends a predicate counts; a negation inside a noun phrase
//! (「身に覚えのない請求」, 「見慣れない点」, 「アクセスできない状態」) does not negate the
//! clause around it. A marker ends a predicate when what follows is the sentence end,
//! punctuation or a bracket, or a clause ending: と(の) (quotation), が, けれど, ので,
//! から, ため (not ための/ために: purpose), し、, もの(の), こと, 事/旨/物 (not 事象, 事態:
//! those are noun phrases), わけ, です/でした/だ/である, まま, 模様, 見込み, 予定, 方針,
//! 運用, 仕様 (「保存しない運用」), ようです (seems). ません ends a predicate unless
//! ませんか/ませんよう follows; ず needs punctuation, に or a non-kana character after it
//! (おらず現在調査中); なく needs punctuation or て, or after は/も/が/で any non-kana
//! (「端末ではなくサーバー」, 「影響はなく通常通り」), while a bare 問題なく稼働 is
//! adverbial; なし needs punctuation, と, を or です (not なしで/なしに: "without"). One
//! adnominal negation is kept: 含まない / 含まれない / 該当しない before a noun
//! (「クレジットカード情報を含まない会員情報」 negates the card data).
//!
//! # Not negations (excluded)
//!
//! * Statutory hedges and double negatives, which mean "possibly": 否定できない,
//!   否定できません, 否定することはできない, 否定するには至らない, 排除できない,
//!   払拭できない, 否めない, 断言できない, 言い切れない, 〜とは言えない, ゼロではない,
//!   皆無ではない, 〜ないとは限らない, 〜ないわけではない.
//! * Modality and fixed phrases: かもしれない/ません, 限らない/限りません/この限りでは
//!   ない, 違いない, 間違いない, 申し訳ない/ございません/ありません, すみません,
//!   構いません, permission (〜ても差し支えない, 〜ても問題ありません; but
//!   「業務に差し支えはない」 counts), やむを得ない/ざるを得ない, しかねない, にすぎない,
//!   ほかならない, いけない, 行ない/損ない (verbs),
//!   なければならない/てはならない, 仕方ない, 少ない/少なくない/少なからず, 危ない,
//!   だけでなく/だけではない (not only).
//! * Purpose, advice, questions and conditions: ないよう(に) / ませんよう, ないための /
//!   ないために, ないで(ください), ないか / ませんか / ないでしょうか (question,
//!   「ではないかと考えております」), ない場合 / ない限り / なくても / なくては (conditions,
//!   obligations), ないと(いけない|ならない), ないし (= "or"), 〜ない、または〜 (one
//!   alternative of a disjunction), and any negation in a sentence that ends as a question
//!   (〜ですか, 〜でしょうか, ？: FAQ headings).
//! * Plain (non-polite, non-stative) negation of an action inside a request sentence
//!   (one whose rest contains ください/お願い/ご注意/ご留意): 「開封せず、削除してください」,
//!   「メールを開かない、リンクを押さない等の対応をお願いします」 are advice, not
//!   statements. Stative or passive forms (ておらず, ていない, されず) and existence
//!   negations (〜はない) in such a sentence still count.
//! * Restrictive "only": a clause containing しか (「氏名しか含まれておりません」 states the
//!   name), partial negation (全て/すべて/全部/全員 + ではない/わけではない:
//!   「全ての情報が含まれているわけではありません」) and 必ずしも.
//! * Idioms ending in ず/なく that are not negations of the clause: まず, 必ず,
//!   相変わらず, にもかかわらず/にも関わらず, 問わず, 限らず, のみならず, 思わず, 絶えず,
//!   とりあえず, 意図せず, 予期せず, やむを得ず, 残らず, よらず, はず, もれなく/漏れなく,
//!   間もなく, ほどなく, くまなく, 遠慮なく, 例外なく, 余儀なく, やむなく, 滞りなく,
//!   限りなく; and みなし (deemed), なくなる (becomes un-: a loss, i.e. affected).
//! * 問題ない is kept as a negation ("there is no problem"): 「カード情報は問題ない」
//!   asserts the card data is not affected, so treating it as a statement would be wrong.
//!
//! # Clause start
//!
//! Scanning back from the marker, the clause starts at the sentence start or just after
//! the nearest clause boundary:
//!
//! * connectives: が、 after a predicate (ますが、 ましたが、 ませんが、 たが、 ないが、),
//!   ですが/ますが/ましたが/でしたが/ませんが (with or without 、), ものの, けれど(も),
//!   けど, ので, から、, ため, 〜たところ, ことから, ながら、, ても、;
//! * a 、 after a conjunctive (連用/て) form: おり、 あり、 であり、 して、 され、 し、
//!   受け、 除き、 ず、 なく、 ない、 ため、 ば、 … — but not after the postpositions
//!   について/に関して/において/によって/として/に対して/に加え(て)/を含め(て)/をはじめ,
//!   which belong to the clause;
//! * sentence adverbs + 、: なお、 また、 ただし、 ただ、 さらに、 しかし、 一方、 結果、;
//!   conditional/temporal and coordinating heads + 、: 場合(は|には)、 際(は|には)、
//!   とともに、;
//! * exclusion words: 以外(の|は|に|では), 除く, 除き, 除いて, のほか(、|に): in
//!   「氏名以外の情報は含まれておりません」 the name is *not* negated;
//! * an unclosed opening bracket (（「【[): a negation inside （…） starts there;
//!   brackets closed before the marker are skipped whole;
//! * a line break, a table cell bar `|`, or a label colon (：, `:` not between digits).
//!
//! A negation inside a nominalised clause (〜ないこと, 〜ない事, 〜ないという, 〜ないとの)
//! covers that clause only: a time adverbial + 、, a phrase ending in に/で/） + 、, or
//! 際に/ときに before it (「4月2日、ファイルが開かないことが判明」「開こうとした際にファイルが
//! 開かないことが発覚」) belongs to the main predicate, which stays affirmed; a noun list
//! (「氏名、住所は含まれていないこと」) stays in the clause.
//!
//! A bare 、 between nouns (「氏名、住所、電話番号は流出しておりません」) or after a case
//! particle (は、 を、 に、 で、) does not end the clause. Leading spaces and list bullets
//! are skipped.
//!
//! For 含む the container is not negated: in 「流出した情報には、クレジットカード情報は
//! 含まれておりません」 (container には/に、/では + subject は/が/も), in 「漏えいした個人情報に
//! カード情報は含まれません」 (a bare に after a noun, when a plain noun phrase + は/が/も
//! follows: not 直接的に…, not に関する) and in 「本データはカード番号を含みません」 (topic
//! は + object を) the clause starts after the container.
//!
//! # Output
//!
//! Ranges are sorted and non-overlapping: nested or overlapping scopes in one sentence
//! (「漏えいはないとの報告は受けておりません」) are merged.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The morphological kind of a negation marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// ません (polite), optionally followed by でした.
    Masen,
    /// ない / 無い (plain, non-past).
    Nai,
    /// なかった / 無かった (plain, past).
    Nakatta,
    /// なく / 無く (conjunctive).
    Naku,
    /// ず (classical conjunctive: ておらず, せず).
    Zu,
    /// なし / 無し (nominal: 影響なし).
    Nashi,
}

const MARKERS: &[(&str, Kind)] = &[
    ("ません", Kind::Masen),
    ("ない", Kind::Nai),
    ("無い", Kind::Nai),
    ("なかった", Kind::Nakatta),
    ("無かった", Kind::Nakatta),
    ("なく", Kind::Naku),
    ("無く", Kind::Naku),
    ("ず", Kind::Zu),
    ("なし", Kind::Nashi),
    ("無し", Kind::Nashi),
];

fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(MARKERS.iter().map(|(p, _)| p))
            .expect("negation markers compile")
    })
}

/// Byte ranges (into `text`) of clauses whose predicate is negated. `sentences` are the
/// byte ranges of sentences of `text` (sorted, non-overlapping); a clause never crosses a
/// sentence.
///
/// Each range runs from the start of the negated clause to the end of the negation
/// marker (see the module documentation for the rules). The result is sorted and
/// non-overlapping. Sentence ranges that are out of bounds or not on character
/// boundaries are ignored.
pub fn find_negated_clauses(text: &str, sentences: &[Range<usize>]) -> Vec<Range<usize>> {
    clauses(text, sentences, markers_in(text, text.len()))
}

/// The characters a negation marker can be found by: the first of each marker, except
/// せ for ません (ま starts every ます and ました; ません is the only marker with せ).
pub const LEAD_CHARS: [char; 4] = ['せ', 'な', '無', 'ず'];

/// [`find_negated_clauses`], given the positions at or after `from` of every
/// [`LEAD_CHARS`] character of `text`, in order (found by another scan of the text; the
/// bytes before `from` are searched here).
pub fn find_negated_clauses_at(
    text: &str,
    sentences: &[Range<usize>],
    from: usize,
    leads: &[usize],
) -> Vec<Range<usize>> {
    // The markers starting before `from`, with room after it for the longest one.
    let head = if from == 0 {
        Vec::new()
    } else {
        let end = text.ceil_char_boundary(from.saturating_add(MAX_MARKER_LEN));
        markers_in(text, end).filter(|m| m.0 < from).collect()
    };
    // (A ません whose せ is at `from` starts before it, and is in `head`.)
    let body = leads
        .iter()
        .filter_map(|&p| marker_at(text, p))
        .filter(|m| m.0 >= from);
    clauses(text, sentences, head.into_iter().chain(body))
}

/// Bytes of the longest marker.
const MAX_MARKER_LEN: usize = "なかった".len();

/// The markers of `text[..end]` as (start, end, kind), in order. No marker starts
/// inside another and at most one starts at a position (their characters after the
/// first start none of them, and those after a shared first character differ), so
/// the automaton's leftmost-longest matches are all the occurrences.
fn markers_in(text: &str, end: usize) -> impl Iterator<Item = (usize, usize, Kind)> + '_ {
    automaton()
        .find_iter(&text[..end])
        .map(|m| (m.start(), m.end(), MARKERS[m.pattern().as_usize()].1))
}

/// The marker found by the lead character at `p`, if any (see [`LEAD_CHARS`]).
fn marker_at(text: &str, p: usize) -> Option<(usize, usize, Kind)> {
    let rest = text.get(p..)?;
    // ません is found by its せ; the bytes of ま before it make a character boundary.
    if rest.starts_with("せん") {
        let start = p.checked_sub("ま".len())?;
        return text.as_bytes()[start..]
            .starts_with("ま".as_bytes())
            .then_some((start, p + "せん".len(), Kind::Masen));
    }
    let c = first_char(rest)?;
    MARKERS
        .iter()
        .find(|(m, _)| m.starts_with(c) && rest.starts_with(m))
        .map(|&(m, kind)| (p, p + m.len(), kind))
}

/// The clauses negated by `markers` (start, end, kind), in order.
fn clauses(
    text: &str,
    sentences: &[Range<usize>],
    markers: impl IntoIterator<Item = (usize, usize, Kind)>,
) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut si = 0;
    for (mstart, mend, kind) in markers {
        while si < sentences.len() && sentences[si].end < mend {
            si += 1;
        }
        let Some(sent) = sentences.get(si) else { break };
        if mstart < sent.start || !valid_sentence(text, sent) {
            continue;
        }
        // A clause is never this long; looking further would make a huge sentence
        // full of markers cost quadratic time (a hostile input, not prose).
        let window = text
            .floor_char_boundary(mstart.saturating_sub(WINDOW))
            .max(sent.start)
            ..text
                .ceil_char_boundary(mend.saturating_add(WINDOW))
                .min(sent.end);
        if let Some(r) = analyse(text, window, mstart, mend, kind) {
            out.push(r);
        }
    }
    merge(out)
}

/// Bytes looked at on each side of a negation marker.
const WINDOW: usize = 2048;

fn valid_sentence(text: &str, s: &Range<usize>) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

fn merge(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Decides whether the marker at `mstart..mend` negates its clause; returns the scope.
fn analyse(
    text: &str,
    sent: Range<usize>,
    mstart: usize,
    mut mend: usize,
    kind: Kind,
) -> Option<Range<usize>> {
    if kind == Kind::Masen && text[mend..sent.end].starts_with("でした") {
        mend += "でした".len();
    }
    let before = &text[sent.start..mstart];
    let after = &text[mend..sent.end];

    if !predicate_final(kind, before, after) || is_question(after) {
        return None;
    }

    let start = clause_start(text, sent.start, mstart);
    let clause = &text[start..mstart];

    if excluded_by_preceding(kind, clause) || excluded_by_clause(clause) {
        return None;
    }
    if is_advice(kind, clause, after) {
        return None;
    }
    let start = start + container_cut(clause);
    let start = start + nominal_cut(&text[start..mstart], after);
    let start = skip_leading(text, start, mstart);
    Some(start..mend)
}

/// Endings of a time adverbial that opens a sentence (「3月1日、」「同日未明、」「翌朝、」).
const TIME_ENDINGS: &[&str] = &[
    "日", "月", "年", "頃", "ごろ", "時", "分", "未明", "以降", "旬", "朝", "夜", "夕方", "午前",
    "午後",
];

/// A negation inside a nominalised clause (〜ないこと, 〜ない事, 〜ないという, 〜ないとの)
/// covers only that clause: in 「3月1日、ファイルが開かないことが判明しました」 the date
/// belongs to the main predicate (判明), which is affirmed. Returns how many bytes of
/// `clause` to skip: up to and including the last 、 after a time adverbial.
fn nominal_cut(clause: &str, after: &str) -> usize {
    let nominalised = starts_any(after, &["こと", "という", "とい う", "との"])
        || (after.starts_with('事')
            && !after['事'.len_utf8()..]
                .chars()
                .next()
                .is_some_and(is_kanji));
    if !nominalised {
        return 0;
    }
    let mut cut = 0;
    for (i, c) in clause.char_indices() {
        let end = i + c.len_utf8();
        let head = &clause[..i];
        // 「12月1日時点で、…はないとの報告」: "as of" qualifies the negated state itself.
        let comma_after_phrase = matches!(c, '、' | ',' | '，')
            && !ends_any(head, &["時点で", "時点"])
            && (ends_any(head, TIME_ENDINGS)
                || last_char(head).is_some_and(|p| matches!(p, 'に' | 'で' | ')' | '）')));
        // 「…しようとした際にファイルが開かないこと」: the main clause's time.
        let temporal = ends_any(&clause[..end], &["際に", "際には", "ときに", "時に"]);
        if comma_after_phrase || temporal {
            cut = end;
        }
    }
    cut
}

// ---------------------------------------------------------------------------------------
// character classes

fn is_hira(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || ('\u{3400}'..='\u{4DBF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || c == '々'
        || c == '〆'
}

/// Punctuation, brackets and spaces after which a predicate has ended.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '。' | '、'
            | ','
            | '，'
            | '.'
            | '．'
            | '!'
            | '！'
            | '?'
            | '？'
            | ')'
            | '）'
            | '」'
            | '』'
            | '】'
            | ']'
            | '］'
            | '〕'
            | '〉'
            | '》'
            | '|'
            | '｜'
            | '\n'
            | '\r'
            | '\t'
            | ' '
            | '\u{3000}'
            | '※'
            | '*'
            | ';'
            | '；'
            | ':'
            | '：'
            | '・'
            | '/'
            | '／'
            | '…'
            | '〜'
            | '~'
            | '-'
            | '－'
            | '—'
    )
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn last_char(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// The character before the last one.
fn second_last_char(s: &str) -> Option<char> {
    let mut it = s.chars().rev();
    it.next();
    it.next()
}

fn starts_any(s: &str, list: &[&str]) -> bool {
    list.iter().any(|p| s.starts_with(p))
}

fn ends_any(s: &str, list: &[&str]) -> bool {
    list.iter().any(|p| ends(s, p))
}

/// `s.ends_with(n)`, comparing the last byte first (most candidates fail there, and a
/// full comparison is a library call).
#[inline]
fn ends(s: &str, n: &str) -> bool {
    let (s, n) = (s.as_bytes(), n.as_bytes());
    s.len() >= n.len() && s.last() == n.last() && s[s.len() - n.len()..] == *n
}

// ---------------------------------------------------------------------------------------
// predicate position

/// Adnominal negations that still negate their clause (「カード情報を含まない会員情報」).
const ADNOMINAL_OK: &[&str] = &[
    "含ま",
    "含まれ",
    "含まれてい",
    "含んでい",
    "該当し",
    "該当してい",
];

/// Whether the marker ends a predicate rather than sitting inside a word or a noun
/// phrase, and is not one of the purpose/question/condition forms.
fn predicate_final(kind: Kind, before: &str, after: &str) -> bool {
    match kind {
        Kind::Masen => {
            // ませんか (question, invitation), ませんよう (advice), ませんでしょうか.
            if after.starts_with('か') {
                return after.starts_with("から");
            }
            !starts_any(after, &["よう", "でしょうか"])
        }
        _ if is_disjunct(after) => false,
        Kind::Nai | Kind::Nakatta => nai_follows(kind, before, after),
        Kind::Naku => match first_char(after) {
            None => true,
            Some('て') => !starts_any(after, &["ても", "ては"]),
            Some(c) if is_terminal(c) => true,
            // ではなく単品で, 影響はなく通常通り: a clause ending without 、. A bare
            // なく after a noun is adverbial (問題なく稼働, 予告なく変更).
            Some(c) => !is_hira(c) && matches!(last_char(before), Some('は' | 'も' | 'が' | 'で')),
        },
        Kind::Zu => {
            // The ず must close a verb (preceded by kana): not 必ず, not いずれ/ずつ/わずか.
            let Some(p) = last_char(before) else {
                return false;
            };
            // 得ず (同意を得ず) is the one kanji stem; やむを得ず is excluded later.
            if !is_hira(p) && p != '得' {
                return false;
            }
            // まず (first) vs 読まず/含まず: a kana before ま means the adverb.
            if p == 'ま' && !second_last_char(before).is_some_and(is_kanji) {
                return false;
            }
            match first_char(after) {
                None => true,
                Some('に') => true,
                Some(c) => !is_hira(c),
            }
        }
        Kind::Nashi => {
            // 影響なし, 該当無し, 変更なし; not みなし (deemed), むなし, なしで (without).
            let prev_kana = last_char(before).filter(|&p| is_hira(p));
            if prev_kana.is_some_and(|p| !matches!(p, 'は' | 'が' | 'も' | 'の')) {
                return false;
            }
            match first_char(after) {
                None => true,
                Some(c) if is_terminal(c) => true,
                Some(_) => starts_any(after, &["と", "を", "です", "でし", "であ"]),
            }
        }
    }
}

/// A sentence that ends as a question (「漏えいの対象ではないと考えて良いですか？」,
/// 「含まれていないのでしょうか」) asks rather than asserts.
fn is_question(after: &str) -> bool {
    let a = after.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '。' | '.' | '．' | '」' | ')' | '）')
    });
    a.ends_with(['?', '？'])
        || ends_any(
            a,
            &[
                "ですか",
                "ますか",
                "でしょうか",
                "ませんか",
                "のか",
                "だろうか",
            ],
        )
}

/// 「〜ていない、または〜できない可能性」: one alternative of a disjunction, not an
/// assertion.
fn is_disjunct(after: &str) -> bool {
    let a = after.trim_start_matches(['、', ',', '，']);
    starts_any(
        a,
        &[
            "または",
            "もしくは",
            "あるいは",
            "又は",
            "若しくは",
            "或いは",
        ],
    )
}

fn nai_follows(kind: Kind, before: &str, after: &str) -> bool {
    let Some(c) = first_char(after) else {
        return true;
    };
    if is_terminal(c) {
        return true;
    }
    // Purpose, advice, question, condition, obligation, double negation.
    if after.starts_with("よう") {
        return starts_any(after, &["ようです", "ようだ", "ようで", "ように見"]);
    }
    if c == 'か' && !after.starts_with("から") {
        return false;
    }
    const NEVER: &[&str] = &[
        "ための",
        "ために",
        "為の",
        "為に",
        "場合",
        "限り",
        "かぎり",
        "うち",
        "内に",
        "とき",
        "時",
        "際",
        "といけ",
        "となら",
        "とは言",
        "とは限",
        "とも限",
        "とは断",
        "とも言",
        "わけでは",
        "わけでも",
        "訳では",
        "でしょうか",
        "だろうか",
        "のでしょうか",
        "のか",
        "可能性",
        "おそれ",
        "恐れ",
        "状態",
        "状況",
        "等",
        "など",
    ];
    if starts_any(after, NEVER) {
        return false;
    }
    if c == 'し' {
        // ないし (= "or") vs ないし、 (and not, …).
        return starts_any(after, &["し、", "し,", "し，"]);
    }
    if c == 'で' {
        // ないで(ください) is advice; です/でした/である are copulas.
        return starts_any(after, &["です", "でし", "であ"]);
    }
    const FOLLOW: &[&str] = &[
        "と",
        "が",
        "けれど",
        "けど",
        "ので",
        "のです",
        "のだ",
        "のであ",
        "のに",
        "のは",
        "のも",
        "のが",
        "んです",
        "んだ",
        "から",
        "ため",
        "もの",
        "こと",
        "だ",
        "まま",
        "わけ",
        "訳",
        "ゆえ",
        "故",
        "模様",
        "見込",
        "見通",
        "予定",
        "方針",
        "運用",
        "仕様",
        "よ",
        "ね",
    ];
    if starts_any(after, FOLLOW) {
        return true;
    }
    // Formal nouns written in one kanji (事, 旨, 物, 為, 故), but not 事象, 物理, 故障.
    if matches!(c, '事' | '旨' | '物' | '為' | '故') {
        return !after[c.len_utf8()..].chars().next().is_some_and(is_kanji);
    }
    // なかった is never adnominal-ok beyond the same list.
    kind == Kind::Nai && ends_any(before, ADNOMINAL_OK)
}

// ---------------------------------------------------------------------------------------
// exclusions on the clause

/// Words right before the marker that turn it into a hedge, modality or idiom:
/// `(needle, max characters between the needle and the marker)`.
const PRECEDING_ALL: &[(&str, usize)] = &[
    // statutory hedges: 否定できない, 否定することはできません, 否定するには至らない,
    // 否定できるものではない, 排除できない, 払拭しきれない, 否めない, 断言できない,
    // 言い切れない, とは言えない, ゼロではない, 皆無ではない
    ("否定", 10),
    ("排除", 10),
    ("払拭", 10),
    ("否め", 0),
    ("断言", 9),
    ("言い切", 4),
    ("言いきれ", 0),
    ("言え", 0),
    ("ゼロで", 5),
    ("皆無で", 5),
    // modality and fixed phrases
    ("かもしれ", 0),
    ("かも知れ", 0),
    ("限ら", 0),
    ("限り", 0),
    ("限りでは", 4),
    ("違い", 0),
    ("違いあり", 0),
    ("違いござい", 0),
    ("申し訳", 4),
    ("すみ", 0),
    ("済み", 0),
    ("構わ", 0),
    ("構い", 0),
    ("かまわ", 0),
    ("かまい", 0),
    // permission: 〜ても差し支えない / 問題ありません (but 「業務に差し支えはない」 counts)
    ("ても差し支え", 4),
    ("でも差し支え", 4),
    ("ても差支え", 4),
    ("ても問題", 4),
    ("でも問題", 4),
    ("ざるを得", 0),
    ("ざるをえ", 0),
    ("やむを得", 0),
    ("やむをえ", 0),
    ("止むを得", 0),
    ("かね", 0),
    ("すぎ", 0),
    ("過ぎ", 0),
    ("ほかなら", 0),
    ("他なら", 0),
    ("いけ", 0),
    ("ばなら", 0),
    ("ばなり", 0),
    ("てはなら", 0),
    ("てはなり", 0),
    ("仕方", 3),
    ("しかた", 3),
    ("少", 0),
    ("少なく", 2),
    ("すく", 0),
    ("危", 0),
    ("あぶ", 0),
    // 行ない (= 行い), 損ない, 賄ない: verbs, not negations
    ("行", 0),
    ("損", 0),
    ("賄", 0),
    // not only: だけでなく, だけではなく, だけではありません
    ("だけで", 0),
    ("だけでは", 3),
    ("のみで", 0),
    ("のみでは", 3),
    ("ばかりで", 0),
    ("ばかりでは", 3),
];

const PRECEDING_ZU: &[(&str, usize)] = &[
    ("かかわら", 0),
    ("関わら", 0),
    ("拘わら", 0),
    ("係わら", 0),
    ("拘ら", 0),
    ("問わ", 0),
    ("のみなら", 0),
    ("変わら", 0),
    ("なから", 0),
    ("思わ", 0),
    ("絶え", 0),
    ("あえ", 0),
    ("敢え", 0),
    ("意図せ", 0),
    ("予期せ", 0),
    ("図ら", 0),
    ("はから", 0),
    ("残ら", 0),
    ("よら", 0),
    ("依ら", 0),
    ("寄ら", 0),
    ("欠かさ", 0),
    ("留まら", 0),
    ("とどまら", 0),
    ("は", 0),
];

const PRECEDING_NAKU: &[(&str, usize)] = &[
    ("もれ", 0),
    ("漏れ", 0),
    ("間も", 0),
    ("まも", 0),
    ("ほど", 0),
    ("くま", 0),
    ("隈", 0),
    ("遠慮", 0),
    ("例外", 0),
    ("余儀", 0),
    ("やむ", 0),
    ("滞り", 0),
    ("抜かり", 0),
    ("切れ目", 0),
    ("間", 0),
    ("容赦", 0),
    ("躊躇", 0),
    ("否応", 0),
    ("何と", 0),
    ("なんと", 0),
    ("さりげ", 0),
    ("心置き", 0),
];

/// One automaton over the three tables; per pattern: (max gap, 0 = all / 1 = ず / 2 = なく).
fn preceding_automaton() -> &'static (AhoCorasick, Vec<(usize, u8)>) {
    static AC: OnceLock<(AhoCorasick, Vec<(usize, u8)>)> = OnceLock::new();
    AC.get_or_init(|| {
        let tables: [(&[(&str, usize)], u8); 3] =
            [(PRECEDING_ALL, 0), (PRECEDING_ZU, 1), (PRECEDING_NAKU, 2)];
        let mut needles = Vec::new();
        let mut info = Vec::new();
        for (table, id) in tables {
            for &(n, gap) in table {
                needles.push(n);
                info.push((gap, id));
            }
        }
        // A contiguous NFA: it only ever searches the last 20 characters of a clause,
        // where a DFA's faster steps never repay its build (4M instructions, most
        // of a one-notice run's start-up).
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .prefilter(false)
            .build(&needles)
            .expect("preceding needles compile");
        (ac, info)
    })
}

/// The last `n` characters of `s`.
fn tail_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ => s,
    }
}

fn excluded_by_preceding(kind: Kind, clause: &str) -> bool {
    // Every needle is at most 6 characters long and at most 10 characters away.
    let tail = tail_chars(clause, 20);
    let (ac, info) = preceding_automaton();
    let table = match kind {
        Kind::Zu => 1,
        Kind::Naku => 2,
        _ => 0,
    };
    for m in ac.find_overlapping_iter(tail) {
        let (gap, id) = info[m.pattern().as_usize()];
        if (id == 0 || id == table) && tail[m.end()..].chars().count() <= gap {
            return true;
        }
    }
    // 〜ないわけではない: the outer half of a double negation.
    matches!(kind, Kind::Masen | Kind::Nai | Kind::Nakatta)
        && ends_any(
            tail,
            &[
                "ないわけでは",
                "ないわけでも",
                "ないわけではあり",
                "ないわけではござい",
            ],
        )
}

/// Clause-wide exclusions: restrictive しか, partial negation, 必ずしも.
fn excluded_by_clause(clause: &str) -> bool {
    if clause.contains("必ずしも") {
        return true;
    }
    if has_restrictive_shika(clause) {
        return true;
    }
    let copula_neg = ends_any(
        clause,
        &[
            "では",
            "ではあり",
            "ではござい",
            "でもあり",
            "でもござい",
            "でも",
            "じゃ",
        ],
    );
    copula_neg
        && ["全て", "すべて", "全部", "全員", "全件", "全項目", "一律"]
            .iter()
            .any(|w| clause.contains(w))
}

/// 「氏名しか含まれておりません」 = only the name: not a negation of the name.
fn has_restrictive_shika(clause: &str) -> bool {
    let mut rest = clause;
    while let Some(p) = rest.find("しか") {
        let tail = &rest[p + "しか".len()..];
        match first_char(tail) {
            None => return true,
            Some(c) if !is_hira(c) => return true,
            Some('な' | 'あ' | 'ご' | 'お' | 'い' | 'で') => return true,
            _ => {}
        }
        rest = tail;
    }
    false
}

/// A plain negation of an action inside a request is advice (「開封せず、削除して
/// ください」), not a statement about the incident.
fn is_advice(kind: Kind, clause: &str, after: &str) -> bool {
    if kind == Kind::Masen || kind == Kind::Nashi {
        return false;
    }
    let request = ["ください", "下さい", "お願い", "ご注意", "ご留意", "ご用心"]
        .iter()
        .any(|w| after.contains(w));
    if !request {
        return false;
    }
    // Stative (ていない, ておらず), passive (されず, 含まれない), existence (〜はない,
    // ではない) and reason/quotation continuations are statements.
    if ends_any(
        clause,
        &[
            "てい",
            "でい",
            "ておら",
            "でおら",
            "てお",
            "でお",
            "てはい",
            "てはおら",
            "てな",
            "れ",
            "は",
            "が",
            "も",
            "では",
            "でも",
            "じゃ",
        ],
    ) {
        return false;
    }
    let after = after.trim_start_matches(['、', ',', '，']);
    !starts_any(
        after,
        &[
            "ため",
            "ので",
            "から",
            "が",
            "けれど",
            "ものの",
            "と",
            "旨",
            "です",
            "こと",
        ],
    )
}

// ---------------------------------------------------------------------------------------
// clause start

fn clause_start(text: &str, sent_start: usize, pos: usize) -> usize {
    let seg = &text[sent_start..pos];
    let mut depth = 0usize;
    for (i, c) in seg.char_indices().rev() {
        let end = i + c.len_utf8();
        match c {
            ')' | '）' | '」' | '』' | '】' | ']' | '］' | '〕' | '〉' | '》' => {
                depth += 1;
                continue;
            }
            '(' | '（' | '「' | '『' | '【' | '[' | '［' | '〔' | '〈' | '《' => {
                if depth == 0 {
                    return sent_start + end;
                }
                depth -= 1;
                continue;
            }
            _ => {}
        }
        if depth > 0 {
            continue;
        }
        let boundary = match c {
            '\n' | '\r' | '|' | '｜' | '：' => true,
            ':' => {
                !(last_char(&seg[..i]).is_some_and(|p| p.is_ascii_digit())
                    && first_char(&seg[end..]).is_some_and(|n| n.is_ascii_digit()))
            }
            '、' | ',' | '，' => comma_boundary(&seg[..i]),
            _ => token_boundary(&seg[..end], &seg[end..]),
        };
        if boundary {
            return sent_start + end;
        }
    }
    sent_start
}

/// て-form postpositions: the 、 after them stays inside the clause.
const TE_POSTPOSITIONS: &[&str] = &[
    "ついて",
    "関して",
    "おいて",
    "対して",
    "よって",
    "として",
    "とって",
    "もって",
    "際して",
    "あたって",
    "当たって",
    "わたって",
    "渡って",
    "伴って",
    "ともなって",
    "通じて",
    "含めて",
    "加えて",
    "比べて",
    "向けて",
    "かけて",
    "応じて",
    "基づいて",
    "先立って",
    "つきまして",
    "関しまして",
    "おきまして",
    "対しまして",
];

/// Whether the 、 after `prefix` ends a clause.
fn comma_boundary(prefix: &str) -> bool {
    const ADVERBS: &[&str] = &[
        "なお",
        "尚",
        "また",
        "又",
        "ただし",
        "但し",
        "ただ",
        "さらに",
        "更に",
        "しかし",
        "一方",
        "一方で",
        "結果",
        "その後",
        "次に",
        "最後に",
        "のほか",
        "の他",
        "ながら",
        "場合",
        "場合は",
        "場合には",
        "際",
        "際は",
        "際には",
        "とともに",
        "と共に",
    ];
    if ends_any(prefix, ADVERBS) {
        return true;
    }
    let Some(c) = last_char(prefix) else {
        return false;
    };
    let prev = second_last_char(prefix);
    match c {
        'て' => !ends_any(prefix, TE_POSTPOSITIONS),
        // 〜等で、 / 〜などで、 closes a list with the copula: a new clause follows.
        'で' => {
            matches!(prev, Some('の' | 'ん' | 'い' | 'み' | 'け'))
                || ends_any(prefix, &["等で", "などで"])
        }
        // 〜たり、〜たりする lists actions inside one clause.
        'り' => !ends_any(prefix, &["たり", "だり"]),
        'し' | 'れ' | 'き' | 'け' | 'ず' | 'く' | 'ぎ' | 'じ' | 'た' | 'す' | 'ば' | 'い' => {
            true
        }
        'め' => !ends_any(prefix, &["含め", "はじめ", "始め", "初め"]),
        'え' => !prefix.ends_with("加え"),
        'み' => !prefix.ends_with("含み"),
        'が' => matches!(prev, Some('す' | 'た' | 'る' | 'い' | 'ん' | 'だ')),
        'ら' => {
            prefix.ends_with("から")
                && matches!(
                    second_last_char(&prefix[..prefix.len() - 'ら'.len_utf8()]),
                    Some('る' | 'た' | 'い' | 'す' | 'ん' | 'だ')
                )
        }
        'ど' => ends_any(prefix, &["けれど", "けど"]),
        'も' => {
            ends_any(prefix, &["けれども", "ても"])
                || (prefix.ends_with("でも")
                    && matches!(
                        second_last_char(&prefix[..prefix.len() - 'も'.len_utf8()]),
                        Some('ん' | 'い')
                    ))
        }
        'の' => prefix.ends_with("ものの"),
        // 調査したところ、 (not 現在のところ、: an adverb inside the clause).
        'ろ' => ends_any(prefix, &["たところ", "だところ"]),
        _ => false,
    }
}

/// Comma-less clause boundaries ending at the end of `prefix`; `next` is what follows.
fn token_boundary(prefix: &str, next: &str) -> bool {
    let Some(c) = last_char(prefix) else {
        return false;
    };
    match c {
        'が' => {
            ends_any(
                prefix,
                &["ですが", "ますが", "ましたが", "でしたが", "ませんが"],
            ) || (ends_any(prefix, &["ったが", "いたが", "したが", "れたが", "きたが"])
                && !next.starts_with('っ'))
        }
        'の' => prefix.ends_with("ものの") || prefix.ends_with("以外の"),
        'も' => prefix.ends_with("けれども"),
        'ど' => ends_any(prefix, &["けれど", "けど"]),
        'で' => {
            if !prefix.ends_with("ので") {
                return prefix.ends_with("以外で");
            }
            let before_no = &prefix[..prefix.len() - "ので".len()];
            matches!(
                last_char(before_no),
                Some('る' | 'た' | 'い' | 'す' | 'な' | 'ん' | 'う')
            ) && !matches!(first_char(next), Some('す' | 'し' | 'は' | 'あ' | 'も'))
        }
        'め' => {
            prefix.ends_with("ため")
                && !prefix.ends_with("あらため")
                && !matches!(first_char(next), Some('て' | 'に' | 'の' | 'し' | 'ら'))
        }
        'ろ' => {
            prefix.ends_with("ところ")
                && matches!(
                    second_last_char(&prefix[..prefix.len() - "ころ".len()]),
                    Some('た' | 'だ')
                )
        }
        'ら' => prefix.ends_with("ことから"),
        '外' => prefix.ends_with("以外"),
        'は' => ends_any(prefix, &["以外は", "以外には", "以外では"]),
        'に' => ends_any(prefix, &["以外に", "のほかに", "の他に"]),
        'く' => prefix.ends_with("除く"),
        'き' => prefix.ends_with("除き"),
        'て' => prefix.ends_with("除いて"),
        'ず' => ends_any(prefix, &["かかわらず", "関わらず", "拘わらず"]),
        _ => false,
    }
}

/// For 含む, the container of the negated content is not itself negated: returns how
/// many bytes of `clause` to skip (0 when there is no container).
fn container_cut(clause: &str) -> usize {
    let Some(p) = clause.rfind('含') else {
        return 0;
    };
    if clause[p..].chars().count() > 9 {
        return 0;
    }
    let head = &clause[..p];
    let verb = &clause[p..];
    let cut = if verb.starts_with("含まれ") {
        // 「…情報には、カード情報は含まれておりません」: container に(は)/では + subject.
        // A bare に (「個人情報にカード情報は」) needs a plain noun phrase after it, so that
        // an adverb (直接的に被害が生じる情報は) is not taken for a container.
        let marked = ["には", "に、", "では"]
            .iter()
            .filter_map(|w| head.rfind(w).map(|i| i + w.len()))
            .max()
            .filter(|&q| head[q..].contains(['は', 'が', 'も']));
        let bare = container_ni(head).filter(|&q| noun_phrase_subject(&head[q..]));
        match marked.max(bare) {
            Some(q) => q,
            None => return 0,
        }
    } else {
        // 「本データはカード番号を含みません」: topic は + object を.
        let Some(o) = head.rfind('を') else {
            return 0;
        };
        match topic_wa(&head[..o]) {
            Some(q) => q,
            None => return 0,
        }
    };
    let rest = &clause[cut..];
    let trimmed = rest.trim_start_matches(['、', ',', '，', ' ', '\u{3000}']);
    if trimmed.len() <= verb.len() {
        // Nothing left but the verb: keep the whole clause.
        return 0;
    }
    cut + (rest.len() - trimmed.len())
}

/// Whether `s` starts with a plain noun phrase (nouns joined by の/や/と/および/など/
/// に関する…, brackets skipped; no verb or adverb) closed by the subject particle
/// は/が/も.
fn noun_phrase_subject(s: &str) -> bool {
    const JOINERS: &[&str] = &[
        "および",
        "ならびに",
        "または",
        "もしくは",
        "あるいは",
        "など",
        "に関する",
        "に係る",
        "にかかる",
        "に関わる",
        "の",
        "や",
        "と",
        "お",
        "ご",
        "ー",
        "、",
    ];
    let mut rest = s.trim_start_matches(['、', ',', '，', ' ', '\u{3000}']);
    let mut depth = 0usize;
    while let Some(c) = first_char(rest) {
        match c {
            '(' | '（' | '「' | '『' | '【' | '[' | '［' => depth += 1,
            ')' | '）' | '」' | '』' | '】' | ']' | '］' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            'は' | 'が' | 'も' => return true,
            _ if is_hira(c) => match JOINERS.iter().find(|j| rest.starts_with(**j)) {
                Some(j) => {
                    rest = &rest[j.len()..];
                    continue;
                }
                None => return false,
            },
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    false
}

/// End of the last bare container particle に after a noun (「個人情報にカード情報は」),
/// not the postpositions に関する/に対する/による/における/について/に係る/に基づく.
fn container_ni(head: &str) -> Option<usize> {
    let mut best = None;
    for (i, c) in head.char_indices() {
        if c != 'に' {
            continue;
        }
        let after = &head[i + c.len_utf8()..];
        // A noun before に, but not an adverb in 的に/特に/既に/更に/主に/常に.
        let noun_before = last_char(&head[..i])
            .is_some_and(|p| (!is_hira(p) || p == 'ー') && !"的特既更主常共仮順".contains(p));
        let postposition = matches!(
            first_char(after),
            None | Some(
                '関' | '対'
                    | 'つ'
                    | 'よ'
                    | 'お'
                    | '係'
                    | '基'
                    | '伴'
                    | '応'
                    | '際'
                    | 'と'
                    | 'は'
                    | 'も'
                    | '、'
                    | ','
                    | '，'
                    | 'か'
            )
        );
        if noun_before && !postposition {
            best = Some(i + c.len_utf8());
        }
    }
    best
}

/// End of the last topic particle は in `s` (a は after a non-kana or after に/で/と/ら).
fn topic_wa(s: &str) -> Option<usize> {
    let mut best = None;
    for (i, c) in s.char_indices() {
        if c != 'は' {
            continue;
        }
        let prev = last_char(&s[..i]);
        let ok = match prev {
            Some(p) => !is_hira(p) || matches!(p, 'に' | 'で' | 'と' | 'ら'),
            None => false,
        };
        if ok {
            best = Some(i + c.len_utf8());
        }
    }
    best
}

/// Skips spaces and list bullets at the clause start.
fn skip_leading(text: &str, mut start: usize, limit: usize) -> usize {
    while start < limit {
        let Some(c) = first_char(&text[start..limit]) else {
            break;
        };
        let skip = matches!(
            c,
            ' ' | '\u{3000}'
                | '\t'
                | '-'
                | '*'
                | '・'
                | '※'
                | '●'
                | '○'
                | '■'
                | '□'
                | '◆'
                | '◇'
                | '▼'
                | '▶'
                | '>'
                | '、'
                | ','
                | '，'
        );
        if !skip {
            break;
        }
        start += c.len_utf8();
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits on 。 (keeping it in the sentence) and returns the negated clause texts.
    fn neg(text: &str) -> Vec<&str> {
        find_negated_clauses(text, &split(text))
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    fn split(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '。' || c == '\n' {
                let end = i + c.len_utf8();
                out.push(start..end);
                start = end;
            }
        }
        if start < text.len() {
            out.push(start..text.len());
        }
        out
    }

    /// Whether `word` lies inside a negated clause.
    fn negated(text: &str, word: &str) -> bool {
        let p = text.find(word).expect("word in text");
        find_negated_clauses(text, &split(text))
            .iter()
            .any(|r| r.start <= p && p + word.len() <= r.end)
    }

    fn none(text: &str) {
        assert_eq!(neg(text), Vec::<&str>::new(), "{text}");
    }

    fn one(text: &str, expected: &str) {
        assert_eq!(neg(text), vec![expected], "{text}");
    }

    /// Markers found from lead characters after any starting point (and by the
    /// automaton before it) are the markers the automaton finds in the whole text, so
    /// the clauses are the same.
    #[test]
    fn lead_characters_find_the_same_clauses() {
        let tokens = [
            "ません",
            "ませ",
            "せん",
            "ま",
            "せ",
            "ない",
            "無い",
            "なかった",
            "無かった",
            "なく",
            "無く",
            "ず",
            "なし",
            "無し",
            "な",
            "無",
            "か",
            "っ",
            "た",
            "情報",
            "は",
            "含まれて",
            "おり",
            "、",
            "。",
            "\n",
            "a",
            "é",
        ];
        for seed in 0..200 {
            let text = crate::facts::char_filter::token_soup(&tokens, seed, 60);
            let sentences = split(&text);
            let want = find_negated_clauses(&text, &sentences);
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let leads: Vec<usize> = text[from..]
                    .char_indices()
                    .filter(|(_, c)| LEAD_CHARS.contains(c))
                    .map(|(i, _)| from + i)
                    .collect();
                let got = find_negated_clauses_at(&text, &sentences, from, &leads);
                assert_eq!(got, want, "{text} from {from}");
            }
        }
    }

    // ---- positives ------------------------------------------------------------------

    #[test]
    fn nominalised_negation_leaves_the_main_clause_affirmed() {
        let t = "4月2日、共有フォルダが開かないことが判明しました。";
        one(t, "共有フォルダが開かない");
        assert!(!negated(t, "4月2日"));
        assert!(!negated(t, "判明"));
        let t = "同日未明、端末にログインできない事を確認いたしました。";
        one(t, "端末にログインできない");
        assert!(!negated(t, "同日未明"));
        let t = "7月1日（現地時間）に、担当者が資料を開こうとした際にファイルが開かないことが発覚しました。";
        one(t, "ファイルが開かない");
        assert!(!negated(t, "7月1日"));
        let t = "9月5日、予約画面を表示できないという連絡をお客様から受けました。";
        one(t, "予約画面を表示できない");
        assert!(!negated(t, "連絡"));
        // not a negation at all: a state or a loss
        none("10月1日、業務システムが使えない状態であることを確認しました。");
        none("10月1日、データを読み出せなくなったことが発覚しました。");
    }

    #[test]
    fn nominalised_negation_keeps_its_own_content_negated() {
        let t = "6月3日、流出したデータに口座番号は含まれていないことを確認しました。";
        assert!(negated(t, "口座番号"));
        assert!(!negated(t, "6月3日"));
        let t = "調査の結果、漏えいしたデータに、氏名、住所は含まれていないことを確認しました。";
        assert!(negated(t, "氏名"));
        assert!(negated(t, "住所"));
        let t = "調査の結果、会員情報の漏えいや、不正利用の被害がないことを確認しました。";
        assert!(negated(t, "会員情報"));
        let t = "調査会社から、8月1日時点で、情報の掲載はないとの報告を受けています。";
        assert!(negated(t, "8月1日"));
        let t = "会員情報が漏えいした可能性について、外部機関から漏えいの事実はないとの報告を受けました。";
        assert!(negated(t, "会員情報"));
        let t = "調査の結果、会員の氏名が漏えいした事実はないことが判明しました。";
        assert!(negated(t, "氏名"));
        // negations of the main predicate are untouched
        let t = "5月8日、個人情報の外部への流出は確認されておりません。";
        assert!(negated(t, "流出"));
        let t = "これまでに会員情報が漏えいしたことはございません。";
        assert!(negated(t, "会員情報"));
    }

    #[test]
    fn list_closed_by_nado_de_is_its_own_clause() {
        let text = "対象の情報は氏名、住所等で、前回のお知らせから変更はありません。";
        assert!(!negated(text, "住所"));
        assert!(negated(text, "変更"));
    }

    #[test]
    fn card_data_not_included() {
        let t = "現時点で、クレジットカード情報は含まれておりません。";
        assert!(negated(t, "クレジットカード情報"));
        one(t, "現時点で、クレジットカード情報は含まれておりません");
    }

    #[test]
    fn noun_list_stays_in_scope() {
        let t = "氏名、住所、電話番号は流出しておりません。";
        one(t, "氏名、住所、電話番号は流出しておりません");
    }

    #[test]
    fn contrast_clause_splits() {
        let t = "氏名、住所は含まれますが、口座番号は含まれておりません。";
        assert!(negated(t, "口座番号"));
        assert!(!negated(t, "氏名"));
        assert!(!negated(t, "住所"));
        one(t, "口座番号は含まれておりません");
    }

    #[test]
    fn secondary_damage_not_confirmed() {
        let t = "二次被害は確認されておりません。";
        one(t, "二次被害は確認されておりません");
    }

    #[test]
    fn misuse_fact_not_confirmed() {
        let t = "お客様の情報が不正利用された事実は確認されておりません。";
        assert!(negated(t, "不正利用"));
    }

    #[test]
    fn plain_forms() {
        one(
            "当該サーバーに個人情報は含まれていない。",
            "個人情報は含まれていない",
        );
        one(
            "調査の結果、漏えいは認められなかった。",
            "漏えいは認められなかった",
        );
        one("本件に該当しない。", "本件に該当しない");
        one("外部への送信の事実はない。", "外部への送信の事実はない");
    }

    #[test]
    fn polite_past_includes_deshita() {
        one(
            "不審なログインは確認されませんでした。",
            "不審なログインは確認されませんでした",
        );
    }

    #[test]
    fn two_negations_joined_by_orazu() {
        let t = "漏えいは確認されておらず、その悪用などの被害も確認されておりません。";
        assert_eq!(
            neg(t),
            vec![
                "漏えいは確認されておらず",
                "その悪用などの被害も確認されておりません"
            ]
        );
    }

    #[test]
    fn naku_and_dewanaku() {
        one(
            "物流業務への影響はなく、通常通り営業しております。",
            "物流業務への影響はなく",
        );
        let t = "原因は端末ではなく、サーバーの設定不備でした。";
        assert!(negated(t, "端末"));
        assert!(!negated(t, "設定不備"));
    }

    #[test]
    fn nashi_in_brackets() {
        let t = "対象：会員の氏名（要配慮個人情報は無し）約120件";
        assert_eq!(neg(t), vec!["要配慮個人情報は無し"]);
        one("本件による影響なし。", "本件による影響なし");
    }

    #[test]
    fn bracketed_negation_starts_at_bracket() {
        let t = "氏名、住所（カード番号は含まれません）が閲覧された可能性があります。";
        assert!(negated(t, "カード番号"));
        assert!(!negated(t, "氏名"));
    }

    #[test]
    fn closed_bracket_inside_scope_is_skipped() {
        let t = "会員情報（氏名、メールアドレス）は外部に送信されておりません。";
        one(
            t,
            "会員情報（氏名、メールアドレス）は外部に送信されておりません",
        );
    }

    #[test]
    fn conjunctive_boundary_cuts_scope() {
        let t = "サーバーを調査したところ、外部への通信は確認されませんでした。";
        one(t, "外部への通信は確認されませんでした");
        let t =
            "ランサムウェアに感染し、ファイルが暗号化されましたが、情報の持ち出しはございません。";
        one(t, "情報の持ち出しはございません");
        let t = "業務は通常通り行っており、顧客情報の流出は発生していません。";
        one(t, "顧客情報の流出は発生していません");
    }

    #[test]
    fn adverbial_tokoro_and_tari_stay_inside() {
        let t = "二次被害は、現在のところ、確認されておりません。";
        one(t, "二次被害は、現在のところ、確認されておりません");
        let t = "不正利用は現在のところ確認されておりません。";
        one(t, "不正利用は現在のところ確認されておりません");
        let t = "情報が取得されたり、利用されたりした事実は確認されていない。";
        one(
            t,
            "情報が取得されたり、利用されたりした事実は確認されていない",
        );
    }

    #[test]
    fn postposition_te_stays_inside() {
        let t = "クレジットカード情報について、流出の事実は確認されておりません。";
        assert!(negated(t, "クレジットカード情報"));
    }

    #[test]
    fn reported_quote_negation() {
        let t = "委託先から、情報漏えいはないとの報告を受けております。";
        assert!(negated(t, "情報漏えい"));
        assert!(!negated(t, "報告を受けて"));
    }

    #[test]
    fn koto_and_mono_nominalisers() {
        let t = "調査により、個人情報が外部に送信されていないことを確認しました。";
        assert!(negated(t, "個人情報"));
        let t = "被害は確認されていないものの、引き続き監視を行います。";
        one(t, "被害は確認されていない");
    }

    #[test]
    fn adnominal_fukumanai() {
        let t = "クレジットカード情報を含まない会員情報が閲覧された可能性があります。";
        assert!(negated(t, "クレジットカード情報"));
    }

    #[test]
    fn container_is_not_negated() {
        let t = "流出した可能性のある個人情報には、クレジットカード情報は含まれておりません。";
        assert!(negated(t, "クレジットカード情報"));
        assert!(!negated(t, "個人情報には"));
        let t = "本件で閲覧されたデータは口座番号を含みません。";
        assert!(negated(t, "口座番号"));
        assert!(!negated(t, "データ"));
    }

    #[test]
    fn bare_ni_container() {
        let t = "漏えいした個人情報にクレジットカード情報は含まれておりません。";
        one(t, "クレジットカード情報は含まれておりません");
        let t = "カード会社に関する情報は含まれておりません。";
        assert!(negated(t, "カード会社"));
        let t = "直接的に被害が生じる情報は含まれておりません。";
        one(t, "直接的に被害が生じる情報は含まれておりません");
        let t =
            "お客様情報には、口座情報およびカード情報（有効期限を含む）などは含まれておりません。";
        one(
            t,
            "口座情報およびカード情報（有効期限を含む）などは含まれておりません",
        );
        let t = "当該ファイルには、パスワード、APIキー、及び決済に関する情報は含まれておりません。";
        one(
            t,
            "パスワード、APIキー、及び決済に関する情報は含まれておりません",
        );
        let t = "閲覧された情報には、個人を特定できる情報は含まれていない。";
        one(t, "個人を特定できる情報は含まれていない");
        let t = "流出したファイルには、氏名を含む名簿は含まれておりません。";
        one(t, "氏名を含む名簿は含まれておりません");
        // Without 、, のみで is read as instrumental ("by … alone") and stays inside.
        let t = "当社から、電話のみで振込先の変更をお願いすることはございません。";
        assert!(negated(t, "電話"));
    }

    #[test]
    fn except_word_is_not_negated() {
        let t = "氏名以外の情報は流出しておりません。";
        assert!(!negated(t, "氏名"));
        assert_eq!(neg(t).len(), 1);
    }

    #[test]
    fn phishing_warning_is_negated() {
        let t = "当社からお電話でパスワードをお尋ねすることは一切ございません。";
        assert!(negated(t, "パスワード"));
    }

    #[test]
    fn zu_before_kanji() {
        let t = "原因の特定には至っておらず現在も調査を継続しております。";
        one(t, "原因の特定には至っておらず");
    }

    #[test]
    fn mondai_nai_is_a_negation() {
        let t = "調査の結果、サービス再開について問題ないと判断いたしました。";
        assert!(negated(t, "サービス再開"));
    }

    #[test]
    fn stative_negation_in_request_sentence_counts() {
        let t = "二次被害は確認されておりませんが、不審なメールにはご注意ください。";
        one(t, "二次被害は確認されておりません");
        let t = "現時点で被害は確認されていないものの、念のためご注意ください。";
        one(t, "現時点で被害は確認されていない");
    }

    // ---- negatives ------------------------------------------------------------------

    #[test]
    fn statutory_hedges_are_not_negations() {
        none("流出した可能性を否定できません。");
        none("漏えいした可能性が否定できない状況です。");
        none("閲覧された可能性を否定することはできないため、お知らせいたします。");
        none("漏えいのおそれを完全に否定できるものではございません。");
        none("情報が閲覧された可能性を否定するには至らないものと判断しております。");
        none("外部に持ち出された可能性を排除できません。");
        none("リスクはゼロではありません。");
        none("不審なメールが届く可能性が無いとは言えません。");
    }

    #[test]
    fn questions_are_not_negations() {
        none("原因は設定の誤りではないかと考えております。");
        none("身に覚えのない請求がないか、ご確認をお願いいたします。");
        none("影響がないか確認を進めております。");
    }

    #[test]
    fn apologies_are_not_negations() {
        none("多大なるご迷惑をおかけし、誠に申し訳ございません。");
        none("ご不便をおかけし大変申し訳ありませんでした。");
        none("心より申し訳なく存じます。");
        none("お手数をおかけしてすみません。");
    }

    #[test]
    fn advice_is_not_negation() {
        none("不審なメールを開かないようご注意いただきますようお願いいたします。");
        none("添付ファイルは開封しないようご注意ください。");
        none("心当たりのないメールは開封せず、削除してください。");
        none("リンクをクリックしないでください。");
        none("不審なメールを開かない、リンクを押さない等の対応をお願いします。");
        none("再発しないよう、管理体制を強化してまいります。");
        none("不正利用されないための対策を実施しました。");
    }

    #[test]
    fn modality_is_not_negation() {
        none("不審な電話があるかもしれません。");
        none("必ずしも感染するとは限りません。");
        none("攻撃者による犯行に違いありません。");
        none("本件の原因であることは間違いない。");
        none("ご迷惑をおかけすることが少なくない。");
        none("やむを得ない事情により延期いたします。");
        none("対策を講じなければなりません。");
        none("情報漏えいにつながりかねない。");
    }

    #[test]
    fn idioms_with_zu_and_naku() {
        none("調査中にもかかわらず、問い合わせが相次ぎました。");
        none("まず、サーバーを停止しました。");
        none("必ず本人確認を行います。");
        none("対象の皆様には漏れなく通知いたします。");
        none("間もなく、サービスを再開いたします。");
        none("年齢を問わず、全ての会員が対象です。");
        none("システムの停止を余儀なくされました。");
        none("本件は漏えいしたものとみなしております。");
        none("一部の会員様において意図せず退会処理が行われました。");
    }

    #[test]
    fn adnominal_negation_is_not_clause_negation() {
        none("身に覚えのない請求にご注意いただきますようお願いいたします。");
        none("ファイルが暗号化され、アクセスできない状態となりました。");
        none("ご登録のないお客様には書面でご連絡いたします。");
        none("見慣れない点がございましたら当社までご連絡ください。");
    }

    #[test]
    fn conditions_are_not_negation() {
        none("メールが届かない場合は、窓口までご連絡ください。");
        none("お心当たりがなくても、パスワードを変更してください。");
    }

    #[test]
    fn restrictive_and_partial_negation() {
        none("流出した情報は氏名しか含まれておりません。");
        none("全ての情報が含まれているわけではありません。");
        none("すべての方の住所が対象となるものではございません。");
    }

    #[test]
    fn not_only_is_not_negation() {
        none("氏名だけでなく、住所も流出しました。");
        let t = "漏えいしたのは氏名のみで、口座番号は含まれておりません。";
        assert!(negated(t, "口座番号"));
        assert!(!negated(t, "氏名"));
    }

    #[test]
    fn nakunaru_is_affirmative() {
        none("顧客データが閲覧できなくなりました。");
        none("USBメモリをなくしました。");
    }

    #[test]
    fn dewanaku_without_comma() {
        let t = "原因は端末ではなくメールサーバーの設定でした。";
        assert!(negated(t, "端末"));
        assert!(!negated(t, "メールサーバー"));
        let t = "生産への影響はなく通常通り稼働しております。";
        one(t, "生産への影響はなく");
        none("システムは問題なく稼働しております。");
    }

    #[test]
    fn policy_nouns_keep_negation() {
        let t = "クレジットカード情報は当社サーバーに保存しない運用としております。";
        assert!(negated(t, "クレジットカード情報"));
        // 事象/事態 are not the formal noun 事.
        none("ウェブサイトが閲覧できない事象が発生しました。");
        let t = "外部への送信はない事を確認しました。";
        assert!(negated(t, "外部への送信"));
    }

    #[test]
    fn disjunction_and_condition_clause() {
        none("署名が付与されていない、または正しく認識できない可能性があります。");
        let t = "通知が届いた場合、カード番号は含まれておりません。";
        one(t, "カード番号は含まれておりません");
    }

    #[test]
    fn okonai_is_a_verb() {
        none("調査を行ない、原因を特定しました。");
        none("お客様の信頼を損ない、深くお詫び申し上げます。");
    }

    #[test]
    fn questions_in_faq_are_not_assertions() {
        none("通知が届かない場合は、漏えいの対象ではないと考えて良いですか？");
        none("クレジットカード情報は漏えいしていないのでしょうか。");
        let t = "クレジットカード情報は含まれておりません。何か質問はありますか？";
        one(t, "クレジットカード情報は含まれておりません");
        // A '?' inside a URL is not a question mark.
        let t = "影響はございません(詳細は https://example.com/?id=1 を参照)。";
        one(t, "影響はございません");
    }

    #[test]
    fn permission_and_not_only_need_their_context() {
        one(
            "業務に差し支えはございません。",
            "業務に差し支えはございません",
        );
        none("公表しても差し支えない情報です。");
        none("このメールは削除していただいても問題ありません。");
        let t = "本人の同意を得ずに第三者へ提供することはありません。";
        assert!(negated(t, "第三者"));
        none("やむを得ず、サービスを停止しました。");
        let t = "閲覧しただけで情報の流出はありません。";
        assert!(negated(t, "情報の流出"));
        none("ただし、緊急の場合はこの限りではありません。");
        let t = "調べない限り個人を特定できません。";
        one(t, "調べない限り個人を特定できません");
    }

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        let t = "漏えいはないとの報告は受けておりません。なお、被害はなく、影響もありません。";
        let r = find_negated_clauses(t, &split(t));
        assert!(r.windows(2).all(|w| w[0].end <= w[1].start));
        assert_eq!(
            neg(t),
            vec![
                "漏えいはないとの報告は受けておりません",
                "被害はなく",
                "影響もありません"
            ]
        );
    }

    #[test]
    fn respects_sentence_ranges() {
        let t = "被害はありません。二次被害は確認されておりません。";
        // Only the second sentence is given.
        let s = t.find("二次").unwrap()..t.len();
        let r = find_negated_clauses(t, std::slice::from_ref(&s));
        assert_eq!(r.len(), 1);
        assert_eq!(&t[r[0].clone()], "二次被害は確認されておりません");
        // Bad ranges are ignored, not a panic.
        assert!(find_negated_clauses(t, &[1..2, 0..10_000]).is_empty());
        assert!(find_negated_clauses("", &[]).is_empty());
    }

    #[test]
    fn folded_ascii_punctuation() {
        let t = "対象:会員情報(カード番号は含まれません),氏名";
        assert_eq!(neg(t), vec!["カード番号は含まれません"]);
    }

    #[test]
    fn random_input_never_panics() {
        const POOL: &[&str] = &[
            "な",
            "い",
            "く",
            "し",
            "ま",
            "せ",
            "ん",
            "ず",
            "か",
            "っ",
            "た",
            "で",
            "は",
            "が",
            "、",
            "。",
            "（",
            "）",
            "「",
            "」",
            "含",
            "無",
            "否定",
            "でき",
            "ない",
            "ません",
            "ず",
            "なく",
            "なし",
            "ところ",
            "ので",
            "ため",
            "以外",
            "には",
            "を",
            "A",
            ":",
            "1",
            "\n",
            "|",
            "？",
            " ",
            "しか",
            "全て",
            "ではなく",
            "ください",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..3000 {
            let len = next() % 40;
            let text: String = (0..len).map(|_| POOL[next() % POOL.len()]).collect();
            let mut cuts: Vec<usize> = (0..4).map(|_| next() % (text.len() + 1)).collect();
            cuts.sort_unstable();
            let sents = vec![
                0..cuts[0],
                cuts[0]..cuts[1],
                cuts[1]..cuts[2],
                cuts[3]..text.len(),
            ];
            for r in find_negated_clauses(&text, &sents) {
                assert!(r.start <= r.end && r.end <= text.len());
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
            for r in find_negated_clauses(&text, &split(&text)) {
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
        }
    }

    /// Runs over the corpus (sentences split crudely on 。 and line breaks): no panic,
    /// timing, and a sample of clauses to eyeball.
    /// `cargo test --release -- --ignored --nocapture corpus`
    #[test]
    #[ignore]
    fn corpus() {
        use std::path::{Path, PathBuf};
        let candidates = [
            std::env::var("DISCLINT_CORPUS").ok().map(PathBuf::from),
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/notices")),
            Some(PathBuf::from("/work/shared/corpus/notices")),
        ];
        let Some(dir) = candidates.into_iter().flatten().find(|p| p.is_dir()) else {
            eprintln!("corpus not found; skipped");
            return;
        };
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .expect("read_dir")
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&dir, &mut files);
        let docs: Vec<(String, Vec<Range<usize>>)> = files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|t| {
                let s = split(&t);
                (t, s)
            })
            .collect();
        let bytes: usize = docs.iter().map(|(t, _)| t.len()).sum();
        let mut results = Vec::new();
        let mut best = std::time::Duration::MAX;
        for _ in 0..5 {
            let t0 = std::time::Instant::now();
            results = docs
                .iter()
                .map(|(t, s)| find_negated_clauses(t, s))
                .collect::<Vec<_>>();
            best = best.min(t0.elapsed());
        }
        let total: usize = results.iter().map(Vec::len).sum();
        eprintln!(
            "{} files, {} bytes, {} negated clauses, best of 5: {:?}",
            docs.len(),
            bytes,
            total,
            best
        );
        let step = (total / 30).max(1);
        let mut n = 0;
        for ((t, _), rs) in docs.iter().zip(&results) {
            for r in rs {
                assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
                if n % step == 0 && n / step < 30 {
                    eprintln!("  [{}] {}", n / step + 1, &t[r.clone()]);
                }
                n += 1;
            }
        }
    }
}
