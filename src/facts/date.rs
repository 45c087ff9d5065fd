//! Dates and date ranges in the normalised text view.
//!
//! The input has full-width ASCII folded to ASCII (１→1, （→(, ：→:), U+3000
//! turned into a space and every wave dash turned into `~`. Real notices pad
//! numbers with spaces ("4 月 17 日"), so spaces and tabs (never newlines) are
//! accepted between tokens.
//!
//! Scanning is by hand: a date can start only at a digit, at `R`/`H`, or at
//! one of a few kanji (令和, 平成, 昭和, 同, 翌, 前, 当), and each candidate is
//! parsed with a small cursor that can look both ways, which the `regex`
//! crate cannot.

use super::char_filter::{LeadSet, positions, starts, utf8_len};
use std::ops::Range;

/// A calendar date, possibly partial (year only, month only, day only for
/// relative forms), as written in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFact {
    /// Byte range of the whole expression, including a weekday in brackets,
    /// a time of day and 頃/上旬/末 when present.
    pub span: Range<usize>,
    /// Gregorian year; era years (令和/平成/昭和, R/H) are converted.
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// 頃/ごろ/ころ, 上旬/中旬/下旬/初旬, 初め/半ば, 末 (and 末日 when the
    /// last day cannot be computed, i.e. February of an unknown year).
    pub approx: bool,
    /// One of "未明", "早朝", "朝", "午前", "昼", "午後", "夕方", "夜",
    /// "深夜" (夕刻 is reported as "夕方", 夜間 as "夜", 正午 as "昼").
    pub part_of_day: Option<&'static str>,
    /// 同日, 当日, 翌日, 前日, 同月X日, 翌月X日, 同年X月…, 翌X日, 同X日: the
    /// fields hold only what is written (a range fills them from its start).
    pub relative: bool,
}

/// A period between two dates, or an open-ended one: "A から B まで(の間)",
/// "A~B", "A から B にかけて", "4月17~21日", "2025年10-12月", "A以降",
/// "A から現在まで", "A から" / "A~" alone, and end-only bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRangeFact {
    /// Whole expression, including から/まで/にかけて/以降/の間/の期間.
    pub span: Range<usize>,
    /// `None` for an end-only bound ("~6月11日", "6月11日まで", "6月11日以前").
    pub start: Option<DateFact>,
    /// The end with year and month filled from the start when it omits them.
    pub end: Option<DateFact>,
    /// No end date: 以降/以来/以後, から or ~ with nothing after, から現在まで.
    pub open_end: bool,
}

/// All dates in `text`, sorted by start and non-overlapping.
///
/// A bare day ("21日") is not a date on its own, unless a weekday follows it
/// ("21日(火)", read as relative); otherwise it is picked up only as the end of
/// a range by [`find_date_ranges`].
pub fn find_dates(text: &str) -> Vec<DateFact> {
    find_dates_at(text, &positions(text.as_bytes(), &LEAD))
}

/// [`find_dates`], given the positions of all the [`LEAD`] characters of
/// `text` in order (found with another recogniser's in one scan).
pub(crate) fn find_dates_at(text: &str, leads: &[usize]) -> Vec<DateFact> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Where to look next: after the last candidate, or after the last date.
    let mut at = 0;
    for &i in leads {
        if i < at || !is_candidate(bytes, i) {
            continue;
        }
        at = i + utf8_len(bytes[i]);
        if let Some(d) = parse_date(text, i) {
            at = at.max(d.span.end);
            out.push(d);
            // "11月17日、18日": later days of the same month listed after it.
            while let Some(more) = listed_day(text, out.last().expect("just pushed")) {
                at = at.max(more.span.end);
                out.push(more);
            }
        }
    }
    out
}

/// Whether the lead character at `i` may start a date: a digit only at the
/// start of a digit run ("12025年" is not a year).
#[inline]
fn is_candidate(bytes: &[u8], i: usize) -> bool {
    !(bytes[i].is_ascii_digit() && i > 0 && bytes[i - 1].is_ascii_digit())
}

/// A bare day listed right after a full date ("11月17日、18日", "6月11日・12日"):
/// the same month, a later day. Durations ("、3日間") are not days.
fn listed_day(text: &str, prev: &DateFact) -> Option<DateFact> {
    let (Some(month), Some(prev_day)) = (prev.month, prev.day) else {
        return None;
    };
    let mut k = Cur::new(text, prev.span.end);
    k.skip_ws();
    k.eat_any(&["、", "・", ",", "及び", "および", "と"])?;
    k.skip_ws();
    let start = k.pos;
    let day = k.digits(1, 2)?;
    k.skip_ws();
    k.eat_any(&DAY)?;
    if day <= prev_day || day > 31 || is_duration(k.rest()) {
        return None;
    }
    let mut d = DateFact::at(start);
    d.year = prev.year;
    d.month = Some(month);
    d.day = Some(day);
    suffixes(&mut k, &mut d);
    d.span.end = k.pos;
    Some(d)
}

/// Date ranges built on `dates` (normally the output of [`find_dates`] for the
/// same text), sorted by start and non-overlapping.
pub fn find_date_ranges(text: &str, dates: &[DateFact]) -> Vec<DateRangeFact> {
    let mut out: Vec<DateRangeFact> = Vec::new();
    let mut covered = 0;
    for (k, d) in dates.iter().enumerate() {
        let in_text = d.span.end <= text.len()
            && text.is_char_boundary(d.span.start)
            && text.is_char_boundary(d.span.end);
        if d.span.start < covered || !in_text {
            continue;
        }
        let found = range_from(text, dates, k).or_else(|| end_only(text, d, covered));
        if let Some(r) = found {
            covered = r.span.end;
            out.push(r);
        }
    }
    out
}

/// 月 and 日, and the look-alike Kangxi radicals (U+2F49, U+2F47) that text
/// extracted from PDFs often carries instead.
const MONTH: [&str; 2] = ["月", "⽉"];
const DAY: [&str; 2] = ["日", "⽇"];
const WEEKDAYS: [&str; 14] = [
    "月", "火", "水", "木", "金", "土", "日", "⽉", "⽕", "⽔", "⽊", "⾦", "⼟", "⽇",
];

/// Characters that can start a date: digits, `R`/`H` and a few kanji.
pub(crate) const LEAD_CHARS: [char; 23] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'R', 'H', '令', '平', '昭', '同', '翌', '前',
    '当', '本', '昨', '今', '先',
];

/// The lead characters, found by a byte-level scan (see `char_filter`).
static LEAD: LeadSet = LeadSet::new(&LEAD_CHARS);

/// (as written, reported) — longer forms first so 早朝 wins over 朝.
const PARTS_OF_DAY: [(&str, &str); 12] = [
    ("未明", "未明"),
    ("早朝", "早朝"),
    ("午前", "午前"),
    ("午後", "午後"),
    ("夕方", "夕方"),
    ("夕刻", "夕方"),
    ("深夜", "深夜"),
    ("夜間", "夜"),
    ("正午", "昼"),
    ("朝", "朝"),
    ("昼", "昼"),
    ("夜", "夜"),
];

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

/// A position in the text with small, copyable parsing steps; a failed step
/// leaves the cursor where it was, and callers backtrack by keeping a copy.
#[derive(Clone, Copy)]
struct Cur<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cur<'a> {
    fn new(s: &'a str, pos: usize) -> Self {
        Cur { s, pos }
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
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

    #[inline]
    fn eat_any(&mut self, lits: &[&'static str]) -> Option<&'static str> {
        let hit = lits.iter().copied().find(|l| starts(self.rest(), l))?;
        self.pos += hit.len();
        Some(hit)
    }

    /// A run of `min..=max` ASCII digits that is not followed by another digit.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let b = &self.s.as_bytes()[self.pos..];
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if n < min || n > max {
            return None;
        }
        let v = b[..n]
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
        self.pos += n;
        Some(v)
    }
}

impl DateFact {
    fn at(pos: usize) -> Self {
        DateFact {
            span: pos..pos,
            year: None,
            month: None,
            day: None,
            approx: false,
            part_of_day: None,
            relative: false,
        }
    }

    /// A day, or a relative day such as 同日/翌日: something a clock time or a
    /// weekday can attach to.
    fn is_day_level(&self) -> bool {
        self.day.is_some() || (self.relative && self.year.is_none() && self.month.is_none())
    }
}

fn parse_date(s: &str, at: usize) -> Option<DateFact> {
    let prev = s[..at].chars().next_back();
    let mut c = Cur::new(s, at);
    let mut d = DateFact::at(at);
    let first = s.as_bytes()[at];
    let ok = if first.is_ascii_digit() {
        // Part of an identifier or a path ("FY2025", "/2025/06/11/").
        if prev.is_some_and(|p| p.is_ascii_alphabetic() || matches!(p, '/' | '_')) {
            return None;
        }
        numeric_led(&mut c, &mut d, prev)
    } else if first == b'R' || first == b'H' {
        if prev.is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, '.' | '/' | '_' | '-')) {
            return None;
        }
        letter_era(&mut c, &mut d)
    } else {
        kanji_led(&mut c, &mut d, prev)
    };
    if !ok {
        return None;
    }
    suffixes(&mut c, &mut d);
    d.span.end = c.pos;
    Some(d)
}

/// Forms that start with a digit: 2025年…, 2025/6/11, 2025-06-11, 2025.6.11,
/// 2025/6, 6月…, and 6/11 when a weekday follows.
fn numeric_led(c: &mut Cur, d: &mut DateFact, prev: Option<char>) -> bool {
    let start = *c;
    if let Some(y) = c.digits(4, 4) {
        let mut k = *c;
        k.skip_ws();
        if k.eat("年") {
            if !valid_year(y) {
                return false;
            }
            *c = k;
            d.year = Some(y as i32);
            return year_tail(c, d);
        }
        // "1.2025.6.11", "03-2025-06-11": part of a longer figure.
        if matches!(prev, Some('-' | '.' | ',')) || !valid_year(y) {
            return false;
        }
        if let Some((m, day)) = separated_month_day(c) {
            d.year = Some(y as i32);
            d.month = Some(m);
            d.day = day;
            return true;
        }
        return false;
    }

    *c = start;
    if let Some(m) = c.digits(1, 2) {
        let mut k = *c;
        k.skip_ws();
        if k.eat_any(&MONTH).is_some() {
            // 第2月曜日 is a weekday, not February.
            if !(1..=12).contains(&m) || prev == Some('第') || k.peek() == Some('曜') {
                return false;
            }
            d.month = Some(m);
            *c = k;
            return day_tail(c, d);
        }
    }
    // "14日(火)", "14日木曜日", "14日午後", "14日15時": a bare day is read only
    // when a weekday or a time of day pins it down; it is relative (the month
    // comes from the context, like 同14日).
    *c = start;
    if !matches!(prev, Some('-' | '.' | ',' | '~' | '〜' | '～'))
        && let Some(day) = c.digits(1, 2)
    {
        let mut k = *c;
        k.skip_ws();
        if (1..=31).contains(&day) && k.eat_any(&DAY).is_some() && pinned_down(k) {
            d.day = Some(day);
            d.relative = true;
            *c = k;
            return true;
        }
    }
    // "6/11(水)", "6/11の21時頃", "6/11夕方": a bare month/day is too
    // ambiguous (fractions, ratios) unless a weekday or a time of day pins it
    // down.
    *c = start;
    if !matches!(prev, Some('-' | '.' | ','))
        && let Some((m, day)) = slash_month_day(c)
        && !continues_number(c)
        && pinned_down(*c)
    {
        d.month = Some(m);
        d.day = Some(day);
        return true;
    }
    false
}

/// After a four-digit year: "/6/11", "-06-11", ".6.11" (one separator
/// throughout) or "/6" (year and month, slash only). Returns month and day.
fn separated_month_day(c: &mut Cur) -> Option<(u32, Option<u32>)> {
    let save = *c;
    let sep = c.eat_any(&["/", "-", "."])?;
    let m = c.digits(1, 2).filter(|m| (1..=12).contains(m));
    let Some(m) = m else {
        *c = save;
        return None;
    };
    let after_month = *c;
    if c.eat(sep)
        && let Some(day) = c.digits(1, 2)
        && (1..=31).contains(&day)
        && !continues_number(c)
    {
        return Some((m, Some(day)));
    }
    *c = after_month;
    if sep == "/" && !continues_number(c) {
        return Some((m, None));
    }
    *c = save;
    None
}

/// True when the figure just read runs on ("2025/6/11/3", "2025.6.11.1"), so
/// it is a path, a version or an address rather than a date.
fn continues_number(c: &Cur) -> bool {
    let b = &c.s.as_bytes()[c.pos..];
    match b {
        [d, ..] if d.is_ascii_digit() => true,
        [b'/' | b'.' | b'-', d, ..] if d.is_ascii_digit() => true,
        _ => false,
    }
}

fn valid_year(y: u32) -> bool {
    (1900..=2100).contains(&y)
}

/// 令和/平成/昭和 + (元|N), converted to the Gregorian year; 年 not consumed.
fn era_year(c: &mut Cur) -> Option<i32> {
    let save = *c;
    let (base, max) = match c.eat_any(&["令和", "平成", "昭和"])? {
        "令和" => (2018, 99),
        "平成" => (1988, 31),
        _ => (1925, 64),
    };
    c.skip_ws();
    let n = if c.eat("元") {
        Some(1)
    } else {
        c.digits(1, 2)
    };
    match n {
        Some(n) if (1..=max).contains(&n) => Some(base + n as i32),
        _ => {
            *c = save;
            None
        }
    }
}

/// After "…年": an optional restated year in brackets, then month and day.
fn year_tail(c: &mut Cur, d: &mut DateFact) -> bool {
    // "令和6年(2024年)" / "2025年(令和7年)".
    let mut k = *c;
    k.skip_ws();
    if k.eat("(") {
        k.skip_ws();
        if k.digits(4, 4).is_some() || era_year(&mut k).is_some() {
            k.skip_ws();
            if k.eat("年") {
                k.skip_ws();
                if k.eat(")") {
                    *c = k;
                }
            }
        }
    }
    match month_tail(c, d) {
        Some(true) => true,
        Some(false) => false,
        // Year alone: 年度/年代/年間/年目 are not a point in time.
        None => !matches!(c.peek(), Some('度' | '代' | '間' | '目')),
    }
}

/// Optional "N月[N日]". `None`: no month here; `Some(false)`: a month that is
/// out of range (the whole date is rejected); `Some(true)`: read.
fn month_tail(c: &mut Cur, d: &mut DateFact) -> Option<bool> {
    let mut k = *c;
    k.skip_ws();
    let m = k.digits(1, 2)?;
    k.skip_ws();
    k.eat_any(&MONTH)?;
    if !(1..=12).contains(&m) || k.peek() == Some('曜') {
        return Some(false);
    }
    d.month = Some(m);
    *c = k;
    Some(day_tail(c, d))
}

/// Optional "N日" after a month; false when the day is out of range.
fn day_tail(c: &mut Cur, d: &mut DateFact) -> bool {
    let mut k = *c;
    k.skip_ws();
    if let Some(day) = k.digits(1, 2) {
        k.skip_ws();
        if k.eat_any(&DAY).is_some() {
            if !(1..=31).contains(&day) {
                return false;
            }
            d.day = Some(day);
            *c = k;
        }
    }
    true
}

/// "N日" (required), for relative forms such as 同月20日.
fn required_day(c: &mut Cur, d: &mut DateFact) -> bool {
    c.skip_ws();
    match c.digits(1, 2) {
        Some(day) if (1..=31).contains(&day) => {
            c.skip_ws();
            if c.eat_any(&DAY).is_some() {
                d.day = Some(day);
                true
            } else {
                false
            }
        }
        _ => false,
    }
}

/// R7.6.11, R7/6/11, H31.4.1.
fn letter_era(c: &mut Cur, d: &mut DateFact) -> bool {
    let Some((year, month, day)) = letter_era_parts(c) else {
        return false;
    };
    d.year = Some(year);
    d.month = Some(month);
    d.day = Some(day);
    true
}

fn letter_era_parts(c: &mut Cur) -> Option<(i32, u32, u32)> {
    let (base, max) = match c.eat_any(&["R", "H"])? {
        "R" => (2018, 99),
        _ => (1988, 31),
    };
    let n = c.digits(1, 2)?;
    let sep = c.eat_any(&[".", "/"])?;
    let m = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let day = c.digits(1, 2)?;
    let valid = (1..=max).contains(&n)
        && (1..=12).contains(&m)
        && (1..=31).contains(&day)
        && !continues_number(c);
    valid.then_some((base + n as i32, m, day))
}

/// "M/D" with both parts in range; the cursor moves only on success.
fn slash_month_day(c: &mut Cur) -> Option<(u32, u32)> {
    let mut k = *c;
    let m = k.digits(1, 2)?;
    if !k.eat("/") {
        return None;
    }
    let day = k.digits(1, 2)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    *c = k;
    Some((m, day))
}

/// 令和…年…, and the relative forms 同日/翌日/同月20日/同年5月….
fn kanji_led(c: &mut Cur, d: &mut DateFact, prev: Option<char>) -> bool {
    if let Some(y) = era_year(c) {
        c.skip_ws();
        if !c.eat("年") {
            return false;
        }
        d.year = Some(y);
        return year_tail(c, d);
    }
    // Relative words glued to a preceding kanji belong to another word
    // (合同日程, 共同…).
    if prev.is_some_and(is_kanji) {
        return false;
    }
    d.relative = true;
    if c.eat_any(&["同日", "当日", "翌日", "前日"]).is_some() {
        return true;
    }
    // 本日/昨日: the day of the notice or the one before. Not as a cut-off or a
    // range end (本日時点, 本日現在, 本日まで, 本日付), which say "as of now".
    if c.eat_any(&["本日", "昨日"]).is_some() {
        let rest = c.rest().trim_start();
        return !["時点", "現在", "まで", "付", "に至", "の時点", "以降"]
            .iter()
            .any(|w| rest.starts_with(w));
    }
    if c.eat_any(&["同年", "翌年", "前年"]).is_some() {
        return month_tail(c, d) == Some(true);
    }
    // 今月23日 / 先月5日 / 前月5日: the month is named relative to the notice.
    if c.eat_any(&["同月", "翌月", "今月", "先月", "前月"])
        .is_some()
    {
        return required_day(c, d);
    }
    // 翌12日, 同12日.
    if c.eat_any(&["同", "翌"]).is_some() {
        return required_day(c, d);
    }
    false
}

/// Weekday, time of day and approximation words after the date proper.
fn suffixes(c: &mut Cur, d: &mut DateFact) {
    let mut timed = false;
    if d.is_day_level() {
        weekday(c);
        timed = time_of_day(c, d);
    }
    approx(c, d, timed);
}

/// Whether a weekday or a time of day follows at `c`: what lets a bare day
/// ("14日") or a month/day ("6/11") be read as a date.
fn pinned_down(mut c: Cur) -> bool {
    weekday(&mut c) || time_of_day(&mut c, &mut DateFact::at(0))
}

/// "(水)", "(水曜日)", "(月・祝)", "(祝)" — the brackets were folded to ASCII —
/// and "水曜日"/"水曜" without brackets.
fn weekday(c: &mut Cur) -> bool {
    let mut k = *c;
    k.skip_ws();
    if !k.eat("(") {
        if k.eat_any(&WEEKDAYS).is_some() && k.eat("曜") {
            k.eat_any(&DAY);
            *c = k;
            return true;
        }
        return false;
    }
    k.skip_ws();
    let mut any = false;
    if k.eat_any(&WEEKDAYS).is_some() {
        any = true;
        if k.eat("曜") {
            k.eat_any(&DAY);
        }
    }
    let before_holiday = k;
    if any {
        k.eat_any(&["・", "･", "/", ","]);
    }
    if k.eat("祝") {
        k.eat_any(&DAY);
        any = true;
    } else {
        k = before_holiday;
    }
    k.skip_ws();
    if any && k.eat(")") {
        *c = k;
        true
    } else {
        false
    }
}

/// Optional "の", a part of day and/or a clock time: "午前10時30分",
/// "未明", "10:30", "の夜". Returns whether anything was read.
fn time_of_day(c: &mut Cur, d: &mut DateFact) -> bool {
    let mut k = *c;
    k.skip_ws();
    if k.eat("の") {
        k.skip_ws();
    }
    let mut pod = None;
    for &(lit, canon) in &PARTS_OF_DAY {
        let mut p = k;
        if p.eat(lit) {
            // 朝刊, 夜勤, 昼食: a one-kanji part of day must stand alone.
            let glued =
                lit.chars().count() == 1 && p.peek().is_some_and(|n| is_kanji(n) && n != '頃');
            if !glued {
                pod = Some(canon);
                k = p;
            }
            break;
        }
    }
    let mut t = k;
    t.skip_ws();
    let clocked = clock(&mut t);
    if clocked {
        k = t;
    }
    if pod.is_none() && !clocked {
        return false;
    }
    d.part_of_day = pod;
    *c = k;
    true
}

/// "10時", "10時30分", "10時30分15秒", "10時半", "10:30", "10:30:15".
fn clock(t: &mut Cur) -> bool {
    let save = *t;
    let Some(h) = t.digits(1, 2) else {
        return false;
    };
    let mut k = *t;
    k.skip_ws();
    if k.eat("時") {
        // 3時間 is a duration.
        if h > 24 || k.peek() == Some('間') {
            *t = save;
            return false;
        }
        *t = k;
        let mut m = *t;
        m.skip_ws();
        if let Some(mi) = m.digits(1, 2) {
            m.skip_ws();
            if mi < 60 && m.eat("分") {
                *t = m;
                let mut sec = *t;
                sec.skip_ws();
                if let Some(ss) = sec.digits(1, 2) {
                    sec.skip_ws();
                    if ss < 60 && sec.eat("秒") {
                        *t = sec;
                    }
                }
            }
        } else if m.eat("半") {
            *t = m;
        }
        return true;
    }
    if t.eat(":")
        && let Some(mi) = t.digits(2, 2)
        && h <= 24
        && mi < 60
    {
        let mut sec = *t;
        if sec.eat(":") && sec.digits(2, 2).is_some_and(|ss| ss < 60) {
            *t = sec;
        }
        return true;
    }
    *t = save;
    false
}

/// 上旬/中旬/下旬/初旬/初め/半ば/末/末日 after a month, 末/初め/半ば after a
/// year, then 頃/ごろ/ころ after anything ("3月末頃", "10時頃").
fn approx(c: &mut Cur, d: &mut DateFact, timed: bool) {
    if !timed && !d.is_day_level() {
        let mut k = *c;
        k.skip_ws();
        let words: &[&str] = if d.month.is_some() {
            &["上旬", "中旬", "下旬", "初旬", "初め", "半ば"]
        } else {
            &["初め", "半ば"]
        };
        if d.month.is_some() && (k.eat("末日") || k.eat("末⽇")) {
            match days_in_month(d.year, d.month.unwrap_or(0)) {
                Some(n) => d.day = Some(n),
                None => d.approx = true,
            }
            *c = k;
        } else if k.eat_any(words).is_some() || eat_end(&mut k, c.pos) {
            d.approx = true;
            *c = k;
        }
    }
    let mut k = *c;
    k.skip_ws();
    if k.eat_any(&["頃", "ごろ", "ころ"]).is_some() {
        d.approx = true;
        *c = k;
    }
}

/// 末 ("end of"). Right after 月/年 it is always that (月末, 年末; also in
/// 月末時点, 月末期限); after a space it must not begin a word such as 末期
/// ("2025年 末期腎不全").
fn eat_end(k: &mut Cur, date_end: usize) -> bool {
    let attached = k.pos == date_end;
    let mut p = *k;
    if p.eat("末") && (attached || !p.peek().is_some_and(|n| is_kanji(n) && n != '頃')) {
        *k = p;
        return true;
    }
    false
}

fn days_in_month(year: Option<i32>, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 => year.map(|y| {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Ranges

enum End {
    Date(DateFact),
    /// 現在/現時点/本日/今日: the period runs up to now.
    Now,
    Nothing,
}

/// A range that starts at `dates[k]`.
fn range_from(text: &str, dates: &[DateFact], k: usize) -> Option<DateRangeFact> {
    let d = &dates[k];
    if let Some(r) = compact_range(text, d) {
        return Some(r);
    }
    let mut c = Cur::new(text, d.span.end);
    c.skip_ws();
    if c.eat_any(&["以降", "以来", "以後"]).is_some() {
        return Some(DateRangeFact {
            span: d.span.start..c.pos,
            start: Some(d.clone()),
            end: None,
            open_end: true,
        });
    }
    let conn = c.eat_any(&["から", "より", "~", "-"])?;
    // 6月11日より前 / より後 compare, they do not start a period.
    if conn == "より" && matches!(c.peek(), Some('前' | '後' | '以')) {
        return None;
    }
    let after_conn = c.pos;
    let mut e = c;
    e.skip_ws();
    match range_end(text, dates, d, &mut e) {
        End::Date(end) => Some(DateRangeFact {
            span: d.span.start..closing(text, e.pos),
            start: Some(d.clone()),
            end: Some(end),
            open_end: false,
        }),
        End::Now => Some(DateRangeFact {
            span: d.span.start..closing(text, e.pos),
            start: Some(d.clone()),
            end: None,
            open_end: true,
        }),
        // A hyphen with nothing after it is punctuation, not "from".
        End::Nothing if conn == "-" => None,
        End::Nothing => Some(DateRangeFact {
            span: d.span.start..after_conn,
            start: Some(d.clone()),
            end: None,
            open_end: true,
        }),
    }
}

/// "4月17~21日", "2025年10-12月": the first number lacks its unit, so `d`
/// is the coarser date ("4月", "2025年") and both numbers follow it.
fn compact_range(text: &str, d: &DateFact) -> Option<DateRangeFact> {
    if d.approx || d.relative || d.day.is_some() {
        return None;
    }
    let (unit, max): (&[&str], u32) = match (d.year, d.month) {
        (_, Some(_)) => (&DAY, 31),
        (Some(_), None) => (&MONTH, 12),
        (None, None) => return None,
    };
    let mut c = Cur::new(text, d.span.end);
    c.skip_ws();
    let first = c.digits(1, 2)?;
    let first_end = c.pos;
    c.skip_ws();
    c.eat_any(&["~", "から", "-"])?;
    c.skip_ws();
    let end_start = c.pos;
    let last = c.digits(1, 2)?;
    c.skip_ws();
    c.eat_any(unit)?;
    if first == 0 || first >= last || last > max {
        return None;
    }
    let mut start = d.clone();
    let mut end = DateFact::at(end_start);
    end.year = d.year;
    if d.month.is_some() {
        start.day = Some(first);
        end.month = d.month;
        end.day = Some(last);
    } else {
        start.month = Some(first);
        end.month = Some(last);
    }
    start.span.end = first_end;
    suffixes(&mut c, &mut end);
    end.span.end = c.pos;
    Some(DateRangeFact {
        span: d.span.start..closing(text, c.pos),
        start: Some(start),
        end: Some(end),
        open_end: false,
    })
}

/// What follows a connector: a known date, a bare day ("21日"), a clock time
/// on the same day, 現在…, or (after a slash date) "6/15".
fn range_end(text: &str, dates: &[DateFact], start: &DateFact, e: &mut Cur) -> End {
    if let Ok(i) = dates.binary_search_by_key(&e.pos, |x| x.span.start)
        && let Some(end) = inherit(text, start, dates[i].clone())
    {
        e.pos = end.span.end;
        return End::Date(end);
    }
    let day_level = start.is_day_level();
    if start.day.is_some() && start.month.is_some() {
        let mut k = *e;
        if let Some(day) = k.digits(1, 2) {
            k.skip_ws();
            if (1..=31).contains(&day) && k.eat_any(&DAY).is_some() && !is_duration(k.rest()) {
                let mut end = DateFact::at(e.pos);
                end.day = Some(day);
                suffixes(&mut k, &mut end);
                end.span.end = k.pos;
                if let Some(end) = inherit(text, start, end) {
                    e.pos = end.span.end;
                    return End::Date(end);
                }
            }
        }
        // "6/15" after "2025/6/11".
        if text[start.span.clone()].contains('/') {
            let mut k = *e;
            if let Some((m, day)) = slash_month_day(&mut k)
                && !continues_number(&k)
            {
                let mut end = DateFact::at(e.pos);
                end.month = Some(m);
                end.day = Some(day);
                suffixes(&mut k, &mut end);
                end.span.end = k.pos;
                if let Some(end) = inherit(text, start, end) {
                    e.pos = end.span.end;
                    return End::Date(end);
                }
            }
        }
    }
    if day_level {
        // "6月11日10時~15時": a time on the same day.
        let mut k = *e;
        let mut end = DateFact::at(e.pos);
        if !k.rest().starts_with('の') && time_of_day(&mut k, &mut end) {
            approx(&mut k, &mut end, true);
            end.span.end = k.pos;
            end.year = start.year;
            end.month = start.month;
            end.day = start.day;
            end.relative = start.relative;
            e.pos = k.pos;
            return End::Date(end);
        }
    }
    let mut k = *e;
    if k.eat_any(&["現在", "現時点", "本日", "今日"]).is_some() {
        k.eat("に至る");
        e.pos = k.pos;
        return End::Now;
    }
    End::Nothing
}

/// "から3日間", "から2日後", "から5日以内": after "N日", a duration or an
/// offset rather than a calendar day.
fn is_duration(after_day: &str) -> bool {
    after_day.starts_with(['間', '後', '前', '目'])
        || ["以内", "ほど", "程度"]
            .iter()
            .any(|w| after_day.starts_with(w))
}

/// Fills what the end omits from the start: "4月17日から21日" → April 21,
/// "2024年3月から同年5月" → 2024. `None` when the end cannot follow the start
/// (a bare day before the start day is a duration or a count, not an end).
fn inherit(text: &str, start: &DateFact, mut end: DateFact) -> Option<DateFact> {
    let written = &text[end.span.clone()];
    // 翌…/前… name another day or month than the start's; keep them as written.
    if written.starts_with('翌') || written.starts_with('前') {
        return Some(end);
    }
    if end.year.is_none() && end.month.is_none() && end.day.is_none() {
        if written.starts_with("同日") || written.starts_with("当日") {
            end.year = start.year;
            end.month = start.month;
            end.day = start.day;
        }
        return Some(end);
    }
    let month_inherited = end.month.is_none() && end.day.is_some();
    if month_inherited {
        end.month = start.month;
        if let (Some(a), Some(b)) = (start.day, end.day)
            && b < a
        {
            return None;
        }
    }
    if end.year.is_none() && end.month.is_some() {
        end.year = start.year;
        // "12月28日から1月5日": the end is in the next year.
        if let (Some(y), Some(sm), Some(em)) = (end.year, start.month, end.month)
            && !month_inherited
            && em < sm
        {
            end.year = Some(y + 1);
        }
    }
    Some(end)
}

/// Closing words after an end: まで[の間|の期間], にかけて, の間, の期間.
fn closing(text: &str, pos: usize) -> usize {
    let mut c = Cur::new(text, pos);
    c.skip_ws();
    if c.eat("まで") {
        c.eat_any(&["の間", "の期間"]);
        return c.pos;
    }
    if c.eat_any(&["にかけて", "の間", "の期間"]).is_some() {
        return c.pos;
    }
    pos
}

/// End-only bounds: "~6月11日", "6月11日まで" (but not the deadline
/// "までに"), "6月11日以前".
fn end_only(text: &str, d: &DateFact, covered: usize) -> Option<DateRangeFact> {
    let before = text[..d.span.start].trim_end_matches([' ', '\t']);
    if before.ends_with('~') && before.len() > covered {
        return Some(DateRangeFact {
            span: before.len() - 1..closing(text, d.span.end),
            start: None,
            end: Some(d.clone()),
            open_end: false,
        });
    }
    let mut c = Cur::new(text, d.span.end);
    c.skip_ws();
    let bounded = (c.eat("まで") && c.peek() != Some('に')) || c.eat("以前");
    if !bounded {
        return None;
    }
    c.eat_any(&["の間", "の期間"]);
    Some(DateRangeFact {
        span: d.span.start..c.pos,
        start: None,
        end: Some(d.clone()),
        open_end: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::char_filter::token_soup;

    fn spans(text: &str) -> Vec<&str> {
        find_dates(text)
            .iter()
            .map(|d| &text[d.span.clone()])
            .collect()
    }

    /// The single date in `text`, checking its span text.
    fn one(text: &str, span: &str) -> DateFact {
        let ds = find_dates(text);
        assert_eq!(ds.len(), 1, "{text:?} → {ds:?}");
        assert_eq!(&text[ds[0].span.clone()], span, "{text:?}");
        ds[0].clone()
    }

    fn ymd(d: &DateFact) -> (Option<i32>, Option<u32>, Option<u32>) {
        (d.year, d.month, d.day)
    }

    fn ranges(text: &str) -> Vec<DateRangeFact> {
        find_date_ranges(text, &find_dates(text))
    }

    fn one_range(text: &str, span: &str) -> DateRangeFact {
        let rs = ranges(text);
        assert_eq!(rs.len(), 1, "{text:?} → {rs:?}");
        assert_eq!(&text[rs[0].span.clone()], span, "{text:?}");
        rs[0].clone()
    }

    #[test]
    fn gregorian_forms() {
        let d = one("発生日は2025年6月11日です。", "2025年6月11日");
        assert_eq!(ymd(&d), (Some(2025), Some(6), Some(11)));
        assert!(!d.approx && !d.relative && d.part_of_day.is_none());
        let d = one("2025 年 6 月 11 日に確認", "2025 年 6 月 11 日");
        assert_eq!(ymd(&d), (Some(2025), Some(6), Some(11)));
        assert_eq!(
            ymd(&one("昨年6月11日に", "6月11日")),
            (None, Some(6), Some(11))
        );
        assert_eq!(
            ymd(&one("2024年12月にサーバーを", "2024年12月")),
            (Some(2024), Some(12), None)
        );
        assert_eq!(ymd(&one("毎年6月に点検", "6月")), (None, Some(6), None));
        assert_eq!(
            ymd(&one("2023年に導入した", "2023年")),
            (Some(2023), None, None)
        );
        assert_eq!(
            ymd(&one("\t12 月\t3 日", "12 月\t3 日")),
            (None, Some(12), Some(3))
        );
    }

    #[test]
    fn byte_scan_finds_the_same_candidates_as_a_char_test() {
        // The candidate test as it was written per character before the byte scan.
        const OLD_LEADS: [char; 13] = [
            'R', 'H', '令', '平', '昭', '同', '翌', '前', '当', '本', '昨', '今', '先',
        ];
        let mut text: String = (0..=0xFFFFu32).filter_map(char::from_u32).collect();
        text.push_str("12 3456 R7 令和😀同");
        let bytes = text.as_bytes();
        let expected: Vec<usize> = text
            .char_indices()
            .filter(|&(i, ch)| {
                if ch.is_ascii_digit() {
                    i == 0 || !bytes[i - 1].is_ascii_digit()
                } else {
                    OLD_LEADS.contains(&ch)
                }
            })
            .map(|(i, _)| i)
            .collect();
        let got: Vec<usize> = positions(bytes, &LEAD)
            .into_iter()
            .filter(|&i| is_candidate(bytes, i))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn era_forms() {
        assert_eq!(
            ymd(&one("令和7年6月11日", "令和7年6月11日")),
            (Some(2025), Some(6), Some(11))
        );
        assert_eq!(
            ymd(&one("令和 7 年 6 月", "令和 7 年 6 月")),
            (Some(2025), Some(6), None)
        );
        assert_eq!(
            ymd(&one("令和元年に", "令和元年")),
            (Some(2019), None, None)
        );
        assert_eq!(
            ymd(&one("平成31年4月30日", "平成31年4月30日")),
            (Some(2019), Some(4), Some(30))
        );
        assert_eq!(
            ymd(&one("昭和60年1月", "昭和60年1月")),
            (Some(1985), Some(1), None)
        );
        let d = one("令和6年(2024年)12月に", "令和6年(2024年)12月");
        assert_eq!(ymd(&d), (Some(2024), Some(12), None));
        let d = one("2025年(令和7年)3月1日", "2025年(令和7年)3月1日");
        assert_eq!(ymd(&d), (Some(2025), Some(3), Some(1)));
        assert_eq!(
            ymd(&one("R7.6.11付", "R7.6.11")),
            (Some(2025), Some(6), Some(11))
        );
        assert_eq!(
            ymd(&one("(R7/6/11)", "R7/6/11")),
            (Some(2025), Some(6), Some(11))
        );
        assert_eq!(
            ymd(&one("H31.4.1", "H31.4.1")),
            (Some(2019), Some(4), Some(1))
        );
        // Out-of-range era years and letter-era look-alikes.
        assert!(find_dates("平成40年").is_empty());
        assert!(find_dates("SHR7.6.11").is_empty());
        assert!(find_dates("H31.4.1.2").is_empty());
    }

    #[test]
    fn numeric_forms() {
        for text in ["2025/6/11", "2025/06/11", "2025-06-11", "2025.6.11"] {
            assert_eq!(ymd(&one(text, text)), (Some(2025), Some(6), Some(11)));
        }
        assert_eq!(
            ymd(&one("期間 2019/08 ", "2019/08")),
            (Some(2019), Some(8), None)
        );
        let d = one("6/11(水)に送信", "6/11(水)");
        assert_eq!(ymd(&d), (None, Some(6), Some(11)));
        let d = one("2025/06/11 10:30:00 に検知", "2025/06/11 10:30:00");
        assert_eq!(ymd(&d), (Some(2025), Some(6), Some(11)));
    }

    #[test]
    fn weekday_time_and_approx() {
        one("6月11日(水)に", "6月11日(水)");
        one("6月11日 (水曜日) に", "6月11日 (水曜日)");
        one("5月5日(月・祝)", "5月5日(月・祝)");
        one("5月6日(祝)", "5月6日(祝)");
        let d = one("6月11日午前10時頃、", "6月11日午前10時頃");
        assert_eq!(d.part_of_day, Some("午前"));
        assert!(d.approx);
        let d = one("6月11日 10:30に", "6月11日 10:30");
        assert_eq!(d.part_of_day, None);
        assert!(!d.approx);
        let d = one("6月11日未明に", "6月11日未明");
        assert_eq!(d.part_of_day, Some("未明"));
        let d = one(
            "6月11日(水) 午後 3 時 45 分ごろ",
            "6月11日(水) 午後 3 時 45 分ごろ",
        );
        assert_eq!(d.part_of_day, Some("午後"));
        assert!(d.approx);
        let d = one("6月11日の夕刻に", "6月11日の夕刻");
        assert_eq!(d.part_of_day, Some("夕方"));
        one("6月11日23時半", "6月11日23時半");
        // A one-kanji part of day glued to another kanji is another word.
        one("6月11日朝刊で", "6月11日");
        one("6月11日夜、", "6月11日夜");
        // 時間 is a duration; the date stands without it.
        one("6月11日 3時間停止", "6月11日");
        let d = one("2024年3月頃に", "2024年3月頃");
        assert!(d.approx);
        assert_eq!(ymd(&d), (Some(2024), Some(3), None));
        for w in ["上旬", "中旬", "下旬", "初旬", "末", "初め", "半ば"] {
            let text = format!("6月{w}に");
            let d = one(&text, &text[..text.len() - "に".len()]);
            assert!(d.approx, "{w}");
        }
        let d = one("2024年末まで", "2024年末");
        assert!(d.approx);
        let d = one("3月末頃に", "3月末頃");
        assert!(d.approx);
        one("2月上旬ごろ", "2月上旬ごろ");
        // 末期 is a word ("end stage"), not "end of 2025".
        let d = one("2025年 末期", "2025年");
        assert!(!d.approx);
        assert!(one("12月末時点", "12月末").approx);
        let d = one("2024年2月末日", "2024年2月末日");
        assert_eq!((d.day, d.approx), (Some(29), false));
        let d = one("2月末日", "2月末日");
        assert_eq!((d.day, d.approx), (None, true));
        assert_eq!(one("6月末日", "6月末日").day, Some(30));
    }

    #[test]
    fn kangxi_radical_lookalikes() {
        // PDF extraction yields ⽉ (U+2F49) and ⽇ (U+2F47) for 月 and 日.
        let d = one("2024 年 12 ⽉ 5 ⽇(⽊)に", "2024 年 12 ⽉ 5 ⽇(⽊)");
        assert_eq!(ymd(&d), (Some(2024), Some(12), Some(5)));
    }

    #[test]
    fn bare_day_with_weekday() {
        // The month comes from the context: a relative day.
        let d = one("障害は9日(金)に復旧しました", "9日(金)");
        assert!(d.relative);
        assert_eq!(ymd(&d), (None, None, Some(9)));
        let ds = find_dates("3月8日(木)に発生し、9日(金)に判明");
        assert_eq!(ds.len(), 2);
        assert_eq!(ds[1].day, Some(9));
        // Without a weekday a bare day stays a number of days or a count.
        assert!(find_dates("約9日で復旧しました").is_empty());
        assert!(find_dates("21日間の停止").is_empty());
        // A range end keeps its range.
        assert_eq!(ranges("3月8日(木)~9日(金)に").len(), 1);
    }

    #[test]
    fn bare_day_with_weekday_word_or_time_of_day() {
        // A weekday without brackets.
        let d = one("9日金曜日に判明", "9日金曜日");
        assert!(d.relative);
        assert_eq!(ymd(&d), (None, None, Some(9)));
        one("9日 金曜 に", "9日 金曜");
        let d = one("2025年4月10日木曜日の未明", "2025年4月10日木曜日の未明");
        assert_eq!(ymd(&d), (Some(2025), Some(4), Some(10)));
        assert_eq!(d.part_of_day, Some("未明"));
        // A time of day pins a bare day down too.
        let d = one("10日午前、異常を検知", "10日午前");
        assert!(d.relative);
        assert_eq!((d.day, d.part_of_day), (Some(10), Some("午前")));
        let d = one("14日午後3時頃に", "14日午後3時頃");
        assert_eq!((d.part_of_day, d.approx), (Some("午後"), true));
        assert_eq!(one("その後、17 日夜に遮断", "17 日夜").day, Some(17));
        assert_eq!(one("5日 8:45に", "5日 8:45").day, Some(5));
        one("同日夜に", "同日夜");
        // Durations, counts and rates stay what they are.
        for text in [
            "3日間停止",
            "1日2時間まで",
            "1日24時間受付",
            "1日朝夕2回",
            "約9日で復旧",
            "第3日",
            "10-14日午後",
        ] {
            let got: Vec<_> = find_dates(text)
                .into_iter()
                .filter(|d| d.day.is_some())
                .collect();
            assert!(got.is_empty(), "{text:?} → {got:?}");
        }
        // The end of a range is still read as one.
        let r = one_range(
            "11月21日深夜より22日午前にかけて",
            "11月21日深夜より22日午前にかけて",
        );
        let end = r.end.expect("end");
        assert_eq!((end.month, end.day), (Some(11), Some(22)));
    }

    #[test]
    fn month_named_relative_to_the_notice() {
        let d = one("今月23日に判明", "今月23日");
        assert!(d.relative);
        assert_eq!(ymd(&d), (None, None, Some(23)));
        assert_eq!(one("先月5日", "先月5日").day, Some(5));
        assert_eq!(one("前月5日午後", "前月5日午後").part_of_day, Some("午後"));
        // Without a day it is no date.
        assert!(find_dates("今月中に").is_empty());
        assert!(find_dates("先月末").is_empty());
        assert!(find_dates("優先月額").is_empty());
    }

    #[test]
    fn slash_month_day_with_a_time_of_day() {
        let d = one("3/8の21時頃から", "3/8の21時頃");
        assert_eq!(ymd(&d), (None, Some(3), Some(8)));
        assert!(!d.relative && d.approx);
        let d = one("4/14夕方に連絡", "4/14夕方");
        assert_eq!(d.part_of_day, Some("夕方"));
        one("7/20 13:00頃まで", "7/20 13:00頃");
        // Without a weekday or a time of day: fractions, ratios, versions.
        for text in [
            "3/4",
            "約1/3に減少",
            "1/2以上",
            "Windows 11/10 用",
            "3/8の確率",
            "ver 1/2.3",
            "2/3/4",
            "12/25",
            "https://example.jp/3/8夕方",
            "TEL 03/1234",
        ] {
            assert!(
                find_dates(text).is_empty(),
                "{text:?} → {:?}",
                find_dates(text)
            );
        }
    }

    #[test]
    fn relative_forms() {
        let d = one("。同日、", "同日");
        assert!(d.relative);
        assert_eq!(ymd(&d), (None, None, None));
        let d = one("同月20日に", "同月20日");
        assert!(d.relative);
        assert_eq!(ymd(&d), (None, None, Some(20)));
        assert!(one("翌日に", "翌日").relative);
        assert!(one("その前日", "前日").relative);
        // The day of the notice, or the day before it.
        assert!(one("本日、社内の端末で異常を見つけました", "本日").relative);
        assert!(one("昨日の夜に通報がありました", "昨日の夜").relative);
        // "As of today" is a cut-off, not a day on which something happened.
        assert!(find_dates("本日時点で判明している内容").is_empty());
        assert!(find_dates("本日現在、被害の報告はありません").is_empty());
        // Part of another word.
        assert!(find_dates("日本日報").is_empty());
        let d = one("同日午後3時頃", "同日午後3時頃");
        assert_eq!((d.part_of_day, d.approx), (Some("午後"), true));
        assert_eq!(ymd(&one("同年5月に", "同年5月")), (None, Some(5), None));
        assert_eq!(one("翌12日", "翌12日").day, Some(12));
        // Glued to a preceding kanji: another word.
        assert!(find_dates("合同日程").is_empty());
        assert!(find_dates("同月中").is_empty());
    }

    #[test]
    fn rejects_non_dates() {
        for text in [
            "0120-123-456",
            "03-1234-5678",
            "円周率3.14",
            "1ヶ月",
            "3か月間",
            "3カ月",
            "第2報",
            "第2月曜日",
            "13月",
            "6月32日",
            "2025年度",
            "1990年代",
            "10年間",
            "1000年",
            "ver1.2.3",
            "192.168.1.10",
            "https://example.jp/2025/06/11/news",
            "12025年",
            "1,234",
            "3/4",
            "2025.6.11.1",
            "10時から12時",
        ] {
            assert!(
                find_dates(text).is_empty(),
                "{text:?} → {:?}",
                find_dates(text)
            );
        }
        // A year-month slash form must not swallow a longer figure.
        assert_eq!(spans("2025/6/11"), ["2025/6/11"]);
    }

    #[test]
    fn list_numbers_before_dates() {
        assert_eq!(spans("1.2025年6月11日"), ["2025年6月11日"]);
        assert_eq!(spans("2.6月11日"), ["6月11日"]);
        assert!(find_dates("1.2025/6/11").is_empty());
    }

    #[test]
    fn days_listed_after_a_date() {
        assert_eq!(
            spans("3月9日、10日に障害が起きました。"),
            ["3月9日", "10日"]
        );
        let d = &find_dates("2024年5月2日・3日(金)に送信")[1];
        assert_eq!((d.year, d.month, d.day), (Some(2024), Some(5), Some(3)));
        // A duration or an earlier number is not a listed day.
        assert_eq!(spans("6月11日、3日間停止"), ["6月11日"]);
        assert_eq!(spans("6月11日、5日に"), ["6月11日"]);
    }

    #[test]
    fn several_dates_sorted() {
        let text = "2025年6月11日に検知し、同日夜に遮断、翌12日に報告。";
        assert_eq!(spans(text), ["2025年6月11日", "同日夜", "翌12日"]);
    }

    #[test]
    fn closed_ranges() {
        let r = one_range("4月17日から4月21日までの間、", "4月17日から4月21日までの間");
        let (s, e) = (r.start.unwrap(), r.end.unwrap());
        assert_eq!(
            (s.month, s.day, e.month, e.day),
            (Some(4), Some(17), Some(4), Some(21))
        );
        assert!(!r.open_end);
        one_range(
            "4 月 17 日から 4 月 21 日まで",
            "4 月 17 日から 4 月 21 日まで",
        );
        one_range(
            "4月17日から4月21日までの期間に",
            "4月17日から4月21日までの期間",
        );
        let r = one_range(
            "2025年4月17日から21日にかけて",
            "2025年4月17日から21日にかけて",
        );
        assert_eq!(
            ymd(r.end.as_ref().unwrap()),
            (Some(2025), Some(4), Some(21))
        );
        let r = one_range("4月17日~4月21日", "4月17日~4月21日");
        assert_eq!(r.end.unwrap().day, Some(21));
        let r = one_range("4月17~21日に", "4月17~21日");
        let (s, e) = (r.start.unwrap(), r.end.unwrap());
        assert_eq!(
            (s.month, s.day, e.month, e.day),
            (Some(4), Some(17), Some(4), Some(21))
        );
        assert_eq!(s.span, 0.."4月17".len());
        let r = one_range("2025年10-12月の売上", "2025年10-12月");
        let (s, e) = (r.start.unwrap(), r.end.unwrap());
        assert_eq!(
            (ymd(&s), ymd(&e)),
            ((Some(2025), Some(10), None), (Some(2025), Some(12), None))
        );
        one_range("令和6年4~6月頃", "令和6年4~6月頃");
        let r = one_range("2023年1月6日から8日にかけて", "2023年1月6日から8日にかけて");
        assert_eq!(ymd(r.end.as_ref().unwrap()), (Some(2023), Some(1), Some(8)));
        let r = one_range("2024年3月から同年5月まで", "2024年3月から同年5月まで");
        let e = r.end.unwrap();
        assert_eq!((ymd(&e), e.relative), ((Some(2024), Some(5), None), true));
        let r = one_range("6月1日~同月5日", "6月1日~同月5日");
        assert_eq!(ymd(r.end.as_ref().unwrap()), (None, Some(6), Some(5)));
        let r = one_range("4月17日(木)~4月21日(月)", "4月17日(木)~4月21日(月)");
        assert_eq!(r.end.unwrap().day, Some(21));
        let r = one_range(
            "2024年12月28日から1月5日まで",
            "2024年12月28日から1月5日まで",
        );
        assert_eq!(ymd(r.end.as_ref().unwrap()), (Some(2025), Some(1), Some(5)));
        let r = one_range("2025/06/01~06/05", "2025/06/01~06/05");
        assert_eq!(ymd(r.end.as_ref().unwrap()), (Some(2025), Some(6), Some(5)));
    }

    #[test]
    fn time_ranges_on_one_day() {
        let r = one_range(
            "同日午前7時~午後9時頃までの間、",
            "同日午前7時~午後9時頃までの間",
        );
        let e = r.end.unwrap();
        assert_eq!(
            (e.part_of_day, e.approx, e.relative),
            (Some("午後"), true, true)
        );
        let r = one_range("6月11日 10:00~12:30", "6月11日 10:00~12:30");
        assert_eq!(ymd(r.end.as_ref().unwrap()), (None, Some(6), Some(11)));
        // Hours alone are not a date range.
        assert!(ranges("受付 9:00~17:00").is_empty());
    }

    #[test]
    fn open_ranges() {
        let r = one_range("6月11日以降、", "6月11日以降");
        assert!(r.open_end && r.end.is_none());
        let r = one_range("2024年3月頃から不正", "2024年3月頃から");
        assert!(r.open_end);
        assert!(r.start.unwrap().approx);
        let r = one_range("6月11日から現在まで", "6月11日から現在まで");
        assert!(r.open_end && r.end.is_none());
        one_range("6月11日から現在に至るまで", "6月11日から現在に至るまで");
        let r = one_range("10月27日~ :送信", "10月27日~");
        assert!(r.open_end);
        // A bare day that cannot be the end is a duration: the range stays open.
        one_range("6月11日から3日間", "6月11日から");
        one_range("6月11日から2日後", "6月11日から");
        one_range("6月11日より順次", "6月11日より");
        assert!(ranges("6月11日より前に").is_empty());
    }

    #[test]
    fn end_only_ranges() {
        let r = one_range("~6月11日の間", "~6月11日の間");
        assert!(r.start.is_none() && !r.open_end);
        let r = one_range("6月30日まで受け付け", "6月30日まで");
        assert_eq!(r.end.unwrap().day, Some(30));
        one_range("6月30日以前に", "6月30日以前");
        // A deadline is not a period.
        assert!(ranges("6月30日までにご連絡ください").is_empty());
    }

    #[test]
    fn ranges_do_not_overlap() {
        let text = "4月1日から4月3日、4月10日~12日、6月1日以降。";
        let rs = ranges(text);
        let got: Vec<&str> = rs.iter().map(|r| &text[r.span.clone()]).collect();
        assert_eq!(got, ["4月1日から4月3日", "4月10日~12日", "6月1日以降"]);
    }

    #[test]
    fn spans_on_char_boundaries() {
        let text = "令和７年 2025年6月11日(水)未明~同日 午後 頃。6月";
        for d in find_dates(text) {
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
        for r in ranges(text) {
            assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        }
    }

    #[test]
    fn invariants_on_token_soup() {
        let tokens = [
            "2025",
            "年",
            "6",
            "月",
            "11",
            "日",
            "(水)",
            "~",
            "から",
            "まで",
            "令和",
            "元",
            "同",
            "翌",
            "午前",
            "10",
            ":",
            "時",
            "頃",
            "末",
            "/",
            "-",
            ".",
            " ",
            "、",
            "以降",
            "R",
            "⽉",
            "にかけて",
            "現在",
            "の間",
            "3",
        ];
        for seed in 0..300 {
            let text = token_soup(&tokens, seed, 40);
            let dates = find_dates(&text);
            let ranges = find_date_ranges(&text, &dates);
            for spans in [
                dates.iter().map(|d| d.span.clone()).collect::<Vec<_>>(),
                ranges.iter().map(|r| r.span.clone()).collect(),
            ] {
                for s in &spans {
                    assert!(s.start < s.end && s.end <= text.len(), "{text:?}");
                    assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                }
                assert!(spans.windows(2).all(|w| w[0].end <= w[1].start), "{text:?}");
            }
            for d in &dates {
                assert!(d.month.is_none_or(|m| (1..=12).contains(&m)), "{text:?}");
                assert!(d.day.is_none_or(|x| (1..=31).contains(&x)), "{text:?}");
            }
        }
    }
}
