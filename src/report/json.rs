//! `--format json`: the stable machine-readable schema of DESIGN.md, streamed one
//! file object at a time.
//!
//! The file objects are written by hand rather than derived with serde: the output
//! of a corpus run is larger than its input (every diagnostic carries its message,
//! help and labelled text), and serde_json's string escaping, one table lookup per
//! byte, was the largest single cost of rendering. [`write_str`] skips eight bytes
//! at a time that need no escaping. The bytes are the same as serde_json's (a test
//! compares them); numbers that are not integers go through serde_json.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Summary};
use crate::engine::FileReport;
use crate::findings::{Location, Text};

#[derive(Default)]
pub struct Json {
    files_written: usize,
    /// One file's object, built here and written with one call.
    buf: Vec<u8>,
}

#[derive(Serialize)]
struct SummaryJson {
    files: usize,
    errors: usize,
    warnings: usize,
    mean_score: Option<f64>,
}

/// One file's object, compact, as `{"path":…,"checks":[…],"diagnostics":[…]}`.
pub fn write_file_object(out: &mut Vec<u8>, report: &FileReport) {
    let f = &report.findings;
    out.extend_from_slice(b"{\"path\":");
    write_str(out, &report.path);
    out.extend_from_slice(b",\"ruleset\":");
    write_str(out, &report.ruleset);
    out.extend_from_slice(b",\"encoding\":");
    write_str(out, report.encoding);
    out.extend_from_slice(b",\"score\":");
    write_f64(out, f.score);
    out.extend_from_slice(b",\"checks\":");
    write_array(out, &f.checks, |out, c| {
        out.extend_from_slice(b"{\"id\":");
        write_text(out, &c.id);
        out.extend_from_slice(b",\"level\":");
        write_keyword(out, c.level.as_str());
        out.extend_from_slice(b",\"status\":");
        write_keyword(out, c.status.as_str());
        out.extend_from_slice(b",\"weight\":");
        write_f64(out, Some(c.weight));
        out.extend_from_slice(b",\"evidence\":");
        write_array(out, &c.evidence, |out, loc| {
            out.push(b'{');
            write_location(out, loc);
            out.push(b'}');
        });
        out.push(b'}');
    });
    out.extend_from_slice(b",\"diagnostics\":");
    write_array(out, &f.diagnostics, |out, d| {
        out.extend_from_slice(b"{\"code\":");
        write_text(out, &d.code);
        out.extend_from_slice(b",\"check\":");
        write_text(out, &d.check);
        out.extend_from_slice(b",\"severity\":");
        write_keyword(out, d.severity.as_str());
        out.extend_from_slice(b",\"message\":");
        write_text(out, &d.message);
        out.extend_from_slice(b",\"help\":");
        match &d.help {
            Some(h) => write_text(out, h),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"labels\":");
        write_array(out, &d.labels, |out, label| {
            out.push(b'{');
            write_location(out, &label.location);
            out.extend_from_slice(b",\"text\":");
            write_str(out, &label.text);
            out.push(b'}');
        });
        out.push(b'}');
    });
    out.push(b'}');
}

/// A finding's text: copied as it is when it is known to need no escaping (the
/// texts made once per engine, such as a check's help, are most of a report).
fn write_text(out: &mut Vec<u8>, text: &Text) {
    if text.is_plain() {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        write_str(out, text);
    }
}

/// A string from a fixed set of plain words (a level, a status), quoted
/// without an escaping pass: there are tens of thousands of them in a corpus
/// report, and the scan cost more than the copy.
fn write_keyword(out: &mut Vec<u8>, word: &'static str) {
    debug_assert!(
        !word.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'),
        "{word:?} needs escaping"
    );
    out.push(b'"');
    out.extend_from_slice(word.as_bytes());
    out.push(b'"');
}

/// `[a,b,…]`, each item written by `item`.
fn write_array<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

/// `"start":…,"end":…,"line":…,"column":…`, made in a buffer on the stack and
/// appended with one copy (every evidence span and label has one; eight appends
/// of a few bytes each cost more than making the numbers).
fn write_location(out: &mut Vec<u8>, loc: &Location) {
    // The keys (33 bytes) and four numbers of at most 20 digits each.
    let mut buf = [0u8; 33 + 4 * 20];
    let mut len = 0;
    for (key, n) in [
        (&b"\"start\":"[..], loc.start),
        (b",\"end\":", loc.end),
        (b",\"line\":", loc.line),
        (b",\"column\":", loc.column),
    ] {
        buf[len..len + key.len()].copy_from_slice(key);
        len += key.len();
        len += put_usize(&mut buf[len..], n);
    }
    out.extend_from_slice(&buf[..len]);
}

/// `n` in decimal.
fn write_usize(out: &mut Vec<u8>, n: usize) {
    let mut buf = [0u8; 20];
    let len = put_usize(&mut buf, n);
    out.extend_from_slice(&buf[..len]);
}

/// Write `n` in decimal at the start of `buf` (at least 20 bytes); returns the
/// number of digits. The digits are counted first and written in place from the
/// last, two per step from a table (every label has four numbers; one digit per
/// division was most of writing them).
#[inline]
fn put_usize(buf: &mut [u8], mut n: usize) -> usize {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut len = 1;
    let mut bound = 10;
    while len < 20 && n >= bound {
        len += 1;
        bound = bound.saturating_mul(10);
    }
    let mut i = len;
    while n >= 100 {
        let pair = (n % 100) * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        buf[..2].copy_from_slice(&PAIRS[n * 2..n * 2 + 2]);
    } else {
        buf[0] = b'0' + n as u8;
    }
    len
}

/// `null`, or the number as serde_json writes it (shortest round-trip form).
fn write_f64(out: &mut Vec<u8>, x: Option<f64>) {
    match x {
        // Whole numbers, such as every check's weight, are written `3.0` by
        // serde_json: made here, where formatting the float cost more than the rest
        // of a check's object.
        Some(x) if (0.0..1e15).contains(&x) && x.is_sign_positive() && (x as u64) as f64 == x => {
            write_usize(out, x as usize);
            out.extend_from_slice(b".0");
        }
        _ => serde_json::to_writer(out, &x).expect("numbers serialise into memory"),
    }
}

/// Whether any of the eight bytes of `w` is `"`, `\` or a control character
/// (< 0x20): the bytes JSON strings must escape. Bit tricks from "Bit Twiddling
/// Hacks" (haszero / hasless); false positives cannot happen for "any".
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let below_0x20 = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
    below_0x20 || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// A JSON string literal, escaped exactly as serde_json escapes it: `"` and `\`
/// with a backslash, \b \f \n \r \t short, other control characters as \u00XX.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !needs_escape(w) {
                i += 8;
                continue;
            }
        } else {
            // The last bytes (all of a short string such as an id or a
            // status), padded with spaces, which need no escaping: one test
            // instead of one per byte.
            let mut tail = [b' '; 8];
            tail[..bytes.len() - i].copy_from_slice(&bytes[i..]);
            if !needs_escape(u64::from_le_bytes(tail)) {
                break;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            0x08 => Some(b'b'),
            0x0c => Some(b'f'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            _ => None,
        };
        if short.is_some() || b < 0x20 {
            out.extend_from_slice(&bytes[run_start..i]);
            match short {
                Some(c) => out.extend_from_slice(&[b'\\', c]),
                None => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 0xf) as usize],
                ]),
            }
            run_start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n  \"version\": 1,\n  \"files\": [")
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.buf.clear();
        if self.files_written > 0 {
            self.buf.push(b',');
        }
        self.buf.extend_from_slice(b"\n    ");
        write_file_object(&mut self.buf, report);
        self.files_written += 1;
        out.write_all(&self.buf)
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n  ],\n  \"summary\": ")?;
        serde_json::to_writer(
            &mut *out,
            &SummaryJson {
                files: summary.files,
                errors: summary.errors,
                warnings: summary.warnings,
                mean_score: summary.mean_score(),
            },
        )?;
        out.write_all(b"\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut cases: Vec<String> = [
            "",
            "plain ascii text, long enough for several words",
            "約数万件のお客様情報（氏名・住所）",
            "quote \" and backslash \\ and slash /",
            "tab\tnewline\ncr\rbackspace\u{8}formfeed\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f}\u{80}\u{3000}",
            "ends with quote\"",
            "\"",
            "1234567\"",
            "12345678\"",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every byte below 0x80 at every position of strings of 1 to 17
        // bytes (short ones are tested as one padded word).
        for len in 1..=17 {
            for b in 0u8..0x80 {
                for at in 0..len {
                    let mut s: Vec<u8> = b"abcdefghijklmnopq"[..len].to_vec();
                    s[at] = b;
                    cases.push(String::from_utf8(s).unwrap());
                }
            }
        }
        for s in &cases {
            assert_eq!(ours(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn keywords_are_written_like_strings() {
        use crate::findings::Status;
        use crate::ruleset::Level;
        let words = [
            Status::Stated,
            Status::Vague,
            Status::Missing,
            Status::NotApplicable,
        ]
        .map(Status::as_str)
        .into_iter()
        .chain([Level::Info, Level::Warning, Level::Error].map(Level::as_str));
        for w in words {
            let mut out = Vec::new();
            write_keyword(&mut out, w);
            assert_eq!(String::from_utf8(out).unwrap(), ours(w), "{w}");
        }
    }

    #[test]
    fn integers_and_floats_match_serde_json() {
        let some = (0..=1000).chain([9999, 10000, 12345, 99999, 100000, 1 << 40, usize::MAX]);
        for n in some {
            let mut out = Vec::new();
            write_usize(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap());
        }
        let whole = (0..=2000).map(f64::from).chain([
            1e14,
            1e15 - 1.0,
            1e15,
            1e16,
            123456789.0,
            -0.0,
            -3.0,
            0.5,
            f64::MIN_POSITIVE,
        ]);
        let some = [None, Some(0.0), Some(33.9), Some(100.0), Some(2.5)]
            .into_iter()
            .chain(whole.map(Some));
        for x in some {
            let mut out = Vec::new();
            write_f64(&mut out, x);
            assert_eq!(out, serde_json::to_vec(&x).unwrap());
        }
    }
}
