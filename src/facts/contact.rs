//! Contact channels — telephone numbers, e-mail addresses and URLs — in the
//! normalised text view (full-width ASCII already folded, so ＠ is `@` and
//! （ ） are `(` `)`).
//!
//! URLs, "www." hosts and spelled-out addresses ("[at]") are found by hand
//! from a literal search (`memchr`), since their patterns are a literal
//! followed by greedy runs of disjoint byte classes; the `regex` crate spent
//! several times longer on them. Plain e-mail addresses and phone numbers are
//! found with the `regex` crate. What a pattern cannot express (what stands
//! just before or after a match, digit counts per number type, a real
//! top-level domain) is checked by hand afterwards.

use memchr::memmem;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactKind {
    Phone,
    Email,
    Url,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFact {
    /// The number, address or URL itself (not a "TEL:" or "mailto:" label).
    pub span: Range<usize>,
    pub kind: ContactKind,
}

/// All contacts in `text`, sorted by start and non-overlapping (a number
/// or an address inside a URL is not reported on its own).
pub fn find_contacts(text: &str) -> Vec<ContactFact> {
    // (fact, rank): at the same start a URL wins over an address, and an
    // address over a bare "www." host or a phone.
    let mut all: Vec<(ContactFact, u8)> = Vec::new();
    for m in url_matches(text) {
        all.push((url_fact(text, m.start, m.end), 0));
    }
    for m in EMAIL.find_iter(text) {
        if has_real_tld(m.as_str()) && !m.as_str().starts_with('.') {
            all.push((fact(m.start(), m.as_str(), ContactKind::Email), 1));
        }
    }
    for m in spelled_email_matches(text) {
        // The local part is found by walking back from "[at]".
        let local = text[..m.start]
            .bytes()
            .rev()
            .take_while(|&b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
            .count();
        let start = m.start - local;
        if local > 0 && has_real_tld(&text[m.clone()]) && !text[start..].starts_with('.') {
            all.push((fact(start, &text[start..m.end], ContactKind::Email), 1));
        }
    }
    for m in www_matches(text) {
        // Not the tail of a longer host or an address ("mail.www.x.jp").
        let prev = text[..m.start].chars().next_back();
        let glued = prev.is_some_and(|p| p.is_ascii_alphanumeric() || ".-/@_".contains(p));
        if !glued {
            all.push((url_fact(text, m.start, m.end), 2));
        }
    }
    all.extend(phones(text).into_iter().map(|p| (p, 3)));

    all.sort_by_key(|(f, rank)| (f.span.start, *rank));
    let mut out: Vec<ContactFact> = Vec::with_capacity(all.len());
    for (f, _) in all {
        if out.last().is_none_or(|last| last.span.end <= f.span.start) {
            out.push(f);
        }
    }
    out
}

fn fact(start: usize, written: &str, kind: ContactKind) -> ContactFact {
    ContactFact {
        span: start..start + written.len(),
        kind,
    }
}

/// A URL from `start` to the regex match's `end`, extended over balanced
/// brackets ("…/report(2).pdf") and trimmed of sentence punctuation.
fn url_fact(text: &str, start: usize, mut end: usize) -> ContactFact {
    while let Some(inner) = text[end..].strip_prefix('(') {
        let n = inner.bytes().take_while(|&b| is_url_byte(b)).count();
        if n == 0 || !inner[n..].starts_with(')') {
            break;
        }
        end += n + 2;
        end += text[end..].bytes().take_while(|&b| is_url_byte(b)).count();
    }
    fact(start, trim_url(&text[start..end]), ContactKind::Url)
}

/// The bytes of `URL_CHARS` (a `match`, not a search through a list: it
/// runs for every byte of every URL).
#[inline]
fn is_url_byte(b: u8) -> bool {
    matches!(
        b,
        b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b':'
            | b'/'
            | b'?'
            | b'#'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'%'
    )
}

/// Characters allowed in a URL after the scheme (the same set as
/// `is_url_byte`). Brackets, quotes and `|` end it: in notices they close a
/// parenthesis, a Markdown link or a table cell far more often than they
/// belong to the address; a balanced "(…)" inside is added back by `url_fact`.
/// Only the tests' reference patterns use it; the matchers use `is_url_byte`.
#[cfg(test)]
const URL_CHARS: &str = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]";

/// Host name after the "@": labels of letters, digits and hyphens.
const DOMAIN: &str = r"[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)+";

/// The pattern `url_matches` implements (kept as the tests' reference).
#[cfg(test)]
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"https?://{URL_CHARS}+")).expect("valid URL pattern"));

// Separate patterns, each with a literal the regex crate can search for
// ("@" here), run several times faster than one alternation.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"[A-Za-z0-9._%+\-]+@{DOMAIN}")).expect("valid e-mail pattern")
});

/// "[at]", "(at)", "[@]", "(@)": the usual anti-spam spellings of "@". The
/// pattern `spelled_email_matches` implements (kept as the tests' reference).
#[cfg(test)]
static EMAIL_SPELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:\[(?i:at)\]|\((?i:at)\)|\[@\]|\(@\)){DOMAIN}"))
        .expect("valid spelled e-mail pattern")
});

/// The pattern `www_matches` implements (kept as the tests' reference).
#[cfg(test)]
static WWW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"www\.[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:/{URL_CHARS}*)?"
    ))
    .expect("valid www pattern")
});

// Hand-written matchers. Each pattern is a literal and then greedy runs of
// byte classes that exclude the byte ending the run ('.' or '/'), so the
// greedy reading is the only one and no backtracking is needed: these give
// exactly the regex crate's leftmost-first matches, in order.

/// Bytes of a host label: `[A-Za-z0-9\-]`.
fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// How many bytes from `i` on satisfy `class`.
fn run(b: &[u8], i: usize, class: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| class(c)).count())
}

/// After a first label ending at `i`: one or more ".label" (`(?:\.[A-Za-z0-9\-]+)+`).
/// Returns the end, or `None` when there is not even one.
fn dotted_labels(b: &[u8], mut i: usize) -> Option<usize> {
    let mut any = false;
    while b.get(i) == Some(&b'.') {
        let n = run(b, i + 1, is_label_byte);
        if n == 0 {
            break;
        }
        i += 1 + n;
        any = true;
    }
    any.then_some(i)
}

/// `DOMAIN` at `i`: its end, if it matches there.
fn domain_at(b: &[u8], i: usize) -> Option<usize> {
    if !b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    dotted_labels(b, i + 1 + run(b, i + 1, is_label_byte))
}

/// Matches of `https?://{URL_CHARS}+`.
fn url_matches(text: &str) -> Vec<Range<usize>> {
    static HTTP: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("http"));
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = HTTP.find(&b[from..]) {
        let start = from + k;
        let mut i = start + 4;
        if b.get(i) == Some(&b's') {
            i += 1;
        }
        if b[i..].starts_with(b"://") {
            let n = run(b, i + 3, is_url_byte);
            if n > 0 {
                out.push(start..i + 3 + n);
                from = i + 3 + n;
                continue;
            }
        }
        from = start + 1;
    }
    out
}

/// Matches of `www\.[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:/{URL_CHARS}*)?`.
fn www_matches(text: &str) -> Vec<Range<usize>> {
    static WWW_DOT: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("www."));
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = WWW_DOT.find(&b[from..]) {
        let start = from + k;
        let first = run(b, start + 4, is_label_byte);
        let end = (first > 0)
            .then(|| dotted_labels(b, start + 4 + first))
            .flatten();
        let Some(mut end) = end else {
            from = start + 1;
            continue;
        };
        if b.get(end) == Some(&b'/') {
            end += 1 + run(b, end + 1, is_url_byte);
        }
        out.push(start..end);
        from = end;
    }
    out
}

/// Matches of `(?:\[(?i:at)\]|\((?i:at)\)|\[@\]|\(@\)){DOMAIN}`.
fn spelled_email_matches(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = memchr::memchr2(b'[', b'(', &b[from..]) {
        let start = from + k;
        let close = if b[start] == b'[' { b']' } else { b')' };
        let inner = &b[start + 1..];
        let after = match inner {
            [a, t, c, ..]
                if a.eq_ignore_ascii_case(&b'a')
                    && t.eq_ignore_ascii_case(&b't')
                    && *c == close =>
            {
                Some(start + 4)
            }
            [b'@', c, ..] if *c == close => Some(start + 3),
            _ => None,
        };
        match after.and_then(|i| domain_at(b, i)) {
            Some(end) => {
                out.push(start..end);
                from = end;
            }
            None => from = start + 1,
        }
    }
    out
}

/// Separators seen between the digit groups of a phone number: ASCII hyphen
/// and the dashes (and the katakana prolonged sound mark) people type instead.
const SEP: &str = "[-‐‑–—−ー―]";

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        concat!(
            r"\+81[- ]?(?:\(0\)[- ]?)?[0-9]{{1,4}}(?:{s}| )[0-9]{{1,4}}(?:{s}| )[0-9]{{3,4}}",
            r"|\+81[0-9]{{9,10}}",
            r"|\(0[0-9]{{1,4}}\) ?[0-9]{{1,4}}{s}[0-9]{{3,4}}",
            r"|0[0-9]{{1,4}}\([0-9]{{1,4}}\)[0-9]{{3,4}}",
            r"|0[0-9]{{1,4}}{s}[0-9]{{1,4}}{s}[0-9]{{3,4}}",
            r"|0[0-9]{{9,10}}",
        ),
        s = SEP
    );
    Regex::new(&pattern).expect("valid phone pattern")
});

/// Sentence punctuation typed in ASCII right after a URL is not part of it.
fn trim_url(url: &str) -> &str {
    url.trim_end_matches(['.', ',', ';', ':', '!', '?'])
}

/// The last label of the domain is alphabetic and at least two letters.
fn has_real_tld(addr: &str) -> bool {
    addr.rsplit('.')
        .next()
        .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

fn phones(text: &str) -> Vec<ContactFact> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = PHONE.find_at(text, from) {
        if plausible_phone(text, m.range()) {
            out.push(ContactFact {
                span: m.range(),
                kind: ContactKind::Phone,
            });
            from = m.end();
        } else {
            // Every alternative starts with an ASCII byte, so +1 stays on a
            // char boundary; a shorter number may start inside this one.
            from = m.start() + 1;
        }
    }
    out
}

/// Digit count by number type, and what stands on either side.
fn plausible_phone(text: &str, span: Range<usize>) -> bool {
    let s = &text[span.clone()];
    let mut digits: String = s
        .strip_prefix("+81")
        .unwrap_or(s)
        .replace("(0)", "")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if s.starts_with("+81") {
        digits.insert(0, '0');
    }
    let b = digits.as_bytes();
    if b.len() < 10 || b[0] != b'0' || b[1] == b'0' {
        return false;
    }
    let want = if ["070", "080", "090", "050", "020", "0800"]
        .iter()
        .any(|p| digits.starts_with(p))
    {
        11
    } else {
        // 0120/0570/0990 and geographic numbers.
        10
    };
    if b.len() != want {
        return false;
    }

    let before = &text[..span.start];
    let mut back = before.chars().rev();
    // A digit, or a separator or '.' right after a digit, means the match is
    // the tail of a longer figure ("12-0312345678", "1.03-1234-5678"); after
    // a word it is fine ("センター0120-…", "TEL.03-…", "…/0120-…").
    let glued_before = match back.next() {
        Some(p) if p.is_ascii_digit() || p == '_' || p == '+' => true,
        Some(p) if is_sep(p) || p == '.' => back.next().is_some_and(|q| q.is_ascii_digit()),
        _ => false,
    };
    let mut ahead = text[span.end..].chars();
    let glued_after = match ahead.next() {
        Some(n) if n.is_ascii_digit() => true,
        Some(n) if is_sep(n) || n == '.' => ahead.next().is_some_and(|q| q.is_ascii_digit()),
        _ => false,
    };
    !glued_before && !glued_after
}

fn is_sep(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '—' | '−' | 'ー' | '―')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::char_filter::token_soup;

    fn found(text: &str) -> Vec<(&str, ContactKind)> {
        find_contacts(text)
            .into_iter()
            .map(|c| (&text[c.span], c.kind))
            .collect()
    }

    fn only(text: &str, span: &str, kind: ContactKind) {
        assert_eq!(found(text), [(span, kind)], "{text:?}");
    }

    fn regex_ranges(re: &Regex, text: &str) -> Vec<Range<usize>> {
        re.find_iter(text).map(|m| m.range()).collect()
    }

    /// The hand-written matchers give the same matches as the patterns they
    /// replace, on text made of the pieces those patterns care about.
    #[test]
    fn url_bytes_are_the_listed_ones() {
        for b in 0..=255u8 {
            let listed = b.is_ascii_alphanumeric() || b"-._~:/?#@!$&*+,;=%".contains(&b);
            assert_eq!(is_url_byte(b), listed, "{b:#x}");
        }
    }

    #[test]
    fn hand_matchers_agree_with_their_patterns() {
        let tokens = [
            "http", "https", "s", ":", "//", "://", "www", "w", ".", "..", "example", "-", "x1",
            "/", "a", "t", "A", "T", "at", "[", "]", "(", ")", "@", "[at]", "(AT)", "jp", "co",
            "あ", " ", "?", "%", "_", "#", "~", "|", "(", "0", "é",
        ];
        for seed in 0..3000 {
            let text = token_soup(&tokens, seed, 30);
            assert_eq!(url_matches(&text), regex_ranges(&URL, &text), "{text:?}");
            assert_eq!(www_matches(&text), regex_ranges(&WWW, &text), "{text:?}");
            assert_eq!(
                spelled_email_matches(&text),
                regex_ranges(&EMAIL_SPELLED, &text),
                "{text:?}"
            );
        }
        for text in [
            "詳細は https://example.jp/a(1).pdf を参照",
            "wwww.example.jp/x www.a.b. www.-x.jp www.x. http://",
            "info[at]example.co.jp (AT)x.jp [@]-a.jp (@)a-.b x[At]a.b.c.",
            "httphttps://a.jp https:/ http://x",
        ] {
            assert_eq!(url_matches(text), regex_ranges(&URL, text), "{text:?}");
            assert_eq!(www_matches(text), regex_ranges(&WWW, text), "{text:?}");
            assert_eq!(
                spelled_email_matches(text),
                regex_ranges(&EMAIL_SPELLED, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn phones_in_common_layouts() {
        use ContactKind::Phone;
        for number in [
            "0120-123-456",
            "0120-12-3456",
            "03-1234-5678",
            "050-1234-5678",
            "090-1234-5678",
            "0570-000-000",
            "0800-123-4567",
            "(03)1234-5678",
            "(0120) 123-456",
            "03(1234)5678",
            "+81-3-1234-5678",
            "+81 3 1234 5678",
            "+81-(0)3-1234-5678",
            "+81-90-1234-5678",
            "0312345678",
            "09012345678",
            "0120ー123ー456",
        ] {
            let text = format!("お問い合わせ {number} まで");
            only(&text, number, Phone);
        }
        only("TEL:03-1234-5678(平日)", "03-1234-5678", Phone);
        only("TEL.0120-123-456", "0120-123-456", Phone);
        only("電話番号 0120-123-456、受付時間", "0120-123-456", Phone);
        only("サポートセンター0120-123-456", "0120-123-456", Phone);
        let two = found("0120-111-222/0120-333-444");
        assert_eq!(two, [("0120-111-222", Phone), ("0120-333-444", Phone)]);
    }

    #[test]
    fn not_phones() {
        for text in [
            "2025-06-11",
            "06-11-2025",
            "ver 1.2.3",
            "33,947件",
            "〒100-0001",
            "0120-123-4567",
            "03-1234-56789",
            "0001-2345-6789",
            "0123-4567-8901-2345",
            "1.03-1234-5678",
            "031234567",
            "031234567890",
            "0312345678901",
            "ID 12-0312345678",
        ] {
            assert!(found(text).is_empty(), "{text:?} → {:?}", found(text));
        }
    }

    #[test]
    fn emails() {
        use ContactKind::Email;
        only("窓口:info@example.co.jp まで", "info@example.co.jp", Email);
        only("info[at]example.co.jp", "info[at]example.co.jp", Email);
        only("info(at)example.jp", "info(at)example.jp", Email);
        only(
            "support.team+ja@mail.example.com。",
            "support.team+ja@mail.example.com",
            Email,
        );
        only("mailto:a_b@example.org", "a_b@example.org", Email);
        // Sentence-final ASCII period is not part of the domain.
        only("privacy@example.jp.", "privacy@example.jp", Email);
        for text in ["a@b", "user@host.c1", "@example.jp", "x@localhost"] {
            assert!(found(text).is_empty(), "{text:?} → {:?}", found(text));
        }
    }

    #[test]
    fn urls() {
        use ContactKind::Url;
        only(
            "詳細はhttps://example.co.jp/news/2025/0611.htmlをご覧ください",
            "https://example.co.jp/news/2025/0611.html",
            Url,
        );
        only(
            "(https://example.jp/a?b=1&c=2)",
            "https://example.jp/a?b=1&c=2",
            Url,
        );
        only("「http://example.jp/」", "http://example.jp/", Url);
        only(
            "[お知らせ](https://example.jp/info)",
            "https://example.jp/info",
            Url,
        );
        only("|https://example.jp/x|", "https://example.jp/x", Url);
        only("see https://example.jp/x.", "https://example.jp/x", Url);
        only(
            "https://example.jp/path 次の行",
            "https://example.jp/path",
            Url,
        );
        only("当社サイト(www.example.co.jp)", "www.example.co.jp", Url);
        only("www.example.jp/contact/、", "www.example.jp/contact/", Url);
        // A phone number or an address inside a URL belongs to the URL.
        only(
            "https://example.jp/tel/0312345678",
            "https://example.jp/tel/0312345678",
            Url,
        );
        only(
            "https://example.jp/?to=info@example.jp",
            "https://example.jp/?to=info@example.jp",
            Url,
        );
        assert!(found("swww.example.jp").is_empty());
        // Balanced brackets inside a path stay in the URL.
        only(
            "(https://example.jp/files/report(2).pdf)",
            "https://example.jp/files/report(2).pdf",
            Url,
        );
        only("https://example.jp/a(第2報)", "https://example.jp/a", Url);
    }

    #[test]
    fn url_byte_set_matches_the_pattern() {
        let class = Regex::new(&format!("^{URL_CHARS}$")).unwrap();
        for b in 0u8..128 {
            let s = (b as char).to_string();
            assert_eq!(class.is_match(&s), is_url_byte(b), "{b:#x}");
        }
    }

    #[test]
    fn mixed_and_sorted() {
        let text = "窓口 0120-123-456 / help@example.jp / https://example.jp/help / 03(1234)5678";
        let kinds: Vec<ContactKind> = find_contacts(text).iter().map(|c| c.kind).collect();
        use ContactKind::*;
        assert_eq!(kinds, [Phone, Email, Url, Phone]);
        let spans: Vec<Range<usize>> = find_contacts(text).into_iter().map(|c| c.span).collect();
        assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn invariants_on_token_soup() {
        let tokens = [
            "0", "3", "120", "-", "ー", "(", ")", "+81", " ", "@", "[at]", "info", ".", "jp",
            "https://", "www.", "example", "/", "、", "電話", "1234", "5678", "co",
        ];
        for seed in 0..300 {
            let text = token_soup(&tokens, seed, 40);
            let found = find_contacts(&text);
            for c in &found {
                assert!(
                    c.span.start < c.span.end && c.span.end <= text.len(),
                    "{text:?}"
                );
                assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
            }
            assert!(
                found.windows(2).all(|w| w[0].span.end <= w[1].span.start),
                "{text:?}"
            );
        }
    }
}
