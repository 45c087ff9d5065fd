//! Sections, blocks and sentences of a normalised notice.
//!
//! Everything here works on the NORMALISED text (full-width ASCII already
//! folded, only `\n` line breaks) and every range is a byte range into it.
//!
//! Line classes, in order of precedence:
//! * blank lines; thematic breaks (`---`, `***`, `___`, `===`) and table
//!   separator rows (`|---|---|`), which end blocks and produce nothing;
//! * table rows (`| a | b |`);
//! * Markdown headings (`#`..`######`, level = number of `#`);
//! * list items (`- `, `* `, `+ `, `・`, `•`, …);
//! * marker lines: numbered (`1.`, `1-1.`, `1)`, `(1)`, `①`, `⑴`, `第1`,
//!   `一、`, `Ⅰ.`), bracketed (`【経緯】`, `<お問い合わせ先>`, `[…]`, `〔…〕`)
//!   and symbol-led (`■ 概要`, `◆`, `●`, …). A marker line is a heading when it
//!   is short (≤ [`MAX_HEADING_CHARS`] characters), contains no `。`, has a
//!   title, and neither neighbouring non-blank line carries a marker of the
//!   same kind (a run of `(1)`, `(2)`, … lines, even with blank lines
//!   between them, is a list, not a series of empty sections). Other numbered and symbol lines are list items; other
//!   bracket lines are plain text;
//! * everything else is text; consecutive text lines form a paragraph, and
//!   indented text lines right after a list item continue that item.
//!
//! Heading levels: Markdown headings use their `#` count. A marker heading
//! gets `max(L, 1) + r`, where `L` is the level of the last Markdown heading
//! before it (0 if none) and `r` is the rank (1, 2, …) of its marker kind in
//! order of first appearance as a heading in the document. So `1.` → `(1)`
//! → `①` gives levels 2, 3, 4 in a plain document and 3, 4, 5 under a `##`.

use std::ops::Range;

use super::scan;

/// Longest line (in characters, markers included) that can be a numbered,
/// bracketed or symbol-led heading.
pub const MAX_HEADING_CHARS: usize = 40;

/// Lines shorter than this (in characters) never continue a sentence on the
/// next line: they are labels, names, addresses, dates.
const MIN_WRAPPED_LINE_CHARS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// 1 for `#`; inferred for numbered/bracket/symbol headings (see module docs).
    pub level: u8,
    /// Heading text without markers or numbering, trimmed (a trailing `:` is
    /// dropped as well).
    pub title: String,
    /// Where `title` is in the normalised text.
    pub title_span: Range<usize>,
    /// The heading line (trimmed).
    pub heading: Range<usize>,
    /// From the heading to the start of the next heading of the same or a
    /// higher level (smaller number), or to the end of the text. Includes
    /// subsections.
    pub span: Range<usize>,
    /// The enclosing section, if any.
    pub parent: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Heading,
    Paragraph,
    ListItem,
    TableRow,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// The whole block, trimmed, markers included.
    pub span: Range<usize>,
    /// The block's text without its marker: the title of a heading, the text
    /// after the bullet or number of a list item, the row between its outer
    /// pipes, the whole paragraph.
    pub content: Range<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Structure {
    /// YAML front matter (`---` … `---`) at the very start, if any; it is not
    /// part of any section, block or sentence.
    pub front_matter: Option<Range<usize>>,
    /// In document order (by heading start).
    pub sections: Vec<Section>,
    /// In document order, non-overlapping.
    pub blocks: Vec<Block>,
    /// In document order, non-overlapping, trimmed, never empty.
    pub sentences: Vec<Range<usize>>,
}

/// Kinds of heading / list markers. Lines with the same family next to each
/// other form a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// 第1, 第一章
    Dai,
    /// Ⅰ. Ⅱ.
    Roman,
    /// 一、 二.
    KanjiNum,
    /// 1. (depth 1), 1-1. / 1.1 (depth 2), 1-1-1 (depth 3)
    Num(u8),
    /// 1)
    CloseParen,
    /// (1) ⑴
    ParenNum,
    /// (一)
    ParenKanji,
    /// (ア) (a)
    ParenLetter,
    /// ① ❶
    Circled,
    /// 【…】 <…> […] 〔…〕 …, keyed by the opening bracket
    Bracket(char),
    /// ■ ◆ ● …
    Symbol(char),
}

#[derive(Clone, Debug)]
struct Marker {
    family: Family,
    /// Text after the marker (absolute range), for list items.
    content_start: usize,
    /// Heading title (absolute range).
    title: Range<usize>,
    eligible: bool,
}

#[derive(Clone, Debug)]
enum Kind {
    Blank,
    /// Thematic break, table separator row or front matter: no block.
    Skip,
    Table,
    /// `level` is 0 for marker headings until levels are assigned.
    Heading {
        level: u8,
        title: Range<usize>,
        family: Option<Family>,
    },
    List {
        content: Range<usize>,
    },
    Marker(Marker),
    Text,
}

#[derive(Clone, Debug)]
struct Line {
    /// Line start (after the previous `\n`).
    start: usize,
    /// Trimmed content.
    ts: usize,
    te: usize,
    kind: Kind,
}

impl Line {
    fn indented(&self) -> bool {
        self.ts > self.start
    }
}

/// Analyses the normalised text of a notice.
pub fn analyze(norm: &str) -> Structure {
    let mut lines = split_lines(norm);
    let front_matter = front_matter(norm, &mut lines);
    for line in lines.iter_mut() {
        if !matches!(line.kind, Kind::Skip) {
            line.kind = classify(norm, line.ts, line.te);
        }
    }
    resolve_markers(&mut lines);
    assign_levels(&mut lines);

    let mut st = Structure {
        front_matter,
        ..Structure::default()
    };
    build_blocks(norm, &lines, &mut st);
    build_sections(norm, &lines, &mut st.sections);
    st
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    // Notices average ~75 bytes a line; the Vec grows if that is short.
    let mut lines = Vec::with_capacity(bytes.len() / 64 + 1);
    let mut push = |start: usize, end: usize| {
        let t = trim_range(text, start..end);
        lines.push(Line {
            start,
            ts: t.start,
            te: t.end,
            kind: if t.is_empty() {
                Kind::Blank
            } else {
                Kind::Text
            },
        });
    };
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        push(start, end);
        start = end + 1;
    }
    push(start, bytes.len());
    lines
}

/// Marks a leading `---` … `---` (or `...`) block as front matter.
fn front_matter(text: &str, lines: &mut [Line]) -> Option<Range<usize>> {
    let first = lines.first()?;
    if first.start != first.ts || &text[first.ts..first.te] != "---" {
        return None;
    }
    let close = lines
        .iter()
        .skip(1)
        .position(|l| l.ts == l.start && matches!(&text[l.ts..l.te], "---" | "..."))?
        + 1;
    let end = lines.get(close + 1).map_or(text.len(), |next| next.start);
    for line in &mut lines[..=close] {
        line.kind = Kind::Skip;
    }
    Some(0..end)
}

fn classify(text: &str, ts: usize, te: usize) -> Kind {
    if ts == te {
        return Kind::Blank;
    }
    let s = &text[ts..te];
    let first = s.as_bytes()[0];
    if is_thematic_break(s) {
        return Kind::Skip;
    }
    if first == b'|' {
        if s.len() > 1 && s[1..].contains('|') {
            if s.bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
            {
                return Kind::Skip;
            }
            return Kind::Table;
        }
        return Kind::Text;
    }
    if first == b'#' {
        let hashes = s.bytes().take_while(|&b| b == b'#').count();
        let after = s.as_bytes().get(hashes);
        if hashes <= 6 && matches!(after, None | Some(b' ') | Some(b'\t')) {
            let title = markdown_title(text, ts + hashes, te);
            return Kind::Heading {
                level: hashes as u8,
                title,
                family: None,
            };
        }
    }
    if let Some(content) = list_marker(s) {
        return Kind::List {
            content: ts + content..te,
        };
    }
    match parse_marker(s) {
        Some((family, content_start, title)) => {
            let title = trim_title(text, ts + title.start..ts + title.end);
            let eligible = title.start < title.end
                && !s.contains('。')
                && s.chars().take(MAX_HEADING_CHARS + 1).count() <= MAX_HEADING_CHARS;
            Kind::Marker(Marker {
                family,
                content_start: ts + content_start,
                title,
                eligible,
            })
        }
        None => Kind::Text,
    }
}

fn is_thematic_break(s: &str) -> bool {
    let mut kind = None;
    let mut count = 0;
    for b in s.bytes() {
        match b {
            b'-' | b'*' | b'_' | b'=' => {
                if kind.is_some_and(|k| k != b) {
                    return false;
                }
                kind = Some(b);
                count += 1;
            }
            b' ' | b'\t' => {}
            _ => return false,
        }
    }
    count >= 3
}

/// Title of a Markdown heading: after the `#`s, without a closing `#`
/// sequence and without leading numbering or a wrapping bracket.
fn markdown_title(text: &str, from: usize, te: usize) -> Range<usize> {
    let mut s = &text[from..te];
    // Closing sequence: " ##" at the end.
    let without_hashes = s.trim_end_matches('#');
    if without_hashes.len() < s.len()
        && (without_hashes.is_empty() || without_hashes.ends_with([' ', '\t']))
    {
        s = without_hashes;
    }
    let start = from + leading_ws(s);
    let end = from + s.len() - trailing_ws(s);
    if start >= end {
        return start..start;
    }
    let inner = &text[start..end];
    if let Some((_, _, title)) = parse_marker(inner) {
        let t = trim_title(text, start + title.start..start + title.end);
        if t.start < t.end {
            return t;
        }
    }
    trim_title(text, start..end)
}

/// Trims whitespace and a trailing `:` from a title range.
fn trim_title(text: &str, r: Range<usize>) -> Range<usize> {
    let r = trim_range(text, r);
    let t = text[r.clone()].trim_end_matches(':');
    r.start..r.start + t.len() - trailing_ws(t)
}

/// `r` without leading and trailing whitespace: the range of
/// `text[r].trim()`. Empty ranges sit at the end of `r`.
#[inline]
fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = leading_ws(s);
    r.start + lead..r.end - trailing_ws(&s[lead..])
}

/// Length of the whitespace `str::trim_start` would remove. Lines and
/// sentences nearly always start and end with a non-space, so this decides
/// from the bytes without decoding chars (the `str::trim*` methods go through
/// the generic pattern machinery and a Unicode table, several times slower).
#[inline]
fn leading_ws(s: &str) -> usize {
    let b = s.as_bytes();
    // Fast path: printable ASCII, or the lead byte of a kanji/kana that is
    // not U+3000 (E3 80 80).
    match *b {
        [] => return 0,
        [c, ..] if (c > b' ' && c < 0x80) || c >= 0xE4 => return 0,
        [0xE3, c, ..] if c != 0x80 => return 0,
        _ => {}
    }
    let mut i = 0;
    while i < b.len() {
        let n = ws_len(&b[i..b.len().min(i + 3)]);
        if n == 0 {
            break;
        }
        i += n;
    }
    i
}

/// Length of the whitespace `str::trim_end` would remove (see
/// [`leading_ws`]).
#[inline]
fn trailing_ws(s: &str) -> usize {
    let b = s.as_bytes();
    // Fast path: printable ASCII, or a continuation byte no whitespace char
    // ends with.
    match b.last() {
        None => return 0,
        Some(&c) if (c > b' ' && c < 0x80) || (0xB0..0xC0).contains(&c) => return 0,
        _ => {}
    }
    let mut e = b.len();
    while e > 0 {
        // The char ending at `e` is whitespace if one of the 1-, 2- or 3-byte
        // sequences ending there is; a match cannot be the tail of a longer
        // char, since every whitespace sequence starts with a lead byte.
        let n = if ws_len(&b[e - 1..e]) == 1 {
            1
        } else if e >= 2 && ws_len(&b[e - 2..e]) == 2 {
            2
        } else if e >= 3 && ws_len(&b[e - 3..e]) == 3 {
            3
        } else {
            0
        };
        if n == 0 {
            break;
        }
        e -= n;
    }
    b.len() - e
}

/// UTF-8 length of the whitespace char (`char::is_whitespace`: the Unicode
/// White_Space set) at the start of `b`, or 0. Only the first 3 bytes are
/// looked at; `b` may end early.
#[inline]
fn ws_len(b: &[u8]) -> usize {
    match *b {
        [b' ' | b'\t'..=b'\r', ..] => 1,
        // U+0085, U+00A0
        [0xC2, 0x85 | 0xA0, ..] => 2,
        // U+1680
        [0xE1, 0x9A, 0x80, ..] => 3,
        // U+2000..=U+200A, U+2028, U+2029, U+202F
        [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] => 3,
        // U+205F
        [0xE2, 0x81, 0x9F, ..] => 3,
        // U+3000
        [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Byte offset of the item text after a bullet, if `s` starts with one.
fn list_marker(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if matches!(b[0], b'-' | b'*' | b'+') {
        return matches!(b.get(1), Some(b' ' | b'\t')).then(|| skip_spaces(s, 2));
    }
    let c = s.chars().next()?;
    if matches!(c, '・' | '•' | '‣' | '◦' | '⁃' | '∙') {
        return Some(skip_spaces(s, c.len_utf8()));
    }
    None
}

fn skip_spaces(s: &str, from: usize) -> usize {
    from + leading_ws(&s[from..])
}

fn is_kanji_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '〇' | '百'
    )
}

fn is_marker_sep(c: char) -> bool {
    matches!(c, ' ' | '\t' | '.' | '、' | ':' | ',')
}

fn is_heading_symbol(c: char) -> bool {
    matches!(
        c,
        '■' | '□'
            | '◆'
            | '◇'
            | '●'
            | '○'
            | '◎'
            | '◉'
            | '◯'
            | '▼'
            | '▽'
            | '▲'
            | '△'
            | '▶'
            | '▷'
            | '►'
            | '★'
            | '☆'
            | '◼'
            | '◻'
            | '▪'
    )
}

fn closing_bracket(c: char) -> Option<char> {
    Some(match c {
        '【' => '】',
        '<' => '>',
        '[' => ']',
        '〔' => '〕',
        '《' => '》',
        '≪' => '≫',
        '〈' => '〉',
        '〖' => '〗',
        _ => return None,
    })
}

/// Length in bytes of the longest prefix of `s` whose chars satisfy `f`.
fn prefix_len(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Recognises a heading/list marker at the start of trimmed line `s`.
/// Returns the family, where the text after the marker starts, and the
/// title range (all relative to `s`).
fn parse_marker(s: &str) -> Option<(Family, usize, Range<usize>)> {
    let c0 = s.chars().next()?;
    let after = |p: usize| -> (usize, Range<usize>) {
        let cs = skip_spaces(s, p);
        (cs, cs..s.len())
    };
    let with = |family: Family, p: usize| {
        let (cs, title) = after(p);
        Some((family, cs, title))
    };
    match c0 {
        '第' => {
            let p = 3;
            let n = prefix_len(&s[p..], |c| c.is_ascii_digit() || is_kanji_digit(c));
            if n == 0 || n > 12 {
                return None;
            }
            let mut p = p + n;
            let next = s[p..].chars().next();
            let has_suffix = matches!(next, Some('章' | '節' | '条' | '部' | '項' | '款' | '編'));
            if has_suffix {
                p += 3;
            }
            match s[p..].chars().next() {
                None if has_suffix => Some((Family::Dai, p, 0..p)),
                Some(c) if is_marker_sep(c) => {
                    let q = skip_marker_seps(s, p);
                    with(Family::Dai, q)
                }
                Some(_) if has_suffix => with(Family::Dai, p),
                _ => None,
            }
        }
        'Ⅰ'..='Ⅻ' | 'ⅰ'..='ⅻ' => {
            let p = c0.len_utf8();
            match s[p..].chars().next() {
                Some(c) if is_marker_sep(c) || c == ')' => with(Family::Roman, p + c.len_utf8()),
                _ => None,
            }
        }
        c if is_kanji_digit(c) => {
            let n = prefix_len(s, is_kanji_digit);
            if n > 9 {
                return None;
            }
            match s[n..].chars().next() {
                Some(c @ ('、' | '.')) => with(Family::KanjiNum, n + c.len_utf8()),
                _ => None,
            }
        }
        '0'..='9' => parse_number_marker(s),
        '(' => {
            let inner = &s[1..];
            let close = inner.find(')')?;
            let label = &inner[..close];
            let mut chars = label.chars();
            let family = if !label.is_empty()
                && label.len() <= 2
                && label.bytes().all(|b| b.is_ascii_digit())
            {
                Family::ParenNum
            } else if !label.is_empty()
                && label.chars().count() <= 3
                && label.chars().all(is_kanji_digit)
            {
                Family::ParenKanji
            } else {
                match (chars.next(), chars.next()) {
                    (Some(c), None)
                        if c.is_ascii_alphabetic()
                            || ('ア'..='ン').contains(&c)
                            || ('あ'..='ん').contains(&c) =>
                    {
                        Family::ParenLetter
                    }
                    _ => return None,
                }
            };
            with(family, 1 + close + 1)
        }
        '①'..='⑳' | '㉑'..='㉟' | '㊱'..='㊿' | '❶'..='❿' | '➀'..='➉' => {
            with(Family::Circled, c0.len_utf8())
        }
        '⑴'..='⒇' => with(Family::ParenNum, c0.len_utf8()),
        '⒈'..='⒛' => with(Family::Num(1), c0.len_utf8()),
        c if is_heading_symbol(c) => with(Family::Symbol(c), c.len_utf8()),
        c => {
            let close = closing_bracket(c)?;
            let open_len = c.len_utf8();
            let close_at = s[open_len..].find(close)? + open_len;
            if close_at + close.len_utf8() != s.len() {
                return None;
            }
            let inner = &s[open_len..close_at];
            if matches!(c, '<' | '[') && (inner.is_ascii() || inner.contains("://")) {
                return None;
            }
            let title = open_len + leading_ws(inner)..open_len + inner.len() - trailing_ws(inner);
            if title.start >= title.end {
                return None;
            }
            Some((Family::Bracket(c), 0, title))
        }
    }
}

fn skip_marker_seps(s: &str, from: usize) -> usize {
    from + prefix_len(&s[from..], is_marker_sep)
}

/// `1.` `1．`(folded) `1)` `1、` `1-1.` `1.1` `1-1-1`; each number has at most
/// two digits, so dates (`2025.08.20`) and amounts are not markers.
fn parse_number_marker(s: &str) -> Option<(Family, usize, Range<usize>)> {
    let b = s.as_bytes();
    let digits = |p: usize| b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
    let d = digits(0);
    if d > 2 {
        return None;
    }
    let mut p = d;
    let mut comps = 1u8;
    while p + 1 < b.len() && matches!(b[p], b'.' | b'-') {
        let d = digits(p + 1);
        if d == 0 || d > 2 || comps == 3 {
            break;
        }
        p += 1 + d;
        comps += 1;
    }
    let rest = &s[p..];
    let next = rest.chars().next();
    let finish = |family: Family, q: usize| {
        let cs = skip_spaces(s, q);
        Some((family, cs, cs..s.len()))
    };
    if comps == 1 {
        match next {
            Some(')') => finish(Family::CloseParen, p + 1),
            Some('.') => finish(Family::Num(1), p + 1),
            Some('、') => finish(Family::Num(1), p + '、'.len_utf8()),
            _ => None,
        }
    } else {
        let q = if next == Some('.') { p + 1 } else { p };
        match s[q..].chars().next() {
            None => finish(Family::Num(comps), q),
            Some(c) if c == ' ' || c == '\t' || !c.is_ascii() => finish(Family::Num(comps), q),
            _ => None,
        }
    }
}

/// Decides which marker lines are headings, list items or plain text.
fn resolve_markers(lines: &mut [Line]) {
    let families: Vec<Option<Family>> = lines
        .iter()
        .map(|l| match &l.kind {
            Kind::Marker(m) => Some(m.family),
            _ => None,
        })
        .collect();
    // Family of the nearest non-blank line before / after each line.
    let blank = |l: &Line| matches!(l.kind, Kind::Blank);
    let mut before = vec![None; lines.len()];
    let mut last = None;
    for (i, l) in lines.iter().enumerate() {
        before[i] = last;
        if !blank(l) {
            last = families[i];
        }
    }
    let mut after = vec![None; lines.len()];
    last = None;
    for (i, l) in lines.iter().enumerate().rev() {
        after[i] = last;
        if !blank(l) {
            last = families[i];
        }
    }
    for i in 0..lines.len() {
        let Kind::Marker(m) = &lines[i].kind else {
            continue;
        };
        let fam = Some(m.family);
        let in_run = before[i] == fam || after[i] == fam;
        lines[i].kind = if m.eligible && !in_run {
            Kind::Heading {
                level: 0,
                title: m.title.clone(),
                family: Some(m.family),
            }
        } else if matches!(m.family, Family::Bracket(_)) {
            Kind::Text
        } else {
            Kind::List {
                content: m.content_start..lines[i].te,
            }
        };
    }
}

/// Gives marker headings their levels (see module docs).
fn assign_levels(lines: &mut [Line]) {
    let mut md_level = 0u8;
    let mut ranks: Vec<Family> = Vec::new();
    for line in lines.iter_mut() {
        if let Kind::Heading { level, family, .. } = &mut line.kind {
            match family {
                None => md_level = *level,
                Some(f) => {
                    let rank = match ranks.iter().position(|r| r == f) {
                        Some(p) => p + 1,
                        None => {
                            ranks.push(*f);
                            ranks.len()
                        }
                    };
                    let rank = u8::try_from(rank).unwrap_or(u8::MAX);
                    *level = md_level.max(1).saturating_add(rank);
                }
            }
        }
    }
}

fn build_blocks(text: &str, lines: &[Line], st: &mut Structure) {
    let non_blank = lines
        .iter()
        .filter(|l| !matches!(l.kind, Kind::Blank))
        .count();
    st.blocks.reserve(non_blank);
    st.sentences.reserve(non_blank + text.len() / 128);
    let mut sp = Splitter::new(text);
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        match &line.kind {
            Kind::Blank | Kind::Skip | Kind::Marker(_) => i += 1,
            Kind::Heading { title, .. } => {
                st.blocks.push(Block {
                    kind: BlockKind::Heading,
                    span: line.ts..line.te,
                    content: title.clone(),
                });
                if title.start < title.end {
                    st.sentences.push(title.clone());
                }
                i += 1;
            }
            Kind::Table => {
                let s = &text[line.ts..line.te];
                let inner_start = line.ts + 1;
                let inner_end = if s.len() > 1 && s.ends_with('|') && !s.ends_with("\\|") {
                    line.te - 1
                } else {
                    line.te
                };
                st.blocks.push(Block {
                    kind: BlockKind::TableRow,
                    span: line.ts..line.te,
                    content: inner_start..inner_end,
                });
                let mut cell_start = inner_start;
                let row = &text.as_bytes()[inner_start..inner_end];
                for (k, &b) in row.iter().enumerate() {
                    if b == b'|' && (k == 0 || row[k - 1] != b'\\') {
                        sp.split_one(cell_start..inner_start + k, &mut st.sentences);
                        cell_start = inner_start + k + 1;
                    }
                }
                sp.split_one(cell_start..inner_end, &mut st.sentences);
                i += 1;
            }
            Kind::List { content } => {
                pieces.clear();
                pieces.push(content.clone());
                let mut end = line.te;
                let mut j = i + 1;
                while j < lines.len() && matches!(lines[j].kind, Kind::Text) && lines[j].indented()
                {
                    pieces.push(lines[j].ts..lines[j].te);
                    end = lines[j].te;
                    j += 1;
                }
                st.blocks.push(Block {
                    kind: BlockKind::ListItem,
                    span: line.ts..end,
                    content: content.start..end,
                });
                split_lines_into_sentences(&mut sp, &pieces, &mut st.sentences);
                i = j;
            }
            Kind::Text => {
                pieces.clear();
                let mut j = i;
                while j < lines.len() && matches!(lines[j].kind, Kind::Text) {
                    pieces.push(lines[j].ts..lines[j].te);
                    j += 1;
                }
                let span = line.ts..lines[j - 1].te;
                st.blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    span: span.clone(),
                    content: span,
                });
                split_lines_into_sentences(&mut sp, &pieces, &mut st.sentences);
                i = j;
            }
        }
    }
}

/// Groups the lines of one block into runs that may share sentences, and
/// splits each run.
fn split_lines_into_sentences(
    sp: &mut Splitter<'_>,
    pieces: &[Range<usize>],
    out: &mut Vec<Range<usize>>,
) {
    let mut g = 0;
    for k in 1..=pieces.len() {
        if k == pieces.len() || !continues(sp.text, &pieces[k - 1], &pieces[k]) {
            sp.split(&pieces[g..k], out);
            g = k;
        }
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | ')' | '）' | ']' | '】' | '〕' | '》' | '〉' | '”' | '’' | '"'
    )
}

fn is_strong_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// Does line `prev` run on into line `next` (a sentence wrapped across lines)?
fn continues(text: &str, prev: &Range<usize>, next: &Range<usize>) -> bool {
    let p = &text[prev.clone()];
    let n = &text[next.clone()];
    let core = p.trim_end_matches(is_closer);
    let ends_sentence = core
        .chars()
        .next_back()
        .is_some_and(|last| is_strong_terminator(last) || matches!(last, '!' | '?' | '.' | ':'));
    if ends_sentence {
        return false;
    }
    if p.chars().take(MIN_WRAPPED_LINE_CHARS).count() < MIN_WRAPPED_LINE_CHARS {
        return false;
    }
    if has_label_colon(p) || has_label_colon(n) || p.starts_with("http") || n.starts_with("http") {
        return false;
    }
    // "…(土日祝日を除く)" ends an item far more often than a wrap falls there.
    if p.ends_with([')', '）']) {
        return false;
    }
    !n.starts_with(['※', '*', '＊'])
}

/// `受付時間: 平日…`, `URL: …` — a label followed by a colon near the start
/// of the line (but not a time such as `9:00`).
fn has_label_colon(s: &str) -> bool {
    let mut prev: Option<char> = None;
    for (k, c) in s.chars().enumerate() {
        if k > 15 {
            return false;
        }
        if c == ':' {
            return !prev.is_some_and(|p| p.is_ascii_digit());
        }
        prev = Some(c);
    }
    false
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "no", "nos", "mr", "mrs", "ms", "dr", "prof", "inc", "co", "ltd",
    "corp", "st", "jr", "sr", "fig", "approx", "dept", "est", "vol", "ver", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Could a terminator or bracket the splitter cares about start at this
/// byte? `.!?()`, U+3002..U+300F (。「」『』 and a few harmless others),
/// U+2000..U+203F (“”), U+F000..U+FFFF (full-width ！？（）｡). Cheap rather
/// than exact: [`Splitter::event_at`] decides. Only ASCII or lead bytes
/// match, so hits are char boundaries.
#[inline(always)]
fn event_byte(b0: u8, b1: u8, b2: u8) -> bool {
    let ascii = (b0 == b'.') | (b0 == b'!') | (b0 == b'?') | ((b0 | 1) == b')');
    let cjk = (b0 == 0xE3) & (b1 == 0x80) & (b2.wrapping_sub(0x82) < 0x0E);
    let other = ((b0 == 0xE2) & (b1 == 0x80)) | (b0 == 0xEF);
    ascii | cjk | other
}

/// A character the splitter cares about, found by a byte scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ev {
    /// Possible terminator (`。！？!?.`; whether it ends a sentence depends
    /// on its neighbours).
    Term,
    /// Opening bracket, with the closing bracket it waits for.
    Open(char),
    Close(char),
}

/// Sentence splitter with reusable buffers.
struct Splitter<'a> {
    text: &'a str,
    /// (byte offset, piece index, event) of the current run, in order.
    events: Vec<(usize, usize, Ev)>,
    /// Matched bracket pairs of the current run: (open, end of close).
    pairs: Vec<(usize, usize)>,
    stack: Vec<(char, usize)>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str) -> Self {
        Splitter {
            text,
            events: Vec::new(),
            pairs: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Collects terminators and brackets of `pieces` with a byte scan. The
    /// bytes between pieces are line breaks and indentation, so the whole
    /// stretch is scanned at once.
    fn scan(&mut self, pieces: &[Range<usize>]) {
        self.events.clear();
        let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
            return;
        };
        let b = self.text.as_bytes();
        let end = last.end;
        let mut k = first.start;
        let mut pi = 0;
        // Blocks get a bit mask of candidate positions computed with SIMD
        // compares (see `scan::block_mask`); only the set bits are looked at.
        // A block may read past `end` (into the rest of the text, or zero
        // padding at its end): `end` is a char boundary, so those bytes only
        // ever complete characters before it, and bits at or past `end` are
        // dropped.
        while k < end {
            let mut mask = scan::block_mask_at(b, k, event_byte);
            if end - k < scan::BLOCK {
                mask &= (1 << (end - k)) - 1;
            }
            while mask != 0 {
                let j = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                self.event_at(b, k + j, pieces, &mut pi);
            }
            k += scan::BLOCK;
        }
    }

    /// Records the event at candidate position `k` (an ASCII or lead byte).
    fn event_at(&mut self, b: &[u8], k: usize, pieces: &[Range<usize>], pi: &mut usize) {
        let c = b[k];
        let ev = if c < 0x80 {
            match c {
                b'(' => Ev::Open(')'),
                b')' => Ev::Close(')'),
                _ => Ev::Term,
            }
        } else {
            let cp = ((c as u32 & 0x0F) << 12)
                | ((b[k + 1] as u32 & 0x3F) << 6)
                | (b[k + 2] as u32 & 0x3F);
            match cp {
                0x3002 | 0xFF01 | 0xFF1F | 0xFF61 => Ev::Term,
                0x300C => Ev::Open('」'),
                0x300D => Ev::Close('」'),
                0x300E => Ev::Open('』'),
                0x300F => Ev::Close('』'),
                0x201C => Ev::Open('”'),
                0x201D => Ev::Close('”'),
                0xFF08 => Ev::Open('）'),
                0xFF09 => Ev::Close('）'),
                _ => return,
            }
        };
        while pieces[*pi].end <= k {
            *pi += 1;
        }
        if k >= pieces[*pi].start {
            self.events.push((k, *pi, ev));
        }
    }

    /// Matches brackets; a terminator inside a matched 「」『』()“” pair
    /// does not end the sentence (`「…しました。」と回答`). Unmatched brackets
    /// are ignored.
    fn match_brackets(&mut self) {
        self.pairs.clear();
        self.stack.clear();
        for &(pos, _, ev) in &self.events {
            match ev {
                Ev::Term => {}
                Ev::Open(w) => {
                    if self.stack.len() < 64 {
                        self.stack.push((w, pos));
                    }
                }
                Ev::Close(c) => {
                    if let Some(idx) = self.stack.iter().rposition(|&(w, _)| w == c) {
                        self.pairs.push((self.stack[idx].1, pos + c.len_utf8()));
                        self.stack.truncate(idx);
                    }
                }
            }
        }
        self.pairs.sort_unstable();
    }

    fn split_one(&mut self, r: Range<usize>, out: &mut Vec<Range<usize>>) {
        self.split(std::slice::from_ref(&r), out);
    }

    /// Splits one run of lines (`pieces`, in order) into sentences.
    fn split(&mut self, pieces: &[Range<usize>], out: &mut Vec<Range<usize>>) {
        let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
            return;
        };
        let text = self.text;
        self.scan(pieces);
        if !self.events.iter().any(|e| e.2 == Ev::Term) {
            push_trimmed(text, first.start..last.end, out);
            return;
        }
        self.match_brackets();
        let mut pair_idx = 0;
        let mut cover_end = 0;
        let mut start = first.start;
        for &(pos, pi, ev) in &self.events {
            if ev != Ev::Term || pos < start {
                continue;
            }
            while pair_idx < self.pairs.len() && self.pairs[pair_idx].0 <= pos {
                cover_end = cover_end.max(self.pairs[pair_idx].1);
                pair_idx += 1;
            }
            if pos < cover_end {
                continue;
            }
            let r = &pieces[pi];
            let line = &text[r.clone()];
            let k = pos - r.start;
            let mut rest = line[k..].chars();
            let Some(c) = rest.next() else {
                continue;
            };
            let prev = line[..k].chars().next_back();
            let next = rest.clone().next();
            if !is_terminator(line, k, c, prev, next) {
                continue;
            }
            // Further terminators and closing brackets belong to this sentence.
            let mut end = pos + c.len_utf8();
            for n in rest {
                if is_strong_terminator(n) || matches!(n, '!' | '?' | '.') || is_closer(n) {
                    end += n.len_utf8();
                } else {
                    break;
                }
            }
            push_trimmed(text, start..end, out);
            start = end;
        }
        if start < last.end {
            push_trimmed(text, start..last.end, out);
        }
    }
}

/// Is `c` (at byte `k` of line `s`) a sentence terminator here?
fn is_terminator(s: &str, k: usize, c: char, prev: Option<char>, next: Option<char>) -> bool {
    match c {
        '。' | '！' | '？' | '｡' => true,
        '!' | '?' => !next.is_some_and(|n| n.is_ascii_alphanumeric() || "=&/%#_".contains(n)),
        '.' => {
            let Some(p) = prev else {
                return false;
            };
            if next.is_some_and(|n| n.is_ascii_alphanumeric()) {
                return false;
            }
            if !p.is_ascii() {
                // "…しました．" (folded to '.')
                return true;
            }
            if !(p.is_ascii_lowercase() || p == ')') {
                return false;
            }
            if next.is_some_and(|n| !n.is_whitespace()) {
                return false;
            }
            let word_start = s[..k]
                .char_indices()
                .rev()
                .find(|&(_, ch)| !(ch.is_ascii_alphabetic() || ch == '.'))
                .map_or(0, |(i, ch)| i + ch.len_utf8());
            let word = &s[word_start..k];
            word.len() > 1 && !ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
        }
        _ => false,
    }
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let t = trim_range(text, r);
    if !t.is_empty() {
        out.push(t);
    }
}

fn build_sections(text: &str, lines: &[Line], sections: &mut Vec<Section>) {
    let mut stack: Vec<usize> = Vec::new();
    for line in lines {
        let Kind::Heading { level, title, .. } = &line.kind else {
            continue;
        };
        let level = *level;
        while let Some(&top) = stack.last() {
            if sections[top].level >= level {
                sections[top].span.end = line.ts;
                stack.pop();
            } else {
                break;
            }
        }
        let parent = stack.last().copied();
        stack.push(sections.len());
        sections.push(Section {
            level,
            title: text[title.clone()].to_string(),
            title_span: title.clone(),
            heading: line.ts..line.te,
            span: line.ts..text.len(),
            parent,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize;
    use super::*;

    fn analyze_raw(text: &str) -> (String, Structure) {
        let (norm, _) = normalize(text);
        let st = analyze(&norm);
        (norm, st)
    }

    fn titles(text: &str) -> Vec<(u8, String)> {
        let (_, st) = analyze_raw(text);
        st.sections
            .iter()
            .map(|s| (s.level, s.title.clone()))
            .collect()
    }

    fn sentences(text: &str) -> Vec<String> {
        let (norm, st) = analyze_raw(text);
        st.sentences
            .iter()
            .map(|r| norm[r.clone()].to_string())
            .collect()
    }

    fn blocks(text: &str) -> Vec<(BlockKind, String)> {
        let (norm, st) = analyze_raw(text);
        st.blocks
            .iter()
            .map(|b| (b.kind, norm[b.span.clone()].to_string()))
            .collect()
    }

    fn heading_title(line: &str) -> Option<String> {
        let t = titles(&format!("{line}\n本文です。\n"));
        match t.as_slice() {
            [(_, title)] => Some(title.clone()),
            [] => None,
            more => panic!("{line:?} gave several sections: {more:?}"),
        }
    }

    #[test]
    fn whitespace_helpers_match_str_trim() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            let expected = if c.is_whitespace() { s.len() } else { 0 };
            assert_eq!(ws_len(s.as_bytes()), expected, "U+{:04X}", c as u32);
        }
        for s in [
            "",
            " ",
            "\u{3000}\t",
            " a ",
            "\u{3000}漢字\u{2003}\n",
            "\u{85}x\u{A0}",
            "。\u{2002}",
            "x\u{1680}",
            "\u{205F}\u{2029}y\u{202F}",
            "\u{1F600}\u{3000}",
            "\u{3000}\u{3001}",
        ] {
            assert_eq!(leading_ws(s), s.len() - s.trim_start().len(), "{s:?}");
            assert_eq!(trailing_ws(s), s.len() - s.trim_end().len(), "{s:?}");
            let r = trim_range(s, 0..s.len());
            assert_eq!(&s[r], s.trim(), "{s:?}");
        }
    }

    #[test]
    fn markdown_headings() {
        let text = "# お知らせ\n\n## 1. 概要 ##\n本文。\n### (1) 経緯\n本文。\n#### 【対象】\n####### 七つは見出しではない\n#タグ\n";
        assert_eq!(
            titles(text),
            vec![
                (1, "お知らせ".to_string()),
                (2, "概要".to_string()),
                (3, "経緯".to_string()),
                (4, "対象".to_string()),
            ]
        );
    }

    #[test]
    fn every_numbered_and_bracket_heading_form() {
        let cases = [
            ("1. 概要", "概要"),
            ("1．概要", "概要"),
            ("１．概要", "概要"),
            ("2.発生の経緯", "発生の経緯"),
            ("3、原因", "原因"),
            ("1) 経緯", "経緯"),
            ("１）経緯", "経緯"),
            ("(1) 経緯", "経緯"),
            ("（１）経緯", "経緯"),
            ("(一) 経緯", "経緯"),
            ("(ア) 経緯", "経緯"),
            ("⑴ 経緯", "経緯"),
            ("①対象となる情報", "対象となる情報"),
            ("❷ 対応", "対応"),
            ("第1 概要", "概要"),
            ("第２　概要", "概要"),
            ("第三、原因", "原因"),
            ("第1章 概要", "概要"),
            ("第2章", "第2章"),
            ("一、概要", "概要"),
            ("十二．経緯", "経緯"),
            ("Ⅰ. 概要", "概要"),
            ("Ⅱ　経緯", "経緯"),
            ("1-1. 詳細", "詳細"),
            ("1-2 詳細", "詳細"),
            ("２－１．詳細", "詳細"),
            ("1.1 詳細", "詳細"),
            ("【経緯】", "経緯"),
            ("【 お問い合わせ先 】", "お問い合わせ先"),
            ("■ 概要", "概要"),
            ("◆対応状況", "対応状況"),
            ("●今後の対応", "今後の対応"),
            ("□ 再発防止策", "再発防止策"),
            ("<お問い合わせ先>", "お問い合わせ先"),
            ("＜お問い合わせ先＞", "お問い合わせ先"),
            ("[対象者]", "対象者"),
            ("［対象者］", "対象者"),
            ("〔参考〕", "参考"),
            ("   1. 字下げされた見出し", "字下げされた見出し"),
            ("1. 漏えいした情報：", "漏えいした情報"),
        ];
        for (line, title) in cases {
            assert_eq!(heading_title(line).as_deref(), Some(title), "{line:?}");
        }
    }

    #[test]
    fn lines_that_are_not_headings() {
        let cases = [
            // A sentence, not a heading.
            "1. 氏名、住所が流出しました。",
            // Too long for a heading.
            "(1) 2025年6月1日から6月3日までの間に当社ウェブサイトで会員登録を行ったお客様の情報",
            // Dates, amounts and ordinary words.
            "2025.08.20",
            "2025-12-26(金)、不正アクセスを確認",
            "12.5%の増加",
            "第三者による不正アクセス",
            "第1報",
            "一部のお客様",
            "10月1日",
            "1 件",
            "【重要】不正アクセスに関するお知らせ",
            "[1]注記の本文",
            "[資料](https://example.jp/a.pdf)",
            "<https://example.jp/>",
            "<br>",
            "【】",
            "■",
            "※ 注記",
        ];
        for line in cases {
            assert_eq!(heading_title(line), None, "{line:?}");
        }
    }

    #[test]
    fn runs_of_markers_are_lists() {
        let text = "漏えいした情報\n(1) 氏名\n(2) 住所\n(3) 電話番号\n\n■ 概要\n本文です。\n";
        let b = blocks(text);
        assert_eq!(
            b,
            vec![
                (BlockKind::Paragraph, "漏えいした情報".to_string()),
                (BlockKind::ListItem, "(1) 氏名".to_string()),
                (BlockKind::ListItem, "(2) 住所".to_string()),
                (BlockKind::ListItem, "(3) 電話番号".to_string()),
                (BlockKind::Heading, "■ 概要".to_string()),
                (BlockKind::Paragraph, "本文です。".to_string()),
            ]
        );
        // Different families next to each other are still headings.
        assert_eq!(
            titles("1. 概要\n(1) 発生日時\n2025年6月1日\n"),
            vec![(2, "概要".to_string()), (3, "発生日時".to_string())]
        );
        // Blank lines between the items do not make them headings.
        let b = blocks("1. 氏名\n\n2. 住所\n\n3. 電話番号\n");
        assert!(b.iter().all(|(k, _)| *k == BlockKind::ListItem), "{b:?}");
        // A bracket line in a run is plain text.
        let b = blocks("【電話】\n【メール】\n");
        assert_eq!(
            b,
            vec![(BlockKind::Paragraph, "【電話】\n【メール】".to_string())]
        );
    }

    #[test]
    fn inferred_levels_follow_first_appearance() {
        let text = "\
はじめに本文。

1. 概要
本文。

(1) 発生日時
本文。

① 初動
本文。

2. 原因
本文。

【お問い合わせ先】
窓口です。
";
        assert_eq!(
            titles(text),
            vec![
                (2, "概要".to_string()),
                (3, "発生日時".to_string()),
                (4, "初動".to_string()),
                (2, "原因".to_string()),
                (5, "お問い合わせ先".to_string()),
            ]
        );
        // Under a Markdown heading, levels start below it.
        assert_eq!(
            titles("## 経緯\n\n【初動】\n本文。\n\n## 原因\n"),
            vec![
                (2, "経緯".to_string()),
                (3, "初動".to_string()),
                (2, "原因".to_string()),
            ]
        );
    }

    #[test]
    fn sections_nest_and_span() {
        let text = "# 題\n前文。\n## 概要\n本文A。\n### 詳細\n本文B。\n## 経緯\n本文C。\n";
        let (norm, st) = analyze_raw(text);
        let s = &st.sections;
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].span, 0..norm.len());
        assert_eq!(
            &norm[s[1].span.clone()],
            "## 概要\n本文A。\n### 詳細\n本文B。\n"
        );
        assert_eq!(&norm[s[2].span.clone()], "### 詳細\n本文B。\n");
        assert_eq!(&norm[s[3].span.clone()], "## 経緯\n本文C。\n");
        assert_eq!(&norm[s[1].heading.clone()], "## 概要");
        assert_eq!(&norm[s[1].title_span.clone()], "概要");
        assert_eq!(
            s.iter().map(|x| x.parent).collect::<Vec<_>>(),
            vec![None, Some(0), Some(1), Some(0)]
        );
    }

    #[test]
    fn blocks_of_each_kind() {
        let text = "\
# お知らせ

当社は本日、
不正アクセスを公表しました。

- 氏名
* 住所
・電話番号
  (携帯電話を含む)
• メールアドレス
1. 生年月日
2. 性別

| 項目 | 件数 |
|---|---|
| 氏名 | 100件 |

***
以上
";
        assert_eq!(
            blocks(text),
            vec![
                (BlockKind::Heading, "# お知らせ".to_string()),
                (
                    BlockKind::Paragraph,
                    "当社は本日、\n不正アクセスを公表しました。".to_string()
                ),
                (BlockKind::ListItem, "- 氏名".to_string()),
                (BlockKind::ListItem, "* 住所".to_string()),
                (
                    BlockKind::ListItem,
                    "・電話番号\n  (携帯電話を含む)".to_string()
                ),
                (BlockKind::ListItem, "• メールアドレス".to_string()),
                (BlockKind::ListItem, "1. 生年月日".to_string()),
                (BlockKind::ListItem, "2. 性別".to_string()),
                (BlockKind::TableRow, "| 項目 | 件数 |".to_string()),
                (BlockKind::TableRow, "| 氏名 | 100件 |".to_string()),
                (BlockKind::Paragraph, "以上".to_string()),
            ]
        );
        let (norm, st) = analyze_raw("- 氏名\n| a | b |\n## 見出し\n");
        assert_eq!(&norm[st.blocks[0].content.clone()], "氏名");
        assert_eq!(&norm[st.blocks[1].content.clone()], " a | b ");
        assert_eq!(&norm[st.blocks[2].content.clone()], "見出し");
    }

    #[test]
    fn sentence_splitting() {
        assert_eq!(
            sentences(
                "不正アクセスを確認しました。調査を開始しました！原因は何か？　現在調査中です"
            ),
            vec![
                "不正アクセスを確認しました。",
                "調査を開始しました!",
                "原因は何か?",
                "現在調査中です",
            ]
        );
        // Closing brackets and repeated terminators stay with the sentence.
        assert_eq!(
            sentences("(詳細は別紙のとおりです。)。次の文です。"),
            vec!["(詳細は別紙のとおりです。)。", "次の文です。"]
        );
        assert_eq!(
            sentences("本当ですか?!はい。"),
            vec!["本当ですか?!", "はい。"]
        );
        // A terminator inside quotes or parentheses does not end the sentence.
        assert_eq!(
            sentences("窓口は「ご不便をおかけします。」と回答しました。以上です。"),
            vec![
                "窓口は「ご不便をおかけします。」と回答しました。",
                "以上です。"
            ]
        );
        // An unmatched bracket does not swallow the rest.
        assert_eq!(
            sentences("まず1)氏名を確認しました。次に2)住所を確認しました。"),
            vec!["まず1)氏名を確認しました。", "次に2)住所を確認しました。"]
        );
        // Unmatched closing bracket right after the terminator.
        assert_eq!(
            sentences("ご注意ください。」次の文。"),
            vec!["ご注意ください。」", "次の文。"]
        );
    }

    #[test]
    fn periods_urls_and_numbers() {
        assert_eq!(
            sentences("詳細はhttps://example.jp/faq?id=1&x=2をご覧ください。対象は1.5万件です。"),
            vec![
                "詳細はhttps://example.jp/faq?id=1&x=2をご覧ください。",
                "対象は1.5万件です。"
            ]
        );
        // Full-width period (folded to '.') after Japanese text ends a sentence.
        assert_eq!(
            sentences("確認しました．調査中です．"),
            vec!["確認しました.", "調査中です."]
        );
        assert_eq!(
            sentences(
                "We found unauthorized access. Example Co., Ltd. is investigating. See Fig. 2 for details."
            ),
            vec![
                "We found unauthorized access.",
                "Example Co., Ltd. is investigating.",
                "See Fig. 2 for details."
            ]
        );
        assert_eq!(sentences("2025.08.20 v1.2.3"), vec!["2025.08.20 v1.2.3"]);
    }

    #[test]
    fn sentences_across_lines() {
        // A wrapped sentence stays one sentence.
        let wrapped = "当社が運営するオンラインショップのサーバーに対して第三者による\n不正アクセスがあり、お客様の個人情報が流出した可能性があることが\n判明いたしました。深くお詫び申し上げます。";
        assert_eq!(
            sentences(wrapped),
            vec![
                "当社が運営するオンラインショップのサーバーに対して第三者による\n不正アクセスがあり、お客様の個人情報が流出した可能性があることが\n判明いたしました。",
                "深くお詫び申し上げます。",
            ]
        );
        // Short lines, labels and URLs end at the line break.
        let contact = "お問い合わせ窓口\n株式会社サンプル お客様相談室\n電話番号: (省略)\n受付時間: 平日9:00~17:00(土日祝日、年末年始を除きます)\n以下のページもご覧ください。\nhttps://example.jp/info";
        assert_eq!(
            sentences(contact),
            vec![
                "お問い合わせ窓口",
                "株式会社サンプル お客様相談室",
                "電話番号: (省略)",
                "受付時間: 平日9:00~17:00(土日祝日、年末年始を除きます)",
                "以下のページもご覧ください。",
                "https://example.jp/info",
            ]
        );
        // A label on the next line, or a closing parenthesis at the end of
        // the line, ends the sentence too.
        assert_eq!(
            sentences(
                "サンプル学園 不正アクセスに関するお問い合わせ窓口のご案内\nE-mail: (省略)\n対象となるのは会員サービスをご利用のお客様(法人を含む)\n順次ご連絡いたします"
            ),
            vec![
                "サンプル学園 不正アクセスに関するお問い合わせ窓口のご案内",
                "E-mail: (省略)",
                "対象となるのは会員サービスをご利用のお客様(法人を含む)",
                "順次ご連絡いたします",
            ]
        );
        // Blank lines, headings, list items and tables always end a sentence.
        assert_eq!(
            sentences(
                "ご報告の内容は以下の項目についてのものとなっておりますので\n\n- 氏名\n## 見出し\n| セル一 | セル二。二つ目。 |\n"
            ),
            vec![
                "ご報告の内容は以下の項目についてのものとなっておりますので",
                "氏名",
                "見出し",
                "セル一",
                "セル二。",
                "二つ目。",
            ]
        );
        // A list item wraps onto an indented line.
        assert_eq!(
            sentences(
                "・2025年4月1日から4月3日までの間に当社ウェブサイトで\n  会員登録をされたお客様\n"
            ),
            vec!["2025年4月1日から4月3日までの間に当社ウェブサイトで\n  会員登録をされたお客様"]
        );
    }

    #[test]
    fn sentences_are_trimmed_and_never_empty() {
        let (norm, st) = analyze_raw("　　本文です。　　次です。  \n\n。\n  \n- \n|  |  |\n");
        for r in &st.sentences {
            let s = &norm[r.clone()];
            assert!(!s.is_empty());
            assert_eq!(s, s.trim(), "{s:?}");
        }
        let texts: Vec<&str> = st.sentences.iter().map(|r| &norm[r.clone()]).collect();
        assert_eq!(texts, vec!["本文です。", "次です。", "。", "-"]);
    }

    #[test]
    fn front_matter_is_ignored() {
        let text = "---\ntitle: お知らせ\n# コメント\n---\n# 本文\n不正アクセスがありました。\n";
        let (norm, st) = analyze_raw(text);
        let fm = st.front_matter.clone().unwrap();
        assert_eq!(&norm[fm.clone()], "---\ntitle: お知らせ\n# コメント\n---\n");
        assert_eq!(st.sections.len(), 1);
        assert_eq!(st.sections[0].title, "本文");
        assert!(st.blocks.iter().all(|b| b.span.start >= fm.end));
        assert!(st.sentences.iter().all(|s| s.start >= fm.end));
        // Not at the very start, or never closed: not front matter.
        assert!(analyze_raw("\n---\na: b\n---\n").1.front_matter.is_none());
        assert!(analyze_raw("---\na: b\n").1.front_matter.is_none());
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        for text in [
            "", "\n", "\n\n\n", "   ", "#", "##\n", "|", "||", "---", "- ", "・", "(", ")", "「",
            "。",
        ] {
            let st = analyze(text);
            for b in &st.blocks {
                assert!(b.span.start <= b.span.end && b.span.end <= text.len());
            }
            for s in &st.sentences {
                assert!(s.start < s.end && s.end <= text.len(), "{text:?}");
            }
        }
    }
}
