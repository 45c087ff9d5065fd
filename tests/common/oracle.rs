//! A reference implementation of line/column counting, deliberately naive, that
//! tests and the fuzz target compare disclint's line index against.

/// 1-based line and character column of `at`, counting LF, CRLF and a lone
/// CR as line breaks (as editors do).
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    let mut chars = text[..at].chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r'
            && (chars.peek() == Some(&'\n')
                || text[at..].starts_with('\n') && chars.peek().is_none());
        if c == '\n' || (c == '\r' && !crlf) {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}
