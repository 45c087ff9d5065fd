//! Properties over generated inputs:
//! (a) the normaliser's offset map lands on char boundaries, monotonically;
//! (b) every diagnostic label lies inside its file, on char boundaries, with
//!     line/column agreeing with a character count;
//! (c) statuses (and label positions) do not depend on LF vs CRLF or on
//!     full- vs half-width digits and letters.

use std::sync::LazyLock;

use disclint::Engine;
use disclint::document::{Document, normalize};
use disclint::findings::{Findings, Location};
use proptest::prelude::*;

#[path = "common/oracle.rs"]
mod oracle;
use oracle::line_col;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default_ruleset);

/// `n` cases by default (fast in debug builds); `PROPTEST_CASES=N` for a
/// longer search.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

// ------------------------------------------------------------------ (a)

/// Characters the normaliser treats specially, and their neighbours.
const TRICKY: &[char] = &[
    'a', 'Z', '0', '9', ' ', '\n', '\r', '\t', '-', '~', '。', '、', 'あ', 'か', 'は', 'ア', 'カ',
    'ハ', 'ウ', 'ワ', 'ゝ', 'ヽ', '漢', '字', 'Ａ', 'ｚ', '０', '９', '，', '（', '）', '：', '～',
    '－', '＠', 'ｶ', 'ﾊ', 'ｳ', 'ﾜ', 'ｰ', 'ﾞ', 'ﾟ', '｡', '\u{3099}', '\u{309A}', '\u{309B}',
    '\u{3000}', '\u{00A0}', '\u{2002}', '\u{202F}', '\u{2010}', '\u{2011}', '\u{2212}', '\u{301C}',
    '\u{3030}', '\u{223C}', '\u{2053}', '\u{FEFF}', '\u{FFFD}', '😀', 'é', '\u{0301}', '\u{2028}',
];

fn tricky_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => proptest::sample::select(TRICKY),
        1 => any::<char>(),
    ];
    (any::<bool>(), proptest::collection::vec(ch, 0..120)).prop_map(|(bom, chars)| {
        let mut s = String::new();
        if bom {
            s.push('\u{FEFF}');
        }
        s.extend(chars);
        s
    })
}

fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn normalised_boundaries_map_to_original_boundaries_monotonically(original in tricky_text()) {
        let (norm, map) = normalize(&original);
        prop_assert_eq!(map.norm_len(), norm.len());
        prop_assert_eq!(map.orig_len(), original.len());
        let mut last = 0;
        for b in boundaries(&norm) {
            let o = map.to_original(b);
            prop_assert!(o <= original.len());
            prop_assert!(original.is_char_boundary(o), "to_original({}) = {} in {:?}", b, o, original);
            prop_assert!(o >= last, "not monotonic at {}: {} < {}", b, o, last);
            last = o;
            let e = map.to_original_end(b);
            prop_assert!(original.is_char_boundary(e), "to_original_end({}) = {} in {:?}", b, e, original);
        }
        // (An end offset maps to just before deleted text, e.g. a BOM, so only
        // the start mapping is pinned to the end of the original.)
        prop_assert_eq!(map.to_original(norm.len()), original.len());
    }

    #[test]
    fn each_normalised_char_maps_to_the_original_it_came_from(original in tricky_text()) {
        let (norm, map) = normalize(&original);
        let b = boundaries(&norm);
        let mut prev_end = 0;
        for w in b.windows(2) {
            let r = map.range_to_original(w[0]..w[1]);
            prop_assert!(r.start <= r.end && r.end <= original.len());
            prop_assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
            prop_assert!(r.start >= prev_end, "overlapping spans in {:?}", original);
            prev_end = r.end;
            // The original piece normalises back to exactly this character
            // (a U+FEFF is dropped only at the very start of a text).
            let piece = &original[r.clone()];
            let renormalised = if &norm[w[0]..w[1]] == "\u{FEFF}" {
                piece.to_string()
            } else {
                normalize(piece.strip_prefix('\u{FEFF}').unwrap_or(piece)).0
            };
            prop_assert_eq!(
                renormalised,
                &norm[w[0]..w[1]],
                "char {:?} of {:?} maps to {:?}", &norm[w[0]..w[1]], original, r
            );
        }
    }

    #[test]
    fn spans_map_to_spans_on_boundaries(original in tricky_text(), picks in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..8)) {
        let doc = Document::new(original.as_str());
        let b = boundaries(&doc.norm);
        for (x, y) in picks {
            let (mut s, mut e) = (*x.get(&b), *y.get(&b));
            if s > e {
                std::mem::swap(&mut s, &mut e);
            }
            let r = doc.to_original(s..e);
            prop_assert!(r.start <= r.end && r.end <= original.len());
            prop_assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
        }
    }
}

// ------------------------------------------------------------------ notices

/// Building blocks of a notice; `{Y}` `{M}` `{D}` `{M2}` `{D2}` `{N}` `{P}`
/// are filled with numbers.
const BLOCKS: &[&str] = &[
    "# 不正アクセスによる個人情報漏えいに関するお詫びとお知らせ",
    "{Y}年{M}月{D}日",
    "このたび、当社が運営するWebサイトのサーバーに対して第三者による不正アクセスが行われ、お客様の個人情報が漏えいした可能性があることが判明いたしました。",
    "## 1. 概要",
    "{Y}年{M}月{D}日、当社の監視システムがサーバーの異常な通信を検知し、調査を開始しました。",
    "{Y}年{M}月{D}日から{M2}月{D2}日までの間、会員データベースが閲覧可能な状態にあったことを確認しました。",
    "## 2. 漏えいした可能性のある情報",
    "- 対象：会員登録されたお客様 {N}名",
    "- 項目：氏名、住所、電話番号、メールアドレス、生年月日",
    "漏えいした可能性のあるお客様は約数万件です。",
    "原因は、Webアプリケーションの脆弱性（CVE-2024-{N}）を悪用したSQLインジェクション攻撃です。",
    "## 3. 二次被害について",
    "現時点で、漏えいした情報の不正利用などの二次被害は確認されておりません。",
    "## 4. 当社の対応",
    "- {M}月{D}日に所轄警察署に被害を申告し、捜査に協力しております。",
    "- {M}月{D}日に個人情報保護委員会へ速報を提出しました。",
    "- 対象のお客様には、{M}月{D}日より順次メールにて個別にご連絡しております。",
    "一部のお客様につきましては、現在も調査中です。",
    "## 5. 再発防止策",
    "- 管理画面への多要素認証（MFA）の導入",
    "今後はセキュリティ対策の強化に努めてまいります。",
    "## 6. お問い合わせ先",
    "個人情報お問い合わせ窓口　電話：{P}（受付時間 平日10時〜18時）",
    "メール：privacy@example.co.jp",
    "お客様には多大なご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。",
    "",
];

#[derive(Debug, Clone)]
struct Notice {
    blocks: Vec<usize>,
    numbers: [u32; 6],
    comma: bool,
}

fn notice() -> impl Strategy<Value = Notice> {
    (
        proptest::collection::vec(0..BLOCKS.len(), 1..24),
        (
            2019u32..2027,
            1u32..13,
            1u32..29,
            1u32..13,
            1u32..29,
            1u32..2_000_000,
        ),
        any::<bool>(),
    )
        .prop_map(|(blocks, (y, m, d, m2, d2, n), comma)| Notice {
            blocks,
            numbers: [y, m, d, m2, d2, n],
            comma,
        })
}

fn with_commas(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Notice {
    /// The notice's lines, half-width.
    fn lines(&self) -> Vec<String> {
        let [y, m, d, m2, d2, n] = self.numbers;
        let n = if self.comma {
            with_commas(n)
        } else {
            n.to_string()
        };
        self.blocks
            .iter()
            .map(|&b| {
                BLOCKS[b]
                    .replace("{Y}", &y.to_string())
                    .replace("{M2}", &m2.to_string())
                    .replace("{D2}", &d2.to_string())
                    .replace("{M}", &m.to_string())
                    .replace("{D}", &d.to_string())
                    .replace("{N}", &n)
                    .replace("{P}", "0120-000-123")
            })
            .collect()
    }

    fn render(&self) -> String {
        self.lines().join("\n") + "\n"
    }

    /// Line breaks chosen by `crlf` (cycled), ASCII letters, digits and `,-:()@.`
    /// turned full-width where `wide` (cycled) says so.
    fn render_variant(&self, crlf: &[bool], wide: &[bool]) -> String {
        let mut out = String::new();
        let mut k = 0;
        for (i, line) in self.lines().iter().enumerate() {
            for c in line.chars() {
                let widen = c.is_ascii_alphanumeric() || ",-:()@.".contains(c);
                if widen && wide[k % wide.len()] {
                    out.push(char::from_u32(c as u32 + 0xFEE0).unwrap());
                } else {
                    out.push(c);
                }
                k += 1;
            }
            out.push_str(if crlf[i % crlf.len()] { "\r\n" } else { "\n" });
        }
        out
    }
}

/// Asserts a location is a real span of `text` and that line/column agree
/// with counting lines and characters.
fn check_location(text: &str, loc: &Location, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(loc.start <= loc.end, "{}: inverted {:?}", what, loc);
    prop_assert!(loc.end <= text.len(), "{}: {:?} past the end", what, loc);
    prop_assert!(
        text.is_char_boundary(loc.start) && text.is_char_boundary(loc.end),
        "{}: {:?} off a char boundary",
        what,
        loc
    );
    let (line, mut column) = line_col(text, loc.start);
    // A leading BOM is not a visible column (sources have it removed anyway).
    if line == 1 && loc.start > 0 && text.starts_with('\u{FEFF}') {
        column -= 1;
    }
    prop_assert_eq!(
        (loc.line, loc.column),
        (line, column),
        "{}: {:?}",
        what,
        loc
    );
    Ok(())
}

fn check_findings(text: &str, findings: &Findings) -> Result<(), TestCaseError> {
    for c in &findings.checks {
        for e in &c.evidence {
            check_location(text, e, &c.id)?;
        }
    }
    for d in &findings.diagnostics {
        prop_assert!(!d.labels.is_empty(), "{} has no label", d.code);
        for l in &d.labels {
            check_location(text, &l.location, &d.code)?;
            prop_assert_eq!(&l.text, &text[l.location.start..l.location.end]);
        }
    }
    Ok(())
}

/// Statuses per check, and each diagnostic's code with its labels' positions.
type Summary = (
    Vec<(String, &'static str)>,
    Vec<(String, Vec<(usize, usize)>)>,
);

fn summary(f: &Findings) -> Summary {
    (
        f.checks
            .iter()
            .map(|c| (c.id.to_string(), c.status.as_str()))
            .collect(),
        f.diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.labels
                        .iter()
                        .map(|l| (l.location.line, l.location.column))
                        .collect(),
                )
            })
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn labels_lie_inside_the_text(n in notice(), crlf in proptest::collection::vec(any::<bool>(), 1..5), wide in proptest::collection::vec(any::<bool>(), 1..7)) {
        let text = n.render_variant(&crlf, &wide);
        let (doc, findings) = ENGINE.lint_text(&text);
        prop_assert_eq!(&*doc.original, text.as_str());
        check_findings(&text, &findings)?;
    }

    #[test]
    fn labels_lie_inside_arbitrary_text(text in tricky_text()) {
        let (_, findings) = ENGINE.lint_text(&text);
        check_findings(&text, &findings)?;
    }

    #[test]
    fn html_labels_lie_inside_the_html(n in notice(), crlf in proptest::collection::vec(any::<bool>(), 1..3)) {
        let mut html = String::from("<html><head><title>お知らせ</title><script>var x = '<p>2025年1月1日</p>';</script></head><body><nav>ホーム &gt; お知らせ</nav><main>");
        for (i, line) in n.lines().iter().enumerate() {
            let escaped = line.replace('&', "&amp;").replace('<', "&lt;");
            let tag = if line.starts_with("# ") { "h1" } else if line.starts_with("## ") { "h2" } else { "p" };
            let body = escaped.trim_start_matches(['#', ' ']);
            html.push_str(&format!("<{tag}>{body}</{tag}>"));
            html.push_str(if crlf[i % crlf.len()] { "\r\n" } else { "\n" });
        }
        html.push_str("</main><footer>&copy; 2025 架空商事</footer></body></html>\n");
        let doc = Document::from_html(html.as_str());
        let findings = ENGINE.lint_document(&doc);
        check_findings(&html, &findings)?;
    }

    #[test]
    fn statuses_do_not_depend_on_line_endings_or_character_width(n in notice(), crlf in proptest::collection::vec(any::<bool>(), 1..5), wide in proptest::collection::vec(any::<bool>(), 1..7)) {
        let plain = n.render();
        let variant = n.render_variant(&crlf, &wide);
        let (_, a) = ENGINE.lint_text(&plain);
        let (_, b) = ENGINE.lint_text(&variant);
        prop_assert_eq!(summary(&a), summary(&b), "\n{}\n----\n{}", plain, variant);
        prop_assert_eq!(a.score, b.score);
    }
}

#[test]
fn the_full_notice_is_mostly_stated() {
    // Sanity check of the building blocks: all of them together make a notice
    // on which the properties above are not vacuous.
    let n = Notice {
        blocks: (0..BLOCKS.len()).collect(),
        numbers: [2025, 6, 2, 6, 20, 12480],
        comma: true,
    };
    let (_, f) = ENGINE.lint_text(&n.render());
    let stated = f
        .checks
        .iter()
        .filter(|c| c.status.as_str() == "stated")
        .count();
    assert!(stated >= 9, "{:?}", summary(&f));
    assert!(!f.diagnostics.is_empty());
}
