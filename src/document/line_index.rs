//! Line starts of the ORIGINAL text, for 1-based line/column reporting and a
//! miette [`SourceCode`] whose spans cost O(log n) instead of O(n).

use std::ops::Range;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Start offsets of the lines of a text. A line ends at `\n`, `\r\n` (one
/// break) or a lone `\r` — the same breaks miette counts. A text ending with a
/// line break has an empty last line after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
    /// Bit `i` set: line `i` (0-based) ends with `\r\n`. Empty when the
    /// text has no `\r\n`.
    crlf: Vec<u64>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 40 + 1);
        line_starts.push(0);
        let mut crlf: Vec<u64> = Vec::new();
        let mut pos = 0;
        while let Some(k) = memchr::memchr2(b'\n', b'\r', &bytes[pos..]) {
            let at = pos + k;
            let mut next = at + 1;
            if bytes[at] == b'\r' && bytes.get(next) == Some(&b'\n') {
                next += 1;
                let line = line_starts.len() - 1;
                let word = line / 64;
                if crlf.len() <= word {
                    crlf.resize(word + 1, 0);
                }
                crlf[word] |= 1 << (line % 64);
            }
            line_starts.push(next);
            pos = next;
        }
        LineIndex {
            line_starts,
            len: bytes.len(),
            crlf,
        }
    }

    /// Number of lines (at least 1, even for an empty text).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Length of the indexed text.
    pub fn text_len(&self) -> usize {
        self.len
    }

    /// Start offsets of all lines.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    fn is_crlf(&self, line0: usize) -> bool {
        self.crlf
            .get(line0 / 64)
            .is_some_and(|w| w & (1 << (line0 % 64)) != 0)
    }

    /// 0-based index of the line containing `byte` (clamped to the text).
    pub fn line_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.len);
        self.line_starts.partition_point(|&s| s <= byte) - 1
    }

    /// 1-based line and 1-based column of `byte`, the column counted in
    /// characters (a leading BOM is not counted). `text` must be the indexed
    /// text. Offsets past the end are clamped; an offset inside a character
    /// counts as that character.
    pub fn line_col(&self, text: &str, byte: usize) -> (usize, usize) {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.line_of(byte);
        let start = self.line_starts[line].min(byte);
        let mut col = count_chars(&text.as_bytes()[start..byte]);
        // A leading BOM is not a visible column.
        if line == 0 && byte > 0 && text.starts_with('\u{FEFF}') {
            col -= 1;
        }
        (line + 1, col + 1)
    }

    /// Byte range of 1-based `line`, without its line break. Out-of-range
    /// lines give an empty range at the end of the text.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        if line == 0 || line > self.line_starts.len() {
            return self.len..self.len;
        }
        let i = line - 1;
        let start = self.line_starts[i];
        let end = match self.line_starts.get(i + 1) {
            Some(&next) => next - if self.is_crlf(i) { 2 } else { 1 },
            None => self.len,
        };
        start..end
    }
}

/// The number of UTF-8 characters in `bytes` (which start on a character
/// boundary): the bytes that are not continuation bytes (`0b10xx_xxxx`).
///
/// Every label of the JSON output asks for its column, and Japanese lines are
/// long; counting a byte at a time was most of the cost of `line_col`. Eight
/// bytes at a time: a continuation byte has its top bit set and the next bit
/// clear, so `w & !(w << 1)` keeps bit 7 of exactly those bytes (the shift
/// moves each byte's bit 6 into its bit 7; what crosses into the next byte
/// lands in bit 0, which the mask drops).
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut continuation = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        continuation += (w & !(w << 1) & HIGH).count_ones() as usize;
    }
    continuation += chunks
        .remainder()
        .iter()
        .filter(|&&b| b & 0xC0 == 0x80)
        .count();
    bytes.len() - continuation
}

/// A named source for miette diagnostics that uses a [`LineIndex`], so each
/// label costs O(log n + lines shown) instead of a scan from byte 0 (what
/// miette's impl for `str`/`String` does).
///
/// `read_span` returns exactly what miette's own implementation for `str`
/// returns (wrapped with the name, like [`miette::NamedSource`]): the same
/// data, span, line and line count — except that the column counts characters, not
/// bytes. miette only uses it for the `[file:line:col]` header (context always starts
/// at a line start, column 0), and Japanese readers count characters.
#[derive(Clone, Debug)]
pub struct IndexedSource {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

impl IndexedSource {
    /// `lines` must be the index of `text`.
    pub fn new(name: impl Into<String>, text: Arc<str>, lines: Arc<LineIndex>) -> Self {
        debug_assert_eq!(
            lines.text_len(),
            text.len(),
            "LineIndex built for another text"
        );
        IndexedSource {
            name: name.into(),
            text,
            lines,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }
}

/// What miette's `context_info` computes: data range, line, column,
/// line count.
#[derive(Debug, PartialEq, Eq)]
struct Context {
    data: Range<usize>,
    line: usize,
    column: usize,
    line_count: usize,
}

/// Reproduces miette 7's `context_info` (source_impls.rs) event by event,
/// but jumps over the lines before the span with a binary search.
///
/// miette walks the bytes keeping: `line_count` (breaks seen), the starts of
/// the last `before` lines preceding the span, `start_column` (bytes since
/// the last break before the span), and after the span it counts breaks until
/// `after` context lines are collected. Lines entirely before
/// `min(span start, last span byte)` only contribute "one more line, column
/// reset, push its start", so they are skipped in one step.
fn context_info(
    text: &[u8],
    lines: &LineIndex,
    span: &SourceSpan,
    before: usize,
    after: usize,
) -> Result<Context, MietteError> {
    let n = text.len();
    let starts = &lines.line_starts;
    let s = span.offset();
    let l = span.len();
    let e1 = s + l.saturating_sub(1);
    let e2 = (s + l).saturating_sub(1);
    let t = s.min(e2);

    // Lines 0..k have their break strictly before `t`.
    let k = starts.partition_point(|&x| x <= t) - 1;
    let mut line_count = k;
    let mut pushes = k;
    let mut start_column = 0usize;
    let mut end_lines = 0usize;
    let mut post_span = false;
    let mut got_newline = false;
    let mut finished_at = None;

    let count_before_s = |a: usize, b: usize| b.min(s).saturating_sub(a);

    let mut line = k;
    loop {
        let a = starts[line];
        let (content_end, brk) = match starts.get(line + 1) {
            Some(&next) => {
                let q = next - 1;
                (if lines.is_crlf(line) { q - 1 } else { q }, Some(q))
            }
            None => (n, None),
        };
        // Non-break bytes a..content_end.
        if a < content_end {
            let first_post = e2.max(a);
            if first_post < content_end {
                if end_lines >= after {
                    start_column += count_before_s(a, first_post + 1);
                    finished_at = Some(first_post + 1);
                    break;
                }
                post_span = true;
            }
            start_column += count_before_s(a, content_end);
        }
        // The break, seen by miette at offset `q` (the LF of a CRLF).
        let Some(q) = brk else { break };
        line_count += 1;
        if q < s {
            start_column = 0;
            pushes += 1;
        } else if q >= e1 && post_span {
            start_column = 0;
            if got_newline {
                end_lines += 1;
            } else {
                got_newline = true;
            }
            if end_lines >= after {
                finished_at = Some(q + 1);
                break;
            }
        }
        if q >= e2 {
            post_span = true;
            if end_lines >= after {
                finished_at = Some(q + 1);
                break;
            }
        }
        line += 1;
    }

    let offset = finished_at.unwrap_or(n);
    if offset < e2 {
        return Err(MietteError::OutOfBounds);
    }
    // miette keeps the starts of the last `before` lines pushed; the pushed
    // starts are exactly starts[0..pushes].
    let kept = pushes.min(before);
    let starting = if kept > 0 {
        starts[pushes - kept]
    } else if before == 0 {
        s
    } else {
        0
    };
    if starting > offset {
        // miette itself would panic slicing here (empty span past the end).
        return Err(MietteError::OutOfBounds);
    }
    Ok(Context {
        data: starting..offset,
        line: pushes.saturating_sub(before),
        column: if before == 0 { start_column } else { 0 },
        line_count,
    })
}

/// Context larger than this is clipped to the labelled span plus margins.
const MAX_CONTEXT_BYTES: usize = 2048;
/// Bytes of context kept on each side of a span in a clipped context.
const CONTEXT_MARGIN: usize = 240;

/// A byte column (bytes since the line start before `at`) as a character count.
fn char_column(bytes: &[u8], at: usize, byte_column: usize) -> usize {
    let line_start = at.saturating_sub(byte_column);
    match std::str::from_utf8(&bytes[line_start..at]) {
        Ok(s) => s.chars().count(),
        // Inside a character: count what decodes; no panic on odd spans.
        Err(e) => std::str::from_utf8(&bytes[line_start..line_start + e.valid_up_to()])
            .map_or(byte_column, |s| s.chars().count()),
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let bytes = self.text.as_bytes();
        let mut c = context_info(
            bytes,
            &self.lines,
            span,
            context_lines_before,
            context_lines_after,
        )?;
        // A notice with a very long line (a minified HTML page, a text without line
        // breaks) would print that whole line under every label: show a window
        // around the labelled span instead.
        if c.data.len() > MAX_CONTEXT_BYTES {
            let from = self
                .text
                .floor_char_boundary(span.offset().saturating_sub(CONTEXT_MARGIN))
                .max(c.data.start);
            let to = self
                .text
                .ceil_char_boundary((span.offset() + span.len()).saturating_add(CONTEXT_MARGIN))
                .min(c.data.end);
            if from < to {
                let line = self.lines.line_of(from);
                let line_start = self.lines.line_starts()[line];
                c = Context {
                    data: from..to,
                    line,
                    column: from - line_start,
                    line_count: self.text[from..to].matches('\n').count() + 1,
                };
            }
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &bytes[c.data.clone()],
            (c.data.start, c.data.len()).into(),
            c.line,
            char_column(bytes, c.data.start, c.column),
            c.line_count,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_and_spans() {
        let t = "一行目\r\n二行目\n\r三\r";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 5);
        assert_eq!(&t[li.line_span(1)], "一行目");
        assert_eq!(&t[li.line_span(2)], "二行目");
        assert_eq!(&t[li.line_span(3)], "");
        assert_eq!(&t[li.line_span(4)], "三");
        assert_eq!(&t[li.line_span(5)], "");
        assert_eq!(li.line_span(0), t.len()..t.len());
        assert_eq!(li.line_span(6), t.len()..t.len());
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("a\n").line_count(), 2);
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "漢字abc\r\nかな\n";
        let li = LineIndex::new(t);
        assert_eq!(li.line_col(t, 0), (1, 1));
        assert_eq!(li.line_col(t, 3), (1, 2));
        assert_eq!(li.line_col(t, 6), (1, 3));
        assert_eq!(li.line_col(t, 9), (1, 6)); // the CR
        assert_eq!(li.line_col(t, 10), (1, 7)); // the LF of CRLF: same line
        assert_eq!(li.line_col(t, 11), (2, 1));
        assert_eq!(li.line_col(t, 14), (2, 2));
        assert_eq!(li.line_col(t, t.len()), (3, 1));
        assert_eq!(li.line_col(t, 999), (3, 1));
        // Inside a character: that character's column.
        assert_eq!(li.line_col(t, 4), (1, 2));
        // A leading BOM takes no column.
        let b = "\u{FEFF}ab\ncd";
        let li = LineIndex::new(b);
        assert_eq!(li.line_col(b, 0), (1, 1));
        assert_eq!(li.line_col(b, 3), (1, 1));
        assert_eq!(li.line_col(b, 4), (1, 2));
        assert_eq!(li.line_col(b, 7), (2, 2));
    }

    #[test]
    fn count_chars_counts_characters() {
        let text = "漢字abc\r\nかな😀é\u{FEFF}x".repeat(5);
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                if text.is_char_boundary(start) && text.is_char_boundary(end) {
                    let want = text[start..end].chars().count();
                    assert_eq!(count_chars(&bytes[start..end]), want, "{start}..{end}");
                }
            }
        }
    }

    #[test]
    fn many_crlf_lines() {
        let t = "x\r\n".repeat(200);
        let li = LineIndex::new(&t);
        assert_eq!(li.line_count(), 201);
        for line in 1..=200 {
            assert_eq!(&t[li.line_span(line)], "x");
        }
    }

    fn miette_contents(text: &str, span: SourceSpan, b: usize, a: usize) -> Option<Context> {
        let text = text.to_string();
        let r = std::panic::catch_unwind(move || {
            text.read_span(&span, b, a).map(|c| Context {
                data: c.span().offset()..c.span().offset() + c.span().len(),
                line: c.line(),
                column: c.column(),
                line_count: c.line_count(),
            })
        });
        match r {
            Ok(Ok(c)) => Some(c),
            Ok(Err(_)) => None,
            Err(_) => None, // miette panics on some out-of-range empty spans
        }
    }

    fn compare_all_spans(text: &str) {
        let src = IndexedSource::new("notice.md", Arc::from(text), Arc::new(LineIndex::new(text)));
        let n = text.len();
        for off in 0..=n + 1 {
            for len in 0..=(n + 2 - off) {
                for before in 0..3 {
                    for after in 0..3 {
                        let span = SourceSpan::from((off, len));
                        let expected = miette_contents(text, span, before, after);
                        let got = src.read_span(&span, before, after).ok();
                        match (&expected, got) {
                            (None, None) => {}
                            (Some(e), Some(g)) => {
                                let g_data = g.span().offset()..g.span().offset() + g.span().len();
                                let e_column = char_column(text.as_bytes(), e.data.start, e.column);
                                assert_eq!(
                                    (&e.data, e.line, e_column, e.line_count),
                                    (&g_data, g.line(), g.column(), g.line_count()),
                                    "span {off}+{len} ctx {before}/{after} in {text:?}"
                                );
                                assert_eq!(g.data(), &text.as_bytes()[g_data]);
                                assert_eq!(g.name(), Some("notice.md"));
                            }
                            (e, g) => panic!(
                                "span {off}+{len} ctx {before}/{after} in {text:?}: \
                                 miette {e:?}, indexed ok={}",
                                g.is_some()
                            ),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn read_span_matches_miette_exhaustively_on_small_texts() {
        for text in [
            "",
            "a",
            "\n",
            "ab\ncd",
            "あ\nい\n",
            "\r\n\r\n",
            "x\ry\r\nz\n",
            "漏えい\r\n\n件数\r",
            "\n\nabc\n\n",
        ] {
            compare_all_spans(text);
        }
    }

    #[test]
    fn read_span_matches_miette_on_japanese_notice() {
        let text = "# お知らせ\n\n2025年6月1日、当社サーバーへの不正アクセスを確認しました。\n\
                    対象は約1,000件です。\r\n\r\n## 経緯\n- 6月1日: 検知\n- 6月2日: 遮断\n\
                    \n## お問い合わせ先\n窓口: (省略)\n以上";
        let src = IndexedSource::new("n.md", Arc::from(text), Arc::new(LineIndex::new(text)));
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        for (bi, &start) in bounds.iter().enumerate() {
            for &end in bounds[bi..].iter().step_by(3) {
                for before in 0..4 {
                    for after in 0..4 {
                        let span = SourceSpan::from(start..end);
                        let e = miette_contents(text, span, before, after)
                            .expect("in-range spans are readable");
                        let g = src.read_span(&span, before, after).unwrap();
                        let e_column = char_column(text.as_bytes(), e.data.start, e.column);
                        assert_eq!(
                            (e.data.start, e.data.len(), e.line, e_column, e.line_count),
                            (
                                g.span().offset(),
                                g.span().len(),
                                g.line(),
                                g.column(),
                                g.line_count()
                            ),
                            "span {start}..{end} ctx {before}/{after}"
                        );
                        assert_eq!(g.data(), &text.as_bytes()[e.data.clone()]);
                    }
                }
            }
        }
    }

    #[test]
    fn renders_like_named_source() {
        use miette::{
            Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource,
        };

        struct Report {
            src: Box<dyn SourceCode>,
            spans: Vec<(usize, usize)>,
        }
        impl std::fmt::Debug for Report {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Report")
            }
        }
        impl std::fmt::Display for Report {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("期間が書かれていません")
            }
        }
        impl std::error::Error for Report {}
        impl Diagnostic for Report {
            fn source_code(&self) -> Option<&dyn SourceCode> {
                Some(&*self.src)
            }
            fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
                let labels = self.spans.iter();
                Some(Box::new(
                    labels.map(|&(o, l)| LabeledSpan::new(Some("ここ".into()), o, l)),
                ))
            }
        }
        let render = |src: Box<dyn SourceCode>, spans: &[(usize, usize)]| {
            let report = Report {
                src,
                spans: spans.to_vec(),
            };
            let mut out = String::new();
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .render_report(&mut out, &report)
                .unwrap();
            out
        };

        let text =
            "概要\r\n2025年6月に不正アクセスを確認しました。\n対象は約数万件です。\n\n以上\n";
        let lines = Arc::new(LineIndex::new(text));
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (k, &a) in bounds.iter().enumerate().step_by(5) {
            let b = bounds.get(k + 7).copied().unwrap_or(text.len());
            let spans = [(a, b - a), (b, 0)];
            let named = render(Box::new(NamedSource::new("n.md", text.to_string())), &spans);
            let indexed = render(
                Box::new(IndexedSource::new("n.md", Arc::from(text), lines.clone())),
                &spans,
            );
            // Identical but for the header, whose column counts characters here.
            let body = |r: &str| -> String {
                r.lines()
                    .filter(|l| !l.contains("╭─["))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(body(&named), body(&indexed), "spans {spans:?}");
            let (line, col) = lines.line_col(text, a);
            assert!(
                indexed.contains(&format!("[n.md:{line}:{col}]")),
                "header of {spans:?} is not at character column {col}:\n{indexed}"
            );
        }
    }
}
