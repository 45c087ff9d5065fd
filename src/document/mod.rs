//! The document model: original text, normalised text with an offset map,
//! line index over the original, and the structure (sections, blocks,
//! sentences) of the normalised text.

pub mod html;
pub mod line_index;
pub mod normalize;
mod scan;
pub mod structure;

use std::ops::Range;
use std::sync::Arc;

pub use self::line_index::{IndexedSource, LineIndex};
pub use self::normalize::normalize;
pub use self::normalize::{OffsetMap, OffsetMapBuilder};
pub use self::structure::analyze;
pub use self::structure::{Block, BlockKind, Section, Structure};

/// One notice, ready for fact extraction.
#[derive(Clone, Debug)]
pub struct Document {
    /// The decoded text exactly as read; diagnostics point into it.
    pub original: Arc<str>,
    /// The normalised text every later stage matches against.
    pub norm: String,
    /// Normalised offsets → original offsets.
    pub map: OffsetMap,
    /// Lines of the original text.
    pub lines: Arc<LineIndex>,
    /// Sections, blocks and sentences of `norm`.
    pub structure: Structure,
}

impl Document {
    /// Normalises and analyses `original`.
    pub fn new(original: impl Into<Arc<str>>) -> Self {
        let original: Arc<str> = original.into();
        let (norm, map) = normalize(&original);
        let lines = Arc::new(LineIndex::new(&original));
        let structure = analyze(&norm);
        Document {
            original,
            norm,
            map,
            lines,
            structure,
        }
    }

    /// A document whose text was derived from `original` by another stage
    /// (e.g. HTML extraction): `text` is the derived text and `map` maps it
    /// back to `original`. The text is normalised and analysed, and the maps
    /// are chained, so offsets still point into `original`.
    pub fn from_derived(original: impl Into<Arc<str>>, text: &str, map: &OffsetMap) -> Self {
        let original: Arc<str> = original.into();
        let (norm, outer) = normalize(text);
        let map = outer.compose(map);
        let lines = Arc::new(LineIndex::new(&original));
        let structure = analyze(&norm);
        Document {
            original,
            norm,
            map,
            lines,
            structure,
        }
    }

    /// A document from an HTML page: its visible text is extracted
    /// ([`html::html_to_text`]), normalised and analysed; offsets map back
    /// into the HTML.
    pub fn from_html(html: impl Into<Arc<str>>) -> Self {
        let original: Arc<str> = html.into();
        let extracted = self::html::html_to_text(&original);
        let inner =
            OffsetMap::from_checkpoints(&extracted.map, extracted.text.len(), original.len());
        Self::from_derived(original, &extracted.text, &inner)
    }

    /// Maps a normalised byte range to the original text: the start to the
    /// start of its character, the end to the end of its character. The
    /// result always lies on char boundaries of `original`.
    pub fn to_original(&self, norm: Range<usize>) -> Range<usize> {
        let r = self.map.range_to_original(norm);
        let start = floor_char_boundary(&self.original, r.start);
        let end = ceil_char_boundary(&self.original, r.end).max(start);
        start..end
    }

    /// 1-based line and 1-based column (in characters) of an ORIGINAL offset.
    pub fn line_col(&self, orig_byte: usize) -> (usize, usize) {
        self.lines.line_col(&self.original, orig_byte)
    }

    /// A miette source for this document's original text.
    pub fn source(&self, name: impl Into<String>) -> IndexedSource {
        IndexedSource::new(name, self.original.clone(), self.lines.clone())
    }

    /// Index of the sentence containing normalised offset `norm_off`.
    pub fn sentence_index_at(&self, norm_off: usize) -> Option<usize> {
        index_at(&self.structure.sentences, norm_off, |r| r)
    }

    /// Index of the block containing normalised offset `norm_off`.
    pub fn block_index_at(&self, norm_off: usize) -> Option<usize> {
        index_at(&self.structure.blocks, norm_off, |b| &b.span)
    }

    /// Index of the innermost section containing normalised offset `norm_off`.
    pub fn section_at(&self, norm_off: usize) -> Option<usize> {
        let sections = &self.structure.sections;
        let mut i = sections
            .partition_point(|s| s.span.start <= norm_off)
            .checked_sub(1)?;
        loop {
            if sections[i].span.contains(&norm_off) {
                return Some(i);
            }
            i = sections[i].parent?;
        }
    }

    /// Text of sentence `i` (normalised).
    pub fn sentence(&self, i: usize) -> &str {
        &self.norm[self.structure.sentences[i].clone()]
    }
}

/// Binary search over sorted, non-overlapping ranges.
fn index_at<T>(items: &[T], off: usize, range: impl Fn(&T) -> &Range<usize>) -> Option<usize> {
    let i = items.partition_point(|it| range(it).end <= off);
    items.get(i).filter(|it| range(it).start <= off).map(|_| i)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    const NOTICE: &str = "\u{FEFF}＃ お知らせ\r\n\r\n２０２５年６月１日、ｻｰﾊﾞｰへの不正アクセスを確認しました。対象は約１，０００件です。\r\n\r\n（１）対象\r\n・氏名\r\n・住所\r\n\r\n（２）お問い合わせ先\r\n窓口：（省略）\r\n";

    #[test]
    fn maps_sentences_back_to_the_original() {
        let doc = Document::new(NOTICE);
        let head = "# お知らせ\n\n2025年6月1日、サーバーへの";
        assert!(doc.norm.starts_with(head));
        let st = &doc.structure;
        let titles: Vec<&str> = st.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, vec!["お知らせ", "対象", "お問い合わせ先"]);
        assert_eq!(st.sections[1].parent, Some(0));

        let i = st
            .sentences
            .iter()
            .position(|r| doc.norm[r.clone()].starts_with("2025年"))
            .unwrap();
        assert_eq!(
            doc.sentence(i),
            "2025年6月1日、サーバーへの不正アクセスを確認しました。"
        );
        let orig = doc.to_original(st.sentences[i].clone());
        assert_eq!(
            &doc.original[orig.clone()],
            "２０２５年６月１日、ｻｰﾊﾞｰへの不正アクセスを確認しました。"
        );
        assert_eq!(doc.line_col(orig.start), (3, 1));
        let fusei = doc.original.find("不正").unwrap();
        // ２０２５年６月１日、ｻｰﾊﾞｰへの: 17 characters before 不正 (ﾊﾞ is two).
        assert_eq!(doc.line_col(fusei), (3, 18));

        // Each heading maps back to its original line.
        let h = doc.to_original(st.sections[1].heading.clone());
        assert_eq!(&doc.original[h], "（１）対象");
        let t = doc.to_original(st.sections[0].title_span.clone());
        assert_eq!(&doc.original[t.clone()], "お知らせ");
        assert_eq!(doc.line_col(t.start), (1, 3));
    }

    #[test]
    fn lookups_by_offset() {
        let doc = Document::new(NOTICE);
        let norm = &doc.norm;
        let at = |needle: &str| norm.find(needle).unwrap();
        let s = doc.sentence_index_at(at("対象は")).unwrap();
        assert_eq!(doc.sentence(s), "対象は約1,000件です。");
        assert_eq!(doc.sentence_index_at(at("\n\n")), None);
        let b = doc.block_index_at(at("住所")).unwrap();
        assert_eq!(doc.structure.blocks[b].kind, BlockKind::ListItem);
        assert_eq!(&norm[doc.structure.blocks[b].span.clone()], "・住所");
        let sec = |needle: &str| {
            doc.section_at(at(needle))
                .map(|i| doc.structure.sections[i].title.as_str())
        };
        assert_eq!(sec("住所"), Some("対象"));
        assert_eq!(sec("窓口"), Some("お問い合わせ先"));
        assert_eq!(sec("2025年"), Some("お知らせ"));
        assert_eq!(doc.section_at(norm.len() + 10), None);

        let plain = Document::new("前文です。\n# 見出し\n本文です。\n");
        assert_eq!(plain.section_at(0), None);
        assert_eq!(plain.section_at(plain.norm.find("本文").unwrap()), Some(0));
        assert_eq!(plain.sentence_index_at(plain.norm.len()), None);
    }

    #[test]
    fn source_reports_original_lines() {
        let doc = Document::new(NOTICE);
        let src = doc.source("notice.md");
        assert_eq!(src.name(), "notice.md");
        let r = doc.to_original(doc.structure.sections[2].title_span.clone());
        let span = miette::SourceSpan::from(r.clone());
        let got = src.read_span(&span, 1, 1).unwrap();
        let expected = NOTICE.read_span(&span, 1, 1).unwrap();
        assert_eq!(got.data(), expected.data());
        assert_eq!(got.line(), expected.line());
        assert_eq!(got.span(), expected.span());
        assert_eq!(&NOTICE[r], "お問い合わせ先");
    }

    #[test]
    fn html_documents_map_back_into_the_html() {
        let html = "<html><body><main><h2>１．概要</h2>\n<p>２０２５年６月１日に不正アクセスを確認しました。対象は約&amp;1,000件です。</p>\n<ul><li>氏名</li><li>ﾒｰﾙｱﾄﾞﾚｽ</li></ul></main></body></html>";
        let doc = Document::from_html(html);
        assert_eq!(doc.map.orig_len(), html.len());
        assert_eq!(doc.map.norm_len(), doc.norm.len());
        let titles: Vec<&str> = doc
            .structure
            .sections
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(titles, vec!["概要"]);
        let s = doc.structure.sentences[1].clone();
        assert_eq!(
            &doc.norm[s.clone()],
            "2025年6月1日に不正アクセスを確認しました。"
        );
        assert_eq!(
            &html[doc.to_original(s)],
            "２０２５年６月１日に不正アクセスを確認しました。"
        );
        let item = doc.norm.find("メールアドレス").unwrap();
        let r = doc.to_original(item..item + "メールアドレス".len());
        assert_eq!(&html[r], "ﾒｰﾙｱﾄﾞﾚｽ");
        check_invariants(&doc);
    }

    /// Small deterministic generator for structured random documents.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    const LINE_STARTS: &[&str] = &[
        "",
        "",
        "",
        "# ",
        "## ",
        "### ",
        "- ",
        "・",
        "1. ",
        "（１）",
        "(2) ",
        "①",
        "【",
        "■ ",
        "＜",
        "| ",
        "|---|",
        "第1 ",
        "一、",
        "Ⅱ. ",
        "---",
        "  ",
        "\u{3000}",
        "> ",
        "1-1. ",
    ];
    const WORDS: &[&str] = &[
        "個人情報",
        "漏えい",
        "しました",
        "。",
        "、",
        "「",
        "」",
        "（",
        "）",
        "(",
        ")",
        "ＡＢＣ",
        "１２３",
        "ｶﾞｲﾄﾞ",
        "〜",
        "～",
        "!",
        "?",
        "！",
        "？",
        ".",
        "|",
        "】",
        "＞",
        ":",
        "https://example.jp/?a=1",
        " ",
        "\u{3000}",
        "件",
        "e.g.",
        "Inc. ",
        "カ\u{3099}",
    ];
    const BREAKS: &[&str] = &["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"];

    fn random_document(rng: &mut Rng) -> String {
        let mut s = String::new();
        if rng.below(5) == 0 {
            s.push('\u{FEFF}');
        }
        if rng.below(6) == 0 {
            s.push_str("---\nkey: 値\n---\n");
        }
        for _ in 0..rng.below(12) {
            s.push_str(LINE_STARTS[rng.below(LINE_STARTS.len())]);
            for _ in 0..rng.below(10) {
                s.push_str(WORDS[rng.below(WORDS.len())]);
            }
            s.push_str(BREAKS[rng.below(BREAKS.len())]);
        }
        s
    }

    fn check_invariants(doc: &Document) {
        let norm = &doc.norm;
        let st = &doc.structure;
        let fm_end = st.front_matter.as_ref().map_or(0, |r| r.end);
        let mut prev_end = fm_end;
        for b in &st.blocks {
            assert!(prev_end <= b.span.start && b.span.start <= b.span.end);
            assert!(b.span.start <= b.content.start && b.content.end <= b.span.end);
            assert!(norm.is_char_boundary(b.span.start) && norm.is_char_boundary(b.span.end));
            prev_end = b.span.end;
        }
        let mut prev_end = fm_end;
        for (i, s) in st.sentences.iter().enumerate() {
            assert!(prev_end <= s.start && s.start < s.end, "sentence {i} {s:?}");
            let text = &norm[s.clone()];
            assert_eq!(text, text.trim());
            let b = doc
                .block_index_at(s.start)
                .expect("sentence inside a block");
            assert!(s.end <= st.blocks[b].span.end);
            assert_eq!(doc.sentence_index_at(s.start), Some(i));
            assert_eq!(doc.sentence_index_at(s.end - 1), Some(i));
            let o = doc.to_original(s.clone());
            assert!(doc.original.is_char_boundary(o.start) && doc.original.is_char_boundary(o.end));
            assert!(o.start < o.end);
            prev_end = s.end;
        }
        for (i, sec) in st.sections.iter().enumerate() {
            assert!(sec.span.start == sec.heading.start && sec.heading.end <= sec.span.end);
            assert!(sec.span.end <= norm.len());
            assert_eq!(&norm[sec.title_span.clone()], sec.title);
            if let Some(p) = sec.parent {
                let ps = &st.sections[p];
                assert!(p < i && ps.level < sec.level);
                assert!(ps.span.start <= sec.span.start && sec.span.end <= ps.span.end);
            }
            assert_eq!(doc.section_at(sec.heading.start), Some(i));
            if i > 0 {
                let prev = &st.sections[i - 1];
                // Laminar: either nested or disjoint.
                assert!(prev.span.end <= sec.span.start || sec.span.end <= prev.span.end);
            }
        }
        // Monotonic map on every char boundary.
        let mut last = 0;
        for (n, _) in norm.char_indices() {
            let o = doc.map.to_original(n);
            assert!(o >= last && doc.original.is_char_boundary(o));
            last = o;
        }
    }

    #[test]
    fn property_random_documents() {
        let mut rng = Rng(0xD15C_1147);
        for _ in 0..3000 {
            let text = random_document(&mut rng);
            let doc = Document::new(text.as_str());
            check_invariants(&doc);
        }
    }

    #[test]
    fn property_random_html() {
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<br>",
            "<h2>",
            "</h2>",
            "<ul><li>",
            "</li></ul>",
            "<table><tr><td>",
            "</td><td>",
            "</td></tr></table>",
            "&amp;",
            "&#12354;",
            "&nbsp;",
            "\r\n",
            "  ",
            "個人情報",
            "。",
            "（１）",
            "ＡＢＣ",
            "ｶﾞｲﾄﾞ",
            "〜",
            "<!-- x -->",
            "<script>a<b</script>",
            "<",
            ">",
            "1. 概要",
            "【経緯】",
        ];
        let mut rng = Rng(77);
        for _ in 0..500 {
            let n = rng.below(40);
            let html: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let doc = Document::from_html(html.as_str());
            assert_eq!(doc.map.orig_len(), html.len());
            assert_eq!(doc.map.norm_len(), doc.norm.len());
            check_invariants(&doc);
        }
    }

    /// Runs over the notice corpus (set DISCLINT_CORPUS to another directory):
    /// `cargo test --release -- --ignored corpus --nocapture`
    #[test]
    #[ignore]
    fn corpus_smoke_and_timing() {
        fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    collect(&p, out);
                } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
                    out.push(p);
                }
            }
        }
        let dir = std::env::var("DISCLINT_CORPUS")
            .unwrap_or_else(|_| "/work/shared/corpus/notices".to_string());
        let mut files = Vec::new();
        collect(std::path::Path::new(&dir), &mut files);
        if files.is_empty() {
            eprintln!("no corpus at {dir}; skipping");
            return;
        }
        let texts: Vec<String> = files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        let bytes: usize = texts.iter().map(String::len).sum();
        // The first round includes warming up the allocator; report the best.
        let mut elapsed = std::time::Duration::MAX;
        let mut first = None;
        let mut docs = Vec::new();
        for _ in 0..3 {
            drop(docs);
            let start = std::time::Instant::now();
            docs = texts.iter().map(|t| Document::new(t.as_str())).collect();
            elapsed = elapsed.min(start.elapsed());
            first.get_or_insert(start.elapsed());
        }
        for d in &docs {
            check_invariants(d);
        }
        eprintln!(
            "{} documents, {:.2} MB in {:.1} ms (best of 3; first pass {:.1} ms)",
            docs.len(),
            bytes as f64 / 1e6,
            elapsed.as_secs_f64() * 1e3,
            first.unwrap_or_default().as_secs_f64() * 1e3
        );
    }
}
