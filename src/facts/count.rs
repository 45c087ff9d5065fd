//! Counts (件数・人数 …) in the normalised text view.
//!
//! A count is an optional qualifier before (約, 最大, 計 …), a number, optional
//! spaces or tabs, a unit from a fixed list (件, 名, 人, 社 …), and an optional
//! qualifier after (以上, 未満, 程度 …). Numbers are ASCII digits with optional
//! thousands commas and decimals, kanji numerals, or a mix of the two with the
//! multipliers 十/百/千/万/億/兆 ("69万2,428", "約1万6千", "三千").
//! Vague amounts (数万件, 十数名, 複数のお客様) are reported with no value.
//!
//! Scanning is by hand so that the characters on both sides of a match can be
//! checked (件数 is a noun, 契約3件 is not "about 3").

use super::char_filter::{LeadSet, positions, starts, utf8_len};
use std::ops::Range;

/// How a count is bounded or hedged. When several words apply, the first of
/// these wins: a vague number, 最大/上限, 以上/以下-type words after the
/// unit, 少なくとも/最低/余, a span ("100~200件"), approximation words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// A plain figure, possibly with 計/合計/延べ/全.
    Exact,
    /// 約, およそ, 概ね, 推定, ほぼ; 程度, 前後, ほど, 相当 after the unit.
    Approx,
    /// 最大, 上限.
    Max,
    /// 以上, 超, 超え, を超える, 余り, 余, 強; 少なくとも, 最低.
    AtLeast,
    /// 以下, 未満, 以内, 近く, 弱; also a span such as "100~200件".
    AtMost,
    /// 数万, 数千, 数百, 数十, 十数, 数件; 多数, 複数, 大量, 相当数, 若干.
    Vague,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountFact {
    /// Whole expression, qualifiers included ("約数万件", "1,000件以上").
    pub span: Range<usize>,
    /// `None` when the amount is vague. For "100~200件" the upper bound.
    pub value: Option<f64>,
    /// The unit as written (件, 名, 人分, アカウント …); empty for 多数/複数/
    /// 大量/相当数 followed by "(の)お客様/顧客/会員/利用者/方/人/件/名".
    pub unit: String,
    pub qualifier: Qualifier,
}

/// All counts in `text`, sorted by start and non-overlapping.
pub fn find_counts(text: &str) -> Vec<CountFact> {
    find_counts_at(text, &positions(text.as_bytes(), &LEAD))
}

/// [`find_counts`], given the positions of all the [`LEAD`] characters of
/// `text` in order (found with another recogniser's in one scan).
pub(crate) fn find_counts_at(text: &str, leads: &[usize]) -> Vec<CountFact> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Where to look next: after the last candidate, or after the last count.
    let mut at = 0;
    for &i in leads {
        if i < at || !is_candidate(bytes, i) {
            continue;
        }
        at = i + utf8_len(bytes[i]);
        if let Some(f) = parse_count(text, i) {
            at = at.max(f.span.end);
            out.push(f);
        }
    }
    out
}

/// Whether the lead character at `i` may start a count: a digit only at the
/// start of a digit run, and common kana only as the start of one of
/// `KANA_WORDS`.
#[inline]
fn is_candidate(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    if rest[0].is_ascii_digit() {
        i == 0 || !bytes[i - 1].is_ascii_digit()
    } else if KANA_LEADS.iter().any(|k| rest.starts_with(k.as_bytes())) {
        KANA_WORDS.iter().any(|w| rest.starts_with(w.as_bytes()))
    } else {
        true
    }
}

/// First characters of anything `parse_count` can read: digits, qualifier and
/// vague words, kanji digits, 十百千 and 数, and the kana of `KANA_LEADS`.
pub(crate) const LEAD_CHARS: [char; 45] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '最', '上', '少', '概', '推', '約', '合',
    '総', '累', '小', '延', '計', '全', '多', '複', '大', '相', '若', '数', '〇', '一', '二', '三',
    '四', '五', '六', '七', '八', '九', '十', '百', '千', 'お', 'の', 'ほ',
];

/// Lead kana too common to try a parse at each: they lead a count only as the
/// start of one of `KANA_WORDS`.
const KANA_LEADS: [&str; 3] = ["お", "の", "ほ"];
const KANA_WORDS: [&str; 4] = ["およ", "おお", "のべ", "ほぼ"];

/// The lead characters, found by a byte-level scan (see `char_filter`).
static LEAD: LeadSet = LeadSet::new(&LEAD_CHARS);

/// Qualifiers before the number; `None` leaves the count exact.
const PREFIXES: [(&str, Option<Qualifier>); 21] = [
    ("最大で", Some(Qualifier::Max)),
    ("最大", Some(Qualifier::Max)),
    ("上限", Some(Qualifier::Max)),
    ("少なくとも", Some(Qualifier::AtLeast)),
    ("最低", Some(Qualifier::AtLeast)),
    ("おおよそ", Some(Qualifier::Approx)),
    ("およそ", Some(Qualifier::Approx)),
    ("おおむね", Some(Qualifier::Approx)),
    ("概ね", Some(Qualifier::Approx)),
    ("推定", Some(Qualifier::Approx)),
    ("ほぼ", Some(Qualifier::Approx)),
    ("約", Some(Qualifier::Approx)),
    ("合計で", None),
    ("合計", None),
    ("総計", None),
    ("累計", None),
    ("小計", None),
    ("延べ", None),
    ("計", None),
    ("全", None),
    ("のべ", None),
];

/// The first character of each of [`PREFIXES`].
const PREFIX_FIRSTS: [char; PREFIXES.len()] = {
    let mut out = ['\0'; PREFIXES.len()];
    let mut i = 0;
    while i < PREFIXES.len() {
        out[i] = first_char(PREFIXES[i].0);
        i += 1;
    }
    out
};

/// The first of [`PREFIXES`] that `s` starts with. Each prefix is compared
/// only if its first character is that of `s`: most candidates (一, 上, 大,
/// 全 …) start no prefix or only one or two, and comparing them with all 21
/// was a fifth of the recogniser's cost.
fn prefix_at(s: &str) -> Option<(&'static str, Option<Qualifier>)> {
    let c0 = s.chars().next()?;
    PREFIX_FIRSTS
        .iter()
        .zip(&PREFIXES)
        .find(|&(&f, &(lit, _))| f == c0 && starts(s, lit))
        .map(|(_, &p)| p)
}

/// The first character of each of [`VAGUE_WORDS`].
const VAGUE_FIRSTS: [char; VAGUE_WORDS.len()] = {
    let mut out = ['\0'; VAGUE_WORDS.len()];
    let mut i = 0;
    while i < VAGUE_WORDS.len() {
        out[i] = first_char(VAGUE_WORDS[i]);
        i += 1;
    }
    out
};

/// The first of [`VAGUE_WORDS`] that `s` starts with (compared as in
/// [`prefix_at`]).
fn vague_word_at(s: &str) -> Option<&'static str> {
    let c0 = s.chars().next()?;
    VAGUE_FIRSTS
        .iter()
        .zip(VAGUE_WORDS)
        .find(|&(&f, w)| f == c0 && starts(s, w))
        .map(|(_, w)| w)
}

/// The first character of the non-empty `s`, in a `const` context.
const fn first_char(s: &str) -> char {
    let b = s.as_bytes();
    let cp = match b[0] {
        0x00..=0x7F => b[0] as u32,
        0xC0..=0xDF => ((b[0] as u32 & 0x1F) << 6) | (b[1] as u32 & 0x3F),
        0xE0..=0xEF => {
            ((b[0] as u32 & 0x0F) << 12) | ((b[1] as u32 & 0x3F) << 6) | (b[2] as u32 & 0x3F)
        }
        _ => {
            ((b[0] as u32 & 0x07) << 18)
                | ((b[1] as u32 & 0x3F) << 12)
                | ((b[2] as u32 & 0x3F) << 6)
                | (b[3] as u32 & 0x3F)
        }
    };
    match char::from_u32(cp) {
        Some(c) => c,
        None => panic!("a str holds chars"),
    }
}

/// Qualifiers after the unit. Those marked `true` are single kanji that must
/// not run into another kanji (超過, 強化, 余計).
const POSTFIXES: [(&str, Qualifier, bool); 19] = [
    ("を超える", Qualifier::AtLeast, false),
    ("を超え", Qualifier::AtLeast, false),
    ("を上回る", Qualifier::AtLeast, false),
    ("超え", Qualifier::AtLeast, false),
    ("以上", Qualifier::AtLeast, false),
    ("余り", Qualifier::AtLeast, false),
    ("あまり", Qualifier::AtLeast, false),
    ("超", Qualifier::AtLeast, true),
    ("強", Qualifier::AtLeast, true),
    ("余", Qualifier::AtLeast, true),
    ("以下", Qualifier::AtMost, false),
    ("未満", Qualifier::AtMost, false),
    ("以内", Qualifier::AtMost, false),
    ("近く", Qualifier::AtMost, false),
    ("弱", Qualifier::AtMost, true),
    ("程度", Qualifier::Approx, false),
    ("前後", Qualifier::Approx, false),
    ("ほど", Qualifier::Approx, false),
    ("相当", Qualifier::Approx, false),
];

/// Units, longest first, each with the characters that, following it
/// directly, make it part of another word (件名, 名前, 人物, 社内, 口座番号 …).
/// 数 (件数, 人数) and 目 (1件目, an ordinal) are refused after every unit.
/// ⼈ is the Kangxi radical (U+2F08) that PDF extraction yields for 人.
const UNITS: [(&str, &str); 36] = [
    ("アカウント", "名情"),
    ("レコード", ""),
    ("ファイル", "名"),
    ("医療機関", "名"),
    ("事業所", "名"),
    ("自治体", "名"),
    ("人分", ""),
    ("名分", ""),
    ("件分", ""),
    ("名様", ""),
    ("店舗", "名"),
    ("団体", "名"),
    ("世帯", "主"),
    ("口座", "番情振名開残"),
    ("法人", "名番格税"),
    ("施設", "名内"),
    ("機関", "名"),
    ("拠点", ""),
    ("端末", ""),
    ("箇所", ""),
    ("か所", ""),
    ("カ所", ""),
    ("ヶ所", ""),
    ("ヵ所", ""),
    ("件", "名"),
    ("名", "前義称簿刺乗誉字門物所産宛鑑"),
    (
        "人",
        "物事材間生口格気権件的工体身形種質達情道為柄望脈選類民界力手暮称",
    ),
    (
        "⼈",
        "物事材間生口格気権件的工体身形種質達情道為柄望脈選類民界力手暮称",
    ),
    (
        "社",
        "内員外長会名是宅屋章用歴則債寺殿交団印保風製史区説旗食",
    ),
    ("台", "帳所風本詞湾頭地座紙車"),
    (
        "通",
        "知信常過販称学院算り行勤貨路帳話訳達報関例用則夜年期電",
    ),
    ("枚", "挙"),
    ("個", "人別所性室体々展"),
    ("校", "長舎正庭則歌内外門了閲務"),
    ("店", "舗長頭内員名主"),
    ("団地", ""),
];

/// First characters of `UNITS`.
const UNIT_LEADS: [char; 30] = [
    'ア', 'レ', 'フ', '医', '事', '自', '人', '⼈', '名', '件', '店', '団', '世', '口', '法', '施',
    '機', '拠', '端', '箇', 'か', 'カ', 'ヶ', 'ヵ', '社', '台', '通', '枚', '個', '校',
];

/// After a unit, these make it a rate or a distribution ("1件ごとに",
/// "1人あたり"), not an amount. につき is one only before another figure
/// ("1人につき500円"); "690名につきまして" means "regarding the 690".
const DISTRIBUTIVE: [&str; 5] = ["ごと", "毎", "ずつ", "あたり", "当たり"];

/// Vague amount words that stand in for the number.
const VAGUE_WORDS: [&str; 5] = ["相当数", "多数", "複数", "大量", "若干"];

/// What a vague word may quantify when no unit follows it ("複数のお客様").
const VAGUE_NOUNS: [&str; 9] = [
    "お客様",
    "お客さま",
    "顧客",
    "会員",
    "利用者",
    "方",
    "人",
    "件",
    "名",
];

/// Preceding characters that make a kanji numeral part of a word: 同一,
/// 統一, 唯一, 万一, 均一, 単一, 画一, 第一, 不二, 無二.
const KANJI_NUMERAL_GLUE: &str = "同統唯万均単画第逐随不無";

/// Preceding characters that make 約 part of a word: 契約, 予約, 規約, 解約 …
const YAKU_GLUE: &str = "契予規要集節解制公条誓婚盟協成確特売違先締倹簡";

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

fn kanji_digit(c: char) -> Option<f64> {
    let v = match c {
        '〇' => 0.0,
        '一' => 1.0,
        '二' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => return None,
    };
    Some(v)
}

fn small_multiplier(c: char) -> Option<f64> {
    match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1000.0),
        _ => None,
    }
}

fn big_multiplier(c: char) -> Option<f64> {
    match c {
        '万' => Some(1e4),
        '億' => Some(1e8),
        '兆' => Some(1e12),
        _ => None,
    }
}

/// A position in the text; callers backtrack by keeping a copy.
#[derive(Clone, Copy)]
struct Cur<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cur<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn skip_ws(&mut self) {
        let b = self.s.as_bytes();
        while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
    }

    #[inline]
    fn eat(&mut self, lit: &str) -> bool {
        if starts(self.rest(), lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }
}

/// A number as read: its value (meaningless when `vague`), and whether it
/// began with a kanji numeral.
struct Num {
    value: f64,
    vague: bool,
    kanji: bool,
}

fn parse_count(text: &str, at: usize) -> Option<CountFact> {
    let prev = text[..at].chars().next_back();
    let mut c = Cur { s: text, pos: at };

    // Qualifiers before the number, possibly several ("最大で延べ", "合計約").
    // None starts with a digit, and most candidates do.
    let (mut pre_max, mut pre_at_least, mut pre_approx) = (false, false, false);
    let mut has_prefix = false;
    while !c.rest().starts_with(|ch: char| ch.is_ascii_digit()) {
        let mut k = c;
        if has_prefix {
            k.skip_ws();
        }
        let Some((lit, q)) = prefix_at(k.rest()) else {
            break;
        };
        if !has_prefix && !prefix_stands_alone(lit, prev) {
            return None;
        }
        match q {
            Some(Qualifier::Max) => pre_max = true,
            Some(Qualifier::AtLeast) => pre_at_least = true,
            Some(Qualifier::Approx) => pre_approx = true,
            _ => {}
        }
        k.pos += lit.len();
        has_prefix = true;
        c = k;
    }
    if has_prefix {
        c.skip_ws();
    }

    // 多数/複数/大量/相当数/若干 in place of a number.
    if let Some(word) = vague_word_at(c.rest()) {
        if !has_prefix && prev.is_some_and(is_kanji) {
            return None;
        }
        c.pos += word.len();
        let word_end = c.pos;
        let mut k = c;
        k.skip_ws();
        if let Some(end) = unit(&mut k, false) {
            return Some(CountFact {
                span: at..k.pos,
                value: None,
                unit: text[end.clone()].to_string(),
                qualifier: Qualifier::Vague,
            });
        }
        let mut k = c;
        k.eat("の");
        let noun = VAGUE_NOUNS.iter().find(|n| starts(k.rest(), n))?;
        k.pos += noun.len();
        // 方法, 人員, 件名: a one-kanji noun must stand alone.
        if noun.chars().count() == 1 && k.peek().is_some_and(|n| is_kanji(n) && n != '々') {
            return None;
        }
        return Some(CountFact {
            span: at..word_end,
            value: None,
            unit: String::new(),
            qualifier: Qualifier::Vague,
        });
    }

    let first = c.peek()?;
    if !has_prefix {
        let glued = if first.is_ascii_digit() {
            // "1,2件" and "3.5件" read from the middle are not counts; "PC30台",
            // "お客様,690名" (a folded full-width comma) are.
            let mut back = text[..at].chars().rev();
            match back.next() {
                Some('.' | ',') => back.next().is_some_and(|q| q.is_ascii_digit()),
                Some(p) => p.is_ascii_digit() || matches!(p, '/' | '-' | '_' | '#' | '第'),
                None => false,
            }
        } else if first == '数' {
            prev.is_some_and(is_kanji)
        } else {
            prev.is_some_and(|p| KANJI_NUMERAL_GLUE.contains(p))
        };
        if glued {
            return None;
        }
    }
    let mut num = number(&mut c)?;

    // "1,000余名": 余 between the number and the unit.
    let more = c.eat("余");
    // "100~200件": keep the upper bound.
    let mut span_of = false;
    {
        let mut k = c;
        k.skip_ws();
        if k.eat("~") {
            k.skip_ws();
            if let Some(upper) = number(&mut k)
                && upper.kanji == num.kanji
            {
                num = Num {
                    value: upper.value,
                    vague: num.vague || upper.vague,
                    kanji: num.kanji,
                };
                span_of = true;
                c = k;
            }
        }
    }

    c.skip_ws();
    let unit_range = unit(&mut c, num.kanji)?;
    let unit_text = &text[unit_range];
    if num.kanji {
        let written = &text[at..c.pos];
        // The second half of 一件一件 / 一人一人 ("one by one").
        if text[..at].ends_with(written) {
            return None;
        }
        // "(一社)" abbreviates 一般社団法人.
        if written == "一社" && prev == Some('(') && c.peek() == Some(')') {
            return None;
        }
    }

    let mut post = None;
    {
        let mut k = c;
        k.skip_ws();
        for &(lit, q, single) in &POSTFIXES {
            let mut p = k;
            if p.eat(lit) {
                if !(single && p.peek().is_some_and(is_kanji)) {
                    post = Some(q);
                    c = p;
                }
                break;
            }
        }
    }

    let qualifier = if num.vague {
        Qualifier::Vague
    } else if pre_max {
        Qualifier::Max
    } else if let Some(q @ (Qualifier::AtLeast | Qualifier::AtMost)) = post {
        q
    } else if pre_at_least || more {
        Qualifier::AtLeast
    } else if span_of {
        Qualifier::AtMost
    } else if pre_approx || post == Some(Qualifier::Approx) {
        Qualifier::Approx
    } else {
        Qualifier::Exact
    };
    Some(CountFact {
        span: at..c.pos,
        value: (!num.vague).then(|| tidy(num.value)),
        unit: unit_text.to_string(),
        qualifier,
    })
}

/// Whether a prefix at the very start of a candidate is a qualifier and not
/// the tail of another word (契約, 会計, 安全).
fn prefix_stands_alone(lit: &str, prev: Option<char>) -> bool {
    match lit {
        "約" => !prev.is_some_and(|p| YAKU_GLUE.contains(p)),
        "計" | "全" | "のべ" => !prev.is_some_and(is_kanji),
        _ => true,
    }
}

/// Reads a number: ASCII digits (with "," thousands groups and decimals),
/// kanji digits, 数 as a vague digit, and the multipliers 十百千 / 万億兆.
fn number(c: &mut Cur) -> Option<Num> {
    let mut total = 0.0;
    let mut section = 0.0;
    let mut cur: Option<f64> = None;
    let mut last_small = f64::INFINITY;
    let mut last_big = f64::INFINITY;
    let mut vague = false;
    let mut kanji = None;
    loop {
        // Spaces are allowed only before a multiplier ("337 万件").
        let mut k = *c;
        if kanji.is_some() {
            k.skip_ws();
        }
        let Some(ch) = k.peek() else { break };
        if let Some(m) = small_multiplier(ch) {
            if m >= last_small {
                break;
            }
            section += cur.take().unwrap_or(1.0) * m;
            last_small = m;
            k.bump();
        } else if let Some(m) = big_multiplier(ch) {
            if m >= last_big || (section == 0.0 && cur.is_none()) {
                break;
            }
            total += (section + cur.take().unwrap_or(0.0)) * m;
            section = 0.0;
            last_small = f64::INFINITY;
            last_big = m;
            k.bump();
        } else if k.pos != c.pos || cur.is_some() {
            // A digit can only come right after a multiplier or at the start.
            break;
        } else if ch.is_ascii_digit() {
            cur = Some(arabic(&mut k));
        } else if let Some(d) = kanji_digit(ch) {
            cur = Some(d);
            k.bump();
        } else if ch == '数' {
            vague = true;
            cur = Some(1.0);
            k.bump();
        } else {
            break;
        }
        kanji.get_or_insert(!ch.is_ascii_digit());
        *c = k;
    }
    let kanji = kanji?;
    Some(Num {
        value: total + section + cur.unwrap_or(0.0),
        vague,
        kanji,
    })
}

/// ASCII digits at the cursor, with "," thousands groups (only where every
/// group has three digits) and an optional decimal part.
fn arabic(c: &mut Cur) -> f64 {
    let b = c.s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let start = c.pos;
    let mut i = start;
    while digit(i) {
        i += 1;
    }
    if i - start <= 3 {
        while b.get(i) == Some(&b',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
            i += 4;
        }
    }
    if b.get(i) == Some(&b'.') && digit(i + 1) {
        i += 1;
        while digit(i) {
            i += 1;
        }
    }
    // All digits as one integer, scaled down by the decimal places at the end
    // (143 / 10, not 14 + 0.3), so the result is correctly rounded.
    let mut mantissa = 0.0;
    let mut places = None;
    for &d in &b[start..i] {
        match d {
            b'.' => places = Some(0),
            b',' => {}
            _ => {
                mantissa = mantissa * 10.0 + f64::from(d - b'0');
                places = places.map(|p| p + 1);
            }
        }
    }
    c.pos = i;
    mantissa / 10f64.powi(places.unwrap_or(0))
}

/// A unit at the cursor, checked against what follows it. Returns the byte
/// range of the unit and leaves the cursor after it.
fn unit(c: &mut Cur, kanji_number: bool) -> Option<Range<usize>> {
    // Most numbers are followed by 年/月/日/時/% or ASCII: one cheap test
    // saves comparing against every unit.
    if !c.peek().is_some_and(|ch| UNIT_LEADS.contains(&ch)) {
        return None;
    }
    let &(lit, glue) = UNITS.iter().find(|(u, _)| starts(c.rest(), u))?;
    let start = c.pos;
    let after = &c.rest()[lit.len()..];
    let next = after.chars().next();
    if next.is_some_and(|n| n == '数' || n == '目' || glue.contains(n))
        || DISTRIBUTIVE.iter().any(|d| starts(after, d))
        || after.strip_prefix("につき").is_some_and(|r| {
            r.trim_start_matches([' ', '\t'])
                .starts_with(|n: char| n.is_ascii_digit() || kanji_digit(n).is_some())
        })
        // 一人ひとり, 一件一件, 一人一人: "each", not an amount.
        || (kanji_number && (after.starts_with("ひと") || next.and_then(kanji_digit).is_some()))
    {
        return None;
    }
    c.pos += lit.len();
    Some(start..c.pos)
}

/// Removes binary noise from decimal scaling (14.3 × 10⁴ = 143000.00000000003).
fn tidy(v: f64) -> f64 {
    let r = v.round();
    if (v - r).abs() < 1e-6 * r.abs().max(1.0) {
        r
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::char_filter::token_soup;

    fn one(text: &str, span: &str) -> CountFact {
        let cs = find_counts(text);
        assert_eq!(cs.len(), 1, "{text:?} → {cs:?}");
        assert_eq!(&text[cs[0].span.clone()], span, "{text:?}");
        cs[0].clone()
    }

    fn check(text: &str, span: &str, value: Option<f64>, unit: &str, q: Qualifier) {
        let f = one(text, span);
        assert_eq!(f.value, value, "{text:?}");
        assert_eq!(f.unit, unit, "{text:?}");
        assert_eq!(f.qualifier, q, "{text:?}");
    }

    #[test]
    fn arabic_counts() {
        use Qualifier::*;
        check("漏えいは199件です", "199件", Some(199.0), "件", Exact);
        check("対象は33,947件。", "33,947件", Some(33947.0), "件", Exact);
        check("従業員2名が", "2名", Some(2.0), "名", Exact);
        check("3,000人分の", "3,000人分", Some(3000.0), "人分", Exact);
        check("|4 件|", "4 件", Some(4.0), "件", Exact);
        check("計 382 件", "計 382 件", Some(382.0), "件", Exact);
        check(
            "合計で1,200アカウント",
            "合計で1,200アカウント",
            Some(1200.0),
            "アカウント",
            Exact,
        );
        check("延べ12社", "延べ12社", Some(12.0), "社", Exact);
        check("取引先5店舗", "5店舗", Some(5.0), "店舗", Exact);
        check("3か所の拠点", "3か所", Some(3.0), "か所", Exact);
        check("PC30台で", "30台", Some(30.0), "台", Exact);
        check(
            "お客様,690名につきまして",
            "690名",
            Some(690.0),
            "名",
            Exact,
        );
    }

    #[test]
    fn multipliers() {
        use Qualifier::*;
        check("約337万件の", "約337万件", Some(3_370_000.0), "件", Approx);
        check(
            "約 337 万件",
            "約 337 万件",
            Some(3_370_000.0),
            "件",
            Approx,
        );
        check("69万2,428人", "69万2,428人", Some(692_428.0), "人", Exact);
        check("約14.3万件", "約14.3万件", Some(143_000.0), "件", Approx);
        check("約1千件", "約1千件", Some(1000.0), "件", Approx);
        check("約1万6千件", "約1万6千件", Some(16_000.0), "件", Approx);
        check("1億2千万件", "1億2千万件", Some(120_000_000.0), "件", Exact);
        check("1,750万件", "1,750万件", Some(17_500_000.0), "件", Exact);
        check("最大904万件", "最大904万件", Some(9_040_000.0), "件", Max);
    }

    #[test]
    fn kanji_numerals() {
        use Qualifier::*;
        check("三千件", "三千件", Some(3000.0), "件", Exact);
        check("職員二名が", "二名", Some(2.0), "名", Exact);
        check("十五件", "十五件", Some(15.0), "件", Exact);
        check("一万二千件", "一万二千件", Some(12000.0), "件", Exact);
        check("三百二十一人", "三百二十一人", Some(321.0), "人", Exact);
        check("一社から", "一社", Some(1.0), "社", Exact);
        for text in [
            "一部の",
            "同一人物",
            "統一名称",
            "一人ひとり",
            "一件一件",
            "一人一人",
            "万一件",
            "唯一人",
            "(一社)日本協会",
        ] {
            assert!(
                find_counts(text).is_empty(),
                "{text:?} → {:?}",
                find_counts(text)
            );
        }
    }

    #[test]
    fn qualifiers() {
        use Qualifier::*;
        check("1,000件以上", "1,000件以上", Some(1000.0), "件", AtLeast);
        check(
            "1,000 件 以上に",
            "1,000 件 以上",
            Some(1000.0),
            "件",
            AtLeast,
        );
        check("100件を超える", "100件を超える", Some(100.0), "件", AtLeast);
        check("100件超の", "100件超", Some(100.0), "件", AtLeast);
        check("1,000余名", "1,000余名", Some(1000.0), "名", AtLeast);
        check("500人未満", "500人未満", Some(500.0), "人", AtMost);
        check("1万件弱", "1万件弱", Some(10000.0), "件", AtMost);
        check("200件程度", "200件程度", Some(200.0), "件", Approx);
        check("200件前後", "200件前後", Some(200.0), "件", Approx);
        check("およそ40名", "およそ40名", Some(40.0), "名", Approx);
        check("概ね40名", "概ね40名", Some(40.0), "名", Approx);
        check(
            "最大で延べ8,853件",
            "最大で延べ8,853件",
            Some(8853.0),
            "件",
            Max,
        );
        check("最大約17万件", "最大約17万件", Some(170_000.0), "件", Max);
        check("上限50件", "上限50件", Some(50.0), "件", Max);
        check(
            "約1,000件以上",
            "約1,000件以上",
            Some(1000.0),
            "件",
            AtLeast,
        );
        check("100~200件", "100~200件", Some(200.0), "件", AtMost);
        // 強化/超過 are words, not qualifiers.
        check("10件強化", "10件", Some(10.0), "件", Exact);
        check("件数約300件", "約300件", Some(300.0), "件", Approx);
        // 契約 is a word: "3 contracts", not "about 3".
        check("契約3件", "3件", Some(3.0), "件", Exact);
    }

    #[test]
    fn vague_counts() {
        use Qualifier::*;
        check("数万件", "数万件", None, "件", Vague);
        check("約数万件", "約数万件", None, "件", Vague);
        check("数千件", "数千件", None, "件", Vague);
        check("数百名", "数百名", None, "名", Vague);
        check("数十件", "数十件", None, "件", Vague);
        check("十数件", "十数件", None, "件", Vague);
        check("数件の", "数件", None, "件", Vague);
        check("1万数千件", "1万数千件", None, "件", Vague);
        check("多数のお客様", "多数", None, "", Vague);
        check("複数の顧客", "複数", None, "", Vague);
        check("大量の会員", "大量", None, "", Vague);
        check("相当数の方", "相当数", None, "", Vague);
        check("複数名", "複数名", None, "名", Vague);
        check("若干名", "若干名", None, "名", Vague);
        for text in [
            "複数の方法",
            "多数の被害",
            "大量に",
            "大多数のお客様",
            "件数",
        ] {
            assert!(
                find_counts(text).is_empty(),
                "{text:?} → {:?}",
                find_counts(text)
            );
        }
    }

    #[test]
    fn not_counts() {
        for text in [
            "6月11日",
            "2025年",
            "10時",
            "0120-123-456",
            "3.5%",
            "第1報",
            "1つ",
            "件数",
            "1件目",
            "一部",
            "1件ごとに",
            "1人あたり",
            "1人につき 500円",
            "名前",
            "3名義",
            "2人物",
            "1社内",
            "5社員",
            "1口座番号",
            "1.2.3件",
            "1,000万円",
            "3ヶ月",
            "1,2件",
        ] {
            assert!(
                find_counts(text).is_empty(),
                "{text:?} → {:?}",
                find_counts(text)
            );
        }
    }

    #[test]
    fn lead_tables_cover_the_word_lists() {
        for (u, _) in UNITS {
            assert!(UNIT_LEADS.contains(&u.chars().next().unwrap()), "{u}");
        }
        for w in PREFIXES.iter().map(|p| p.0).chain(VAGUE_WORDS) {
            let first = w.chars().next().unwrap();
            let kana = KANA_LEADS.iter().any(|k| w.starts_with(k));
            let ok = if kana {
                KANA_WORDS.iter().any(|k| w.starts_with(k))
            } else {
                LEAD_CHARS.contains(&first)
            };
            assert!(ok, "{w}");
        }
    }

    /// The candidate test as it was written per character before the byte
    /// scan: the scan must stop at exactly these positions.
    fn old_candidate(text: &str, i: usize, ch: char) -> bool {
        const OLD_LEADS: [char; 32] = [
            '最', '上', '少', '概', '推', '約', '合', '総', '累', '小', '延', '計', '全', '多',
            '複', '大', '相', '若', '数', '〇', '一', '二', '三', '四', '五', '六', '七', '八',
            '九', '十', '百', '千',
        ];
        if ch.is_ascii_digit() {
            i == 0 || !text.as_bytes()[i - 1].is_ascii_digit()
        } else if matches!(ch, 'お' | 'の' | 'ほ') {
            ["およ", "おお", "のべ", "ほぼ"]
                .iter()
                .any(|w| text[i..].starts_with(w))
        } else {
            OLD_LEADS.contains(&ch)
        }
    }

    #[test]
    fn byte_scan_finds_the_same_candidates_as_a_char_test() {
        // Every BMP character, then digit runs and the kana words in context.
        let mut text: String = (0..=0xFFFFu32).filter_map(char::from_u32).collect();
        text.push_str("12 3456 およそおおよそおおむねのべほぼおの ほ約1万😀七");
        let expected: Vec<usize> = text
            .char_indices()
            .filter(|&(i, ch)| old_candidate(&text, i, ch))
            .map(|(i, _)| i)
            .collect();
        let bytes = text.as_bytes();
        let got: Vec<usize> = positions(bytes, &LEAD)
            .into_iter()
            .filter(|&i| is_candidate(bytes, i))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn several_counts_sorted() {
        let text = "氏名 約1,200件、住所 3件、計 1,203 件(うち2名は重複)";
        let got: Vec<&str> = find_counts(text)
            .iter()
            .map(|c| &text[c.span.clone()])
            .collect();
        assert_eq!(got, ["約1,200件", "3件", "計 1,203 件", "2名"]);
    }

    #[test]
    fn invariants_on_token_soup() {
        let tokens = [
            "約",
            "1",
            ",",
            "000",
            "万",
            "千",
            "件",
            "名",
            "人分",
            "以上",
            "数",
            "十",
            "三",
            "一",
            "~",
            " ",
            ".",
            "5",
            "最大",
            "複数",
            "の",
            "お客様",
            "余",
            "超",
            "数",
            "目",
            "、",
        ];
        for seed in 0..300 {
            let text = token_soup(&tokens, seed, 40);
            let counts = find_counts(&text);
            for c in &counts {
                assert!(
                    c.span.start < c.span.end && c.span.end <= text.len(),
                    "{text:?}"
                );
                assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
                assert!(c.value.is_none_or(f64::is_finite), "{text:?}");
                assert_eq!(
                    c.value.is_none(),
                    c.qualifier == Qualifier::Vague,
                    "{text:?}"
                );
            }
            assert!(
                counts.windows(2).all(|w| w[0].span.end <= w[1].span.start),
                "{text:?}"
            );
        }
    }
}
