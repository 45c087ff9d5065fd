//! The whole pipeline on arbitrary bytes: decode → document (Markdown/text or
//! HTML) → default ruleset → findings → renderers. No panic, and every
//! diagnostic label and evidence span lies inside the text, on character
//! boundaries, with line/column agreeing with a character count.
#![no_main]

use std::sync::LazyLock;

use disclint::Engine;
use disclint::findings::Location;
use disclint::report::{Renderer, Summary, human::Human, json::Json, short::Short};
use disclint::source::{InputFormat, SourceFile, decode};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/oracle.rs"]
mod oracle;
use oracle::line_col;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default_ruleset);

fn check_location(text: &str, loc: &Location, what: &str) {
    assert!(loc.start <= loc.end, "{what}: inverted {loc:?}");
    assert!(
        loc.end <= text.len(),
        "{what}: {loc:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(loc.start),
        "{what}: start of {loc:?} off a char boundary"
    );
    assert!(
        text.is_char_boundary(loc.end),
        "{what}: end of {loc:?} off a char boundary"
    );
    let (line, mut column) = line_col(text, loc.start);
    if line == 1 && loc.start > 0 && text.starts_with('\u{FEFF}') {
        column -= 1;
    }
    assert_eq!(loc.line, line, "{what}: line of {loc:?}");
    assert_eq!(loc.column, column, "{what}: column of {loc:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 3 {
        0 => InputFormat::Markdown,
        1 => InputFormat::Text,
        _ => InputFormat::Html,
    };
    let (text, encoding, warnings) = decode(bytes, None);
    let source = SourceFile {
        path: "fuzz.md".to_string(),
        text,
        encoding,
        format,
        warnings,
    };
    let report = ENGINE.lint_source(source);
    let text: &str = &report.document.original;
    for c in &report.findings.checks {
        for e in &c.evidence {
            check_location(text, e, &format!("evidence of {}", c.id));
        }
    }
    for d in &report.findings.diagnostics {
        for l in &d.labels {
            check_location(text, &l.location, &d.code);
            assert_eq!(l.text, text[l.location.start..l.location.end], "{}", d.code);
        }
    }
    // Renderers only read the report; they must not panic on any of it.
    let mut sink = Vec::new();
    let mut summary = Summary::default();
    summary.add(&report);
    if selector & 0x80 != 0 {
        let mut human = Human::new(false, true);
        let _ = human.file(&mut sink, &report);
        let _ = human.end(&mut sink, &summary);
    }
    let mut json = Json::default();
    let _ = json.begin(&mut sink);
    let _ = json.file(&mut sink, &report);
    let _ = json.end(&mut sink, &summary);
    let _ = Short::default().file(&mut sink, &report);
});
